"""Recorded draws: seed first, pool hash, redraw with reason, verify_draw, eligibility in SQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from cases import draws, services
from cases.enums import HandlerRole
from cases.models import CaseFile, Draw, SampledFile
from scoring.services.candidates import register_candidate
from tests.factories import OfficerFactory


def test_register_case_refuses_a_duplicate_number_in_the_same_unit(make_case, own_unit):
    case = make_case()
    with pytest.raises(ValidationError, match="本单位已登记该案件编号"):
        services.register_case(
            unit=own_unit,
            case_number=case.case_number,
            case_type="general_penalty",
            decision_date=None,
            actor=None,
        )
    assert CaseFile.objects.count() == 1


def test_register_case_refuses_an_unknown_type(own_unit):
    with pytest.raises(ValidationError, match="未知的案卷类型“fine”"):
        services.register_case(
            unit=own_unit, case_number="X1", case_type="fine", decision_date=None, actor=None
        )


def test_register_case_by_another_units_staff_is_404(own_unit, other_staff):
    from django.http import Http404

    with pytest.raises(Http404):
        services.register_case(
            unit=own_unit,
            case_number="X1",
            case_type="general_penalty",
            decision_date=None,
            actor=other_staff,
        )


def test_draw_without_a_seed_is_refused(candidate, make_case, campaign_admin, review_settings):
    make_case()
    with pytest.raises(ValidationError, match="抽取前必须先公布随机种子"):
        services.draw_files(
            candidate=candidate, slot="general", count=1, seed=None, actor=campaign_admin
        )
    with pytest.raises(ValidationError, match="抽取前必须先公布随机种子"):
        services.announce_seed(campaign=candidate.campaign_rubric.campaign, value=" ", actor=None)
    assert not Draw.objects.exists()


def test_draw_by_a_reviewer_is_refused(candidate, seed, reviewer):
    with pytest.raises(PermissionDenied, match="只有活动管理员可以抽取案卷"):
        services.draw_files(candidate=candidate, slot="general", count=1, seed=seed, actor=reviewer)


def test_draw_records_seed_pool_hash_and_result(candidate, make_case, seed, campaign_admin):
    cases = [make_case() for _ in range(4)]
    make_case(case_type="seal_seize")
    draw = services.draw_files(
        candidate=candidate, slot="general", count=1, seed=seed, actor=campaign_admin
    )
    pool = sorted(c.pk for c in cases)
    assert draw.pool_ids == pool
    assert draw.pool_hash == draws.pool_hash(pool)
    assert draw.result_ids == draws.draw(seed.value, pool, 1)
    assert list(SampledFile.objects.values_list("case_file_id", flat=True)) == draw.result_ids


def test_short_pool_records_the_shortfall(candidate, seed, campaign_admin):
    draw = services.draw_files(
        candidate=candidate, slot="supporting", count=1, seed=seed, actor=campaign_admin
    )
    assert draw.result_ids == [] and draw.shortfall == 1


def test_redraw_needs_a_reason_and_both_stay_visible(candidate, make_case, seed, campaign_admin):
    for _ in range(5):
        make_case()
    first = services.draw_files(
        candidate=candidate, slot="general", count=1, seed=seed, actor=campaign_admin
    )
    with pytest.raises(ValidationError, match="重新抽取须注明理由"):
        services.draw_files(
            candidate=candidate, slot="general", count=1, seed=seed, actor=campaign_admin
        )
    second_seed = services.announce_seed(
        campaign=seed.campaign, value="补抽种子 55", actor=campaign_admin
    )
    with pytest.raises(ValidationError, match="重新抽取必须填写理由"):
        services.draw_files(
            candidate=candidate,
            slot="general",
            count=1,
            seed=second_seed,
            actor=campaign_admin,
            replaces=first,
        )
    second = services.draw_files(
        candidate=candidate,
        slot="general",
        count=1,
        seed=second_seed,
        actor=campaign_admin,
        replaces=first,
        reason="原抽中案卷系统录入错误，经领导小组办公室同意重新抽取",
    )
    assert list(Draw.objects.order_by("pk")) == [first, second]
    assert second.replaces == first and first.replaced_by == second
    # The replaced draw's file goes back into the pool of the redraw.
    assert set(first.result_ids) <= set(second.pool_ids)
    assert services.verify_draw(draw=first).ok
    assert services.verify_draw(draw=second).ok


def test_file_already_sampled_is_not_drawn_again_and_not_shared(
    candidate, make_case, seed, campaign_admin, s002_pin, own_unit
):
    other = OfficerFactory(unit=own_unit)
    other_candidate = register_candidate(
        campaign_rubric=s002_pin, officer=other, actor=campaign_admin
    )
    shared = make_case(
        handlers=[
            (candidate.officer, HandlerRole.INSPECTION_RECORD),
            (candidate.officer, HandlerRole.FILING_APPROVAL),
            (other, HandlerRole.INSPECTION_RECORD),
            (other, HandlerRole.FILING_APPROVAL),
        ]
    )
    first = services.draw_files(
        candidate=candidate, slot="general", count=1, seed=seed, actor=campaign_admin
    )
    assert first.result_ids == [shared.pk]
    rule = services.pool_rule(campaign=seed.campaign, candidate=other_candidate, slot="general")
    assert shared.pk in rule.serving_others
    second = services.draw_files(
        candidate=other_candidate, slot="general", count=1, seed=seed, actor=campaign_admin
    )
    assert second.result_ids == [] and second.shortfall == 1


def test_individual_pool_needs_both_roles_and_the_window(
    candidate, make_case, seed, campaign_admin
):
    officer = candidate.officer
    ok = make_case()
    make_case(handlers=[(officer, HandlerRole.INSPECTION_RECORD)])
    make_case(handlers=[(officer, HandlerRole.FILING_APPROVAL), (officer, HandlerRole.PRESIDING)])
    make_case(decision=dt.date(2023, 10, 31))
    pool = services.eligible_pool(campaign=seed.campaign, candidate=candidate, slot="general")
    assert pool == [ok.pk]


def test_verify_draw_command_matches_then_detects_a_changed_pool(
    candidate, make_case, seed, campaign_admin, capsys
):
    for _ in range(3):
        make_case()
    draw = services.draw_files(
        candidate=candidate, slot="general", count=1, seed=seed, actor=campaign_admin
    )
    call_command("verify_draw", draw.pk)
    out = capsys.readouterr().out
    assert "核对通过：抽取可复现。" in out
    assert f"可抽范围哈希：记录 {draw.pool_hash}，当前 {draw.pool_hash}（3 份）→ 一致" in out

    make_case()  # a file registered afterwards, back-dated into the window
    with pytest.raises(CommandError, match="核对未通过"):
        call_command("verify_draw", draw.pk)
    out = capsys.readouterr().out
    assert "（4 份）→ 不一致" in out
    check = services.verify_draw(draw=draw)
    assert not check.pool_matches


def test_verify_draw_detects_a_tampered_result(candidate, make_case, seed, campaign_admin):
    for _ in range(6):
        make_case()
    draw = services.draw_files(
        candidate=candidate, slot="general", count=1, seed=seed, actor=campaign_admin
    )
    other = next(i for i in draw.pool_ids if i not in draw.result_ids)
    Draw.objects.filter(pk=draw.pk).update(result_ids=[other])
    draw.refresh_from_db()
    check = services.verify_draw(draw=draw)
    assert check.pool_matches and not check.result_matches


def test_verify_draw_unknown_id(db):
    with pytest.raises(CommandError, match="抽取记录 #999 不存在"):
        call_command("verify_draw", 999)
