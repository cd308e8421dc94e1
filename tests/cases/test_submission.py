"""Seed 003: the collective's 7 case files are submitted by type, not drawn.

Seed 003 (先进集体评选细则 一): "应提交 2016 年 9-11 月期间形成的 7 份执法案卷：3 份行政处罚案卷；
1 份按日计罚案卷；1 份移送公安机关行政拘留材料；1 份涉嫌环境污染犯罪移送公安机关材料；1 份申请法院
强制执行材料" … "根据提供的行政区域内所有案卷(7 份)得分的平均值计算。未提供的,该案卷按零分计".
The s003-collective rubric scales that mean from 100 to 40 points (case_quality_points)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from campaigns.enums import PhaseKind
from cases import services
from cases.enums import AssignmentStatus, DrawMethod
from cases.models import Assignment, CaseFile, Draw, SampledFile
from scoring.models import Fact, ScoreSnapshot
from scoring.services.candidates import register_candidate
from scoring.services.evaluation import evaluate_campaign
from tests.cases.conftest import pin
from tests.factories import PhaseFactory

PLAN = {
    "general": 3,
    "daily_penalty": 1,
    "detention_transfer": 1,
    "crime_transfer": 1,
    "court_enforcement": 1,
}


@pytest.fixture
def open_phase(campaign):
    return PhaseFactory(campaign=campaign, kind=PhaseKind.SELF_ASSESSMENT)


@pytest.fixture
def s003_candidate(campaign, own_unit, campaign_admin):
    pin_ = pin(campaign, "s003-collective", campaign_admin)
    return register_candidate(campaign_rubric=pin_, unit=own_unit, actor=campaign_admin)


@pytest.fixture
def files(make_case):
    """The unit's registry: 4 general penalties, 1 daily penalty, 1 crime transfer (inside the
    campaign window 2023-11-01 … 2024-10-31), and one general penalty decided outside it."""
    return {
        "g1": make_case(),
        "g2": make_case(),
        "g3": make_case(),
        "g4": make_case(),
        "daily": make_case(case_type="daily_penalty"),
        "crime": make_case(case_type="crime_transfer"),
        "late": make_case(decision=dt.date(2024, 12, 1)),
    }


def choose(files, **extra):
    choices = {
        "general": [files["g1"].pk, files["g2"].pk, files["g3"].pk],
        "daily_penalty": [files["daily"].pk],
        "crime_transfer": [files["crime"].pk],
        "detention_transfer": [],
        "court_enforcement": [],
    }
    choices.update(extra)
    return choices


def test_branch_submits_by_type_and_missing_slots_are_recorded(
    s003_candidate, files, open_phase, own_staff
):
    draws = services.submit_case_files(
        candidate=s003_candidate, choices=choose(files), actor=own_staff
    )
    assert [(d.slot, d.count, d.method) for d in draws] == [
        (slot, count, DrawMethod.SUBMITTED) for slot, count in PLAN.items()
    ]
    assert all(d.seed_id is None and d.drawn_by == own_staff for d in draws)
    general = draws[0]
    # The general slot's pool: the 4 general files inside the window ("late" is outside).
    assert general.pool_ids == sorted(files[k].pk for k in ("g1", "g2", "g3", "g4"))
    assert general.result_ids == [files["g1"].pk, files["g2"].pk, files["g3"].pk]
    # Two slots left empty: each records a shortfall of 1, which scores 0.
    assert [d.shortfall for d in draws] == [0, 0, 1, 0, 1]
    assert SampledFile.objects.filter(draw__in=draws).count() == 5
    # verify_draw checks each submitted set against the pool as of its submission.
    assert all(services.verify_draw(draw=d).ok for d in draws)


def test_submitted_files_are_cross_reviewed_and_average_of_seven_missing_zero(
    s003_candidate,
    files,
    open_phase,
    own_staff,
    campaign,
    campaign_admin,
    review_settings,
    reviewer_a,
    reviewer_b,
    reviewer_c,
    checklist_row,
):
    services.submit_case_files(candidate=s003_candidate, choices=choose(files), actor=own_staff)
    assert services.propose_assignments(campaign=campaign, actor=campaign_admin) == 5
    services.approve_assignments(campaign=campaign, actor=campaign_admin)
    checklist = services.checklist_of(checklist_row)

    def full(case_type):
        _, item_set = checklist.item_set_for(case_type)
        return {
            "items": {i.id: {"state": "scored", "points": str(i.points)} for i in item_set.items}
        }

    marks = {
        # g1: every item full → 50 + 50 × 100 ÷ 100 = 100
        files["g1"].pk: full("general_penalty"),
        # g2: full items, one missing basic element D03 (1 point) → 100 − 1 = 99
        files["g2"].pk: {**full("general_penalty"), "deductions": {"D03": 1}},
        # g3: a grave problem → 0 (零分案卷) with the reason
        files["g3"].pk: {**full("general_penalty"), "grave": {"G02": "笔录仅一名执法人员签名"}},
        # daily penalty: 120 of 120 → 100; crime transfer 100 of 100, no bonus → 100
        files["daily"].pk: full("daily_penalty"),
        files["crime"].pk: full("crime_transfer"),
    }
    for assignment in Assignment.objects.select_related("sampled", "reviewer"):
        # Cross-review: never the file's own unit (甲分局, reviewer_a's).
        assert assignment.reviewer != reviewer_a
        services.save_marks(
            assignment=assignment,
            marks=marks[assignment.sampled.case_file_id],
            actor=assignment.reviewer,
        )
        services.submit_review(assignment=assignment, actor=assignment.reviewer)
    finals = dict(SampledFile.objects.values_list("case_file_id", "final_score"))
    assert finals == {
        files["g1"].pk: D(100),
        files["g2"].pk: D(99),
        files["g3"].pk: D(0),
        files["daily"].pk: D(100),
        files["crime"].pk: D(100),
    }
    fact = Fact.objects.get(unit=s003_candidate.unit, key="case_files")
    assert fact.source == "case_review" and len(fact.value) == 5
    evaluate_campaign(campaign=campaign)
    snapshot = ScoreSnapshot.objects.current().get(candidate=s003_candidate)
    # (100 + 99 + 0 + 100 + 100 + 0 + 0) ÷ 7 = 399 ÷ 7 = 57; 57 × 40 ÷ 100 = 22.8
    assert D(str(snapshot.breakdown["case_file_mean"][0])) == D("22.8")


def test_bad_submissions_list_every_problem_and_save_nothing(
    s003_candidate, files, open_phase, own_staff, other_unit, make_case
):
    foreign = make_case(unit=other_unit)
    with pytest.raises(ValidationError) as exc:
        services.submit_case_files(
            candidate=s003_candidate,
            choices=choose(
                files,
                general=[files["g1"].pk, files["g2"].pk, files["g3"].pk, files["g4"].pk],
                daily_penalty=[files["late"].pk],
                crime_transfer=[files["daily"].pk],
                court_enforcement=[foreign.pk],
                detention_transfer=[files["g1"].pk],
            ),
            actor=own_staff,
        )
    messages = exc.value.messages
    assert "“一般行政处罚案卷”应提交 3 份，实际选择了 4 份。" in messages
    late, daily = files["late"].case_number, files["daily"].case_number
    assert f"“按日连续处罚案卷”：案卷“{late}”不能提交（决定日期不在评审期内）。" in messages
    assert f"“涉嫌犯罪移送材料”：案卷“{daily}”不能提交（案卷类型不符合抽取类别）。" in messages
    assert f"“申请法院强制执行材料”：案卷 #{foreign.pk} 不存在或不是本单位的案卷。" in messages
    assert any("被重复选择" in m for m in messages)
    assert not Draw.objects.exists() and not SampledFile.objects.exists()


def test_a_file_serving_another_candidate_cannot_be_submitted(
    s003_candidate, files, open_phase, own_staff, candidate, seed, campaign_admin
):
    # Seed 002: "候选个人不得与候选集体共用同一份案卷" — the officer's draw took one general file.
    drawn = services.draw_files(
        candidate=candidate, slot="general", count=1, seed=seed, actor=campaign_admin
    )
    taken = CaseFile.objects.get(pk=drawn.result_ids[0])
    with pytest.raises(ValidationError, match="已为其他候选对象抽取"):
        services.submit_case_files(
            candidate=s003_candidate, choices={"general": [taken.pk]}, actor=own_staff
        )
    # Nor is it offered on the form.
    slots = services.submission_slots(candidate=s003_candidate)
    assert taken not in slots[0].eligible and len(slots[0].eligible) == 3


def test_submission_needs_the_open_phase(s003_candidate, files, own_staff, campaign):
    with pytest.raises(ValidationError, match="自评推选阶段未开放或已截止，不能提交案卷"):
        services.submit_case_files(candidate=s003_candidate, choices=choose(files), actor=own_staff)
    PhaseFactory(
        campaign=campaign,
        kind=PhaseKind.SELF_ASSESSMENT,
        starts_at=timezone.now() - dt.timedelta(days=9),
        ends_at=timezone.now() - dt.timedelta(days=1),
    )
    with pytest.raises(ValidationError, match="自评推选阶段未开放或已截止"):
        services.submit_case_files(candidate=s003_candidate, choices=choose(files), actor=own_staff)
    assert not Draw.objects.exists()


def test_submission_is_once_and_own_unit_only(
    s003_candidate, files, open_phase, own_staff, other_staff, reviewer
):
    with pytest.raises(Http404):
        services.submit_case_files(
            candidate=s003_candidate, choices=choose(files), actor=other_staff
        )
    with pytest.raises(PermissionDenied):
        services.submit_case_files(candidate=s003_candidate, choices=choose(files), actor=reviewer)
    services.submit_case_files(candidate=s003_candidate, choices=choose(files), actor=own_staff)
    with pytest.raises(ValidationError, match="本单位已提交案卷，提交后不能更改"):
        services.submit_case_files(candidate=s003_candidate, choices=choose(files), actor=own_staff)
    assert Draw.objects.count() == 5


def test_an_empty_submission_is_refused(s003_candidate, files, open_phase, own_staff):
    with pytest.raises(ValidationError, match="请至少选择一份案卷再提交"):
        services.submit_case_files(
            candidate=s003_candidate, choices={"general": [], "daily_penalty": []}, actor=own_staff
        )
    with pytest.raises(ValidationError, match="评分细则没有这些案卷类别：seal_seize"):
        services.submit_case_files(
            candidate=s003_candidate, choices={"seal_seize": [files["g1"].pk]}, actor=own_staff
        )
    assert not Draw.objects.exists()


def test_submission_for_a_drawn_rubric_is_refused(candidate, own_staff):
    with pytest.raises(ValidationError, match="不需要按类型提交案卷"):
        services.submit_case_files(candidate=candidate, choices={}, actor=own_staff)


def test_verify_draw_command_on_a_submitted_set_detects_a_changed_registry(
    s003_candidate, files, open_phase, own_staff
):
    draws = services.submit_case_files(
        candidate=s003_candidate, choices=choose(files), actor=own_staff
    )
    out = StringIO()
    call_command("verify_draw", str(draws[0].pk), stdout=out)
    assert "单位按类型提交" in out.getvalue() and "核对通过：所交案卷均符合条件" in out.getvalue()
    # The registry changes afterwards: g2's decision date moves outside the window.
    CaseFile.objects.filter(pk=files["g2"].pk).update(decision_date=dt.date(2022, 1, 1))
    with pytest.raises(CommandError, match="核对未通过"):
        call_command("verify_draw", str(draws[0].pk), stdout=StringIO())
    check = services.verify_draw(draw=draws[0])
    assert not check.pool_matches and files["g2"].pk not in check.recomputed_result


def test_submission_page_offers_eligible_files_and_submits(
    client_for, s003_candidate, files, open_phase, own_staff
):
    client = client_for(own_staff)
    url = reverse("cases:submit_cases", args=[s003_candidate.pk])
    page = client.get(url).content.decode()
    assert files["g4"].case_number in page and files["late"].case_number not in page
    data = {
        "slot_general_1": files["g1"].pk,
        "slot_general_2": files["g2"].pk,
        "slot_general_3": files["g3"].pk,
        "slot_daily_penalty_1": files["daily"].pk,
        "slot_crime_transfer_1": files["crime"].pk,
        "slot_detention_transfer_1": "",
        "slot_court_enforcement_1": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert Draw.objects.filter(method=DrawMethod.SUBMITTED).count() == 5
    results = client.get(reverse("cases:candidate_files", args=[s003_candidate.pk]))
    text = results.content.decode()
    assert text.count("未提供该类型案卷，缺 1 份，按 0 分计") == 2
    # The page now shows the submission, no form.
    again = client.get(url).content.decode()
    assert 'data-testid="submitted"' in again and "submission-form" not in again


def test_submission_page_repeats_a_choice_clearly(
    client_for, s003_candidate, files, open_phase, own_staff
):
    response = client_for(own_staff).post(
        reverse("cases:submit_cases", args=[s003_candidate.pk]),
        {"slot_general_1": files["g1"].pk, "slot_general_2": files["g1"].pk},
    )
    assert response.status_code == 400
    assert "同一份案卷只能提交一次。" in response.content.decode()
    assert not Draw.objects.exists()


def test_submission_page_personas(
    client_for, s003_candidate, files, open_phase, own_staff, other_staff, reviewer
):
    url = reverse("cases:submit_cases", args=[s003_candidate.pk])
    assert client_for(other_staff).get(url).status_code == 404
    # A reviewer may look but not submit (403 with the reason page).
    assert client_for(reviewer).get(url).status_code == 200
    refused = client_for(reviewer).post(url, {"slot_general_1": files["g1"].pk})
    assert refused.status_code == 403 and not Draw.objects.exists()


def test_submitted_files_are_assigned_like_drawn_ones(
    s003_candidate,
    files,
    open_phase,
    own_staff,
    campaign,
    campaign_admin,
    review_settings,
    reviewer_a,
    reviewer_b,
    reviewer_c,
):
    services.submit_case_files(candidate=s003_candidate, choices=choose(files), actor=own_staff)
    services.propose_assignments(campaign=campaign, actor=campaign_admin)
    rows = Assignment.objects.select_related("reviewer", "sampled__case_file")
    assert len(rows) == 5
    assert all(a.reviewer.unit_id != a.sampled.case_file.unit_id for a in rows)
    assert {a.status for a in rows} == {AssignmentStatus.PROPOSED}
