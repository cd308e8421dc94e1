"""Contestant and inspection-target draws: the case-sampling mechanism (cases.draws) reused,
reproducible from seed + pool, changed pools detected, redraws with reasons, too few eligible."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from cases import draws as drawing
from competitions import services
from competitions.enums import ContestantSource, DrawKind
from competitions.models import CompetitionDraw, Contestant, Enterprise
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db


def test_contestant_draw_is_reproducible_from_seed_and_pool(
    competition, own_unit, officers, seed, campaign_admin
):
    draw = services.draw_contestants(
        competition=competition, unit=own_unit, seed=seed, actor=campaign_admin
    )
    pool = sorted(o.pk for o in officers["BR-A"])
    # Seed 001: "每期从各县（区）内随机抽选X名" with X = 2 on this competition.
    assert draw.count == 2 and draw.pool_ids == pool
    assert draw.pool_hash == drawing.pool_hash(pool)
    # The same seed and pool give the same result, computed by the case-sampling function.
    assert draw.result_ids == drawing.draw(seed.value, pool, 2)
    assert len(set(draw.result_ids)) == 2
    drawn = Contestant.objects.filter(competition=competition, source=ContestantSource.DRAWN)
    assert sorted(drawn.values_list("officer_id", flat=True)) == sorted(draw.result_ids)
    assert {c.team.unit_id for c in drawn} == {own_unit.pk}
    check = services.verify_competition_draw(draw=draw)
    assert check.ok


def test_changed_officer_pool_is_detected(competition, own_unit, officers, seed, campaign_admin):
    draw = services.draw_contestants(
        competition=competition, unit=own_unit, seed=seed, actor=campaign_admin
    )
    OfficerFactory(name="后补", unit=own_unit, certificate_no="BR-A-9")
    check = services.verify_competition_draw(draw=draw)
    assert not check.pool_matches
    assert check.current_pool_size == 5
    with pytest.raises(CommandError, match="核对未通过"):
        call_command("verify_competition_draw", draw.pk)


def test_verify_command_reports_a_match(
    competition, own_unit, officers, seed, campaign_admin, capsys
):
    draw = services.draw_contestants(
        competition=competition, unit=own_unit, seed=seed, actor=campaign_admin
    )
    call_command("verify_competition_draw", draw.pk)
    out = capsys.readouterr().out
    assert "核对通过：抽取可复现。" in out and seed.value in out
    with pytest.raises(CommandError, match="不存在"):
        call_command("verify_competition_draw", 99999)


def test_nomination_after_the_draw_keeps_it_verifiable(
    competition, own_unit, officers, seed, campaign_admin
):
    draw = services.draw_contestants(
        competition=competition, unit=own_unit, seed=seed, actor=campaign_admin
    )
    free = next(o for o in officers["BR-A"] if o.pk not in draw.result_ids)
    services.nominate(competition=competition, unit=own_unit, officer=free, actor=campaign_admin)
    assert services.verify_competition_draw(draw=draw).ok
    # Seed 001 "推荐X名" with X = 1: a second nomination is refused in Chinese.
    other = next(o for o in officers["BR-A"] if o.pk not in [*draw.result_ids, free.pk])
    with pytest.raises(ValidationError, match="达到每单位推荐名额（1 名）"):
        services.nominate(
            competition=competition, unit=own_unit, officer=other, actor=campaign_admin
        )


def test_nominated_officers_are_not_in_a_later_pool(
    competition, own_unit, officers, seed, campaign_admin
):
    nominated = officers["BR-A"][0]
    services.nominate(
        competition=competition, unit=own_unit, officer=nominated, actor=campaign_admin
    )
    draw = services.draw_contestants(
        competition=competition, unit=own_unit, seed=seed, actor=campaign_admin
    )
    assert nominated.pk not in draw.pool_ids and len(draw.pool_ids) == 3
    assert services.verify_competition_draw(draw=draw).ok


def test_too_few_eligible_contestants_get_a_chinese_message(
    competition, own_unit, officers, seed, campaign_admin
):
    for officer in officers["BR-A"][1:]:
        officer.is_active = False
        officer.save(update_fields=["is_active"])
    OfficerFactory(name="无证", unit=own_unit, certificate_no="")  # no certificate: not eligible
    with pytest.raises(ValidationError) as exc:
        services.draw_contestants(
            competition=competition, unit=own_unit, seed=seed, actor=campaign_admin
        )
    assert exc.value.messages == [
        "“甲分局”符合条件的执法人员（在编在岗、持有执法证件、尚未参赛）只有 1 名，"
        "少于应抽取的 2 名，不能抽取。请核对执法人员名单或调整抽取人数。"
    ]
    assert not CompetitionDraw.objects.exists() and not Contestant.objects.exists()


def test_draw_needs_an_announced_seed(competition, own_unit, officers, campaign_admin):
    with pytest.raises(ValidationError, match="抽取前必须先公布随机种子"):
        services.draw_contestants(
            competition=competition, unit=own_unit, seed=None, actor=campaign_admin
        )


def test_redraw_needs_a_reason_and_both_stay_visible(
    competition, own_unit, officers, seed, campaign_admin
):
    first = services.draw_contestants(
        competition=competition, unit=own_unit, seed=seed, actor=campaign_admin
    )
    with pytest.raises(ValidationError, match="重新抽取须注明理由"):
        services.draw_contestants(
            competition=competition, unit=own_unit, seed=seed, actor=campaign_admin
        )
    with pytest.raises(ValidationError, match="重新抽取必须填写理由"):
        services.draw_contestants(
            competition=competition,
            unit=own_unit,
            seed=seed,
            actor=campaign_admin,
            replaces=first,
        )
    sick = Contestant.objects.get(officer_id=first.result_ids[0])
    sick.officer.is_active = False
    sick.officer.save(update_fields=["is_active"])
    second = services.draw_contestants(
        competition=competition,
        unit=own_unit,
        seed=seed,
        actor=campaign_admin,
        replaces=first,
        reason="抽中人员因病住院，不能参赛",
    )
    assert second.replaces_id == first.pk and second.reason == "抽中人员因病住院，不能参赛"
    assert CompetitionDraw.objects.count() == 2
    assert sorted(
        Contestant.objects.filter(source=ContestantSource.DRAWN).values_list(
            "officer_id", flat=True
        )
    ) == sorted(second.result_ids)
    draws = services.draws_of(competition)
    assert [d.pk for d in draws] == [first.pk, second.pk]
    assert draws[0].replaced_by == second
    assert services.verify_competition_draw(draw=second).ok


def test_target_draw_one_enterprise_per_county(
    competition, own_unit, other_unit, seed, campaign_admin
):
    added = services.add_enterprises(
        competition=competition,
        text="BR-A，甲化工有限公司，91370900A1\nBR-A,甲水泥厂\nBR-A,甲印染厂\nBR-B,乙电镀厂",
        actor=campaign_admin,
    )
    assert added == 4
    draw = services.draw_targets(
        competition=competition, unit=own_unit, seed=seed, actor=campaign_admin
    )
    pool = sorted(Enterprise.objects.filter(unit=own_unit).values_list("pk", flat=True))
    # Seed 000: "随机抽取检查对象，每县选取 1 家检查对象".
    assert draw.kind == DrawKind.TARGETS and draw.count == 1
    assert draw.result_ids == drawing.draw(seed.value, pool, 1)
    assert services.verify_competition_draw(draw=draw).ok
    picked = services.current_targets(competition)[own_unit.pk]
    assert [e.pk for e in picked] == draw.result_ids
    # The list changed after the draw: an enterprise withdrawn → the pool hash differs.
    Enterprise.objects.filter(pk=pool[0]).update(is_active=False)
    assert not services.verify_competition_draw(draw=draw).pool_matches


def test_too_few_targets_and_bad_list_lines(competition, third_unit, seed, campaign_admin):
    with pytest.raises(
        ValidationError, match="“丙分局”可抽取的检查对象只有 0 家，少于应抽取的 1 家"
    ):
        services.draw_targets(
            competition=competition, unit=third_unit, seed=seed, actor=campaign_admin
        )
    with pytest.raises(ValidationError) as exc:
        services.add_enterprises(
            competition=competition, text="BR-C,丙厂\nNOPE,某厂\nBR-C", actor=campaign_admin
        )
    assert exc.value.messages == [
        "第 2 行：单位代码“NOPE”不是本活动的参评单位。",
        "第 3 行：须为“单位代码，企业名称[，信用代码][，行业]”。",
    ]
    assert not Enterprise.objects.exists()
