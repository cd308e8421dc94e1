"""Reviewer and oversight pages: personas, refusals with reasons, autosave, submit → locked."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.enums import AssignmentStatus
from cases.models import Assignment, FileReview, ReviewSettings

FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


def form_data(checklist_row, case_type="general_penalty", **overrides):
    _, item_set = services.checklist_of(checklist_row).item_set_for(case_type)
    data = {}
    for item in item_set.items:
        data[f"state_{item.id}"] = "scored"
        data[f"points_{item.id}"] = str(overrides.get(item.id, item.points))
    return data


@pytest.fixture
def assignment(candidate, make_case, seed, campaign_admin, review_settings, reviewer_b):
    make_case()
    draw = services.draw_files(
        candidate=candidate, slot="general", count=1, seed=seed, actor=campaign_admin
    )
    return Assignment.objects.create(
        sampled=draw.sampled.get(), reviewer=reviewer_b, status=AssignmentStatus.ACTIVE
    )


def test_queue_lists_the_reviewers_files(client_for, assignment, reviewer_b):
    response = client_for(reviewer_b).get(reverse("cases:queue"))
    assert response.status_code == 200
    assert assignment.sampled.case_file.case_number in response.content.decode()
    assert "甲分局" in response.content.decode()


def test_queue_in_blind_mode_hides_unit_and_number(client_for, assignment, reviewer_b):
    ReviewSettings.objects.update(blind=True)
    page = client_for(reviewer_b).get(reverse("cases:queue")).content.decode()
    assert assignment.sampled.case_file.case_number not in page
    assert "甲分局" not in page and "盲评隐藏" in page


def test_queue_query_count_does_not_grow_with_files(
    client_for, assignment, reviewer_b, make_case, candidate, campaign_admin, seed
):
    client = client_for(reviewer_b)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("cases:queue"))
    for _ in range(2):
        make_case(case_type="seal_seize")
    draw = services.draw_files(
        candidate=candidate, slot="supporting", count=2, seed=seed, actor=campaign_admin
    )
    for sampled in draw.sampled.all():
        Assignment.objects.create(
            sampled=sampled, reviewer=reviewer_b, status=AssignmentStatus.ACTIVE
        )
    with CaptureQueriesContext(connection) as three:
        page = client.get(reverse("cases:queue")).content.decode()
    assert page.count("/cases/review/") == 3
    assert len(three) == len(one)


def test_another_reviewers_file_is_404(client_for, assignment, reviewer_c):
    url = reverse("cases:review", args=[assignment.pk])
    assert client_for(reviewer_c).get(url).status_code == 404


def test_own_units_file_is_refused_even_by_url(client_for, assignment, reviewer_a):
    Assignment.objects.filter(pk=assignment.pk).update(reviewer=reviewer_a)
    url = reverse("cases:review", args=[assignment.pk])
    response = client_for(reviewer_a).get(url)
    assert response.status_code == 403
    assert "不得评查本单位的案卷。" in response.content.decode()
    response = client_for(reviewer_a).post(url, {"action": "save"}, **FETCH)
    assert response.status_code == 403
    assert json.loads(response.content)["errors"] == ["不得评查本单位的案卷。"]
    assert not FileReview.objects.exists()


def test_autosave_stores_marks_and_reports_range_errors(client_for, assignment, reviewer_b):
    client = client_for(reviewer_b)
    url = reverse("cases:review", args=[assignment.pk])
    response = client.post(
        url, {"state_filing": "scored", "points_filing": "7", "action": "save"}, **FETCH
    )
    assert response.status_code == 200 and json.loads(response.content)["ok"]
    assert FileReview.objects.get().marks["items"] == {"filing": {"state": "scored", "points": "7"}}
    response = client.post(
        url, {"state_filing": "scored", "points_filing": "9", "action": "save"}, **FETCH
    )
    assert response.status_code == 400
    assert "9" not in json.dumps(FileReview.objects.get().marks)
    errors = json.loads(response.content)["errors"]
    assert errors and "8" in errors[0]


def test_grave_problem_without_reason_is_refused_in_the_form(
    client_for, assignment, reviewer_b, checklist_row
):
    url = reverse("cases:review", args=[assignment.pk])
    data = {**form_data(checklist_row), "grave_G08": "on", "reason_G08": "", "action": "submit"}
    response = client_for(reviewer_b).post(url, data)
    assert response.status_code == 200
    assert (
        "标记严重问题“作出的决定无法律、法规、规章依据”时必须写明理由。"
        in response.content.decode()
    )
    assert not FileReview.objects.filter(submitted_at__isnull=False).exists()


def test_reviewer_scores_marks_grave_problem_submits_and_the_candidate_sees_zero(
    client_for, assignment, reviewer_b, checklist_row, candidate, campaign_admin
):
    client = client_for(reviewer_b)
    url = reverse("cases:review", args=[assignment.pk])
    page = client.get(url).content.decode()
    assert "立案审批表" in page and "G08" in page
    reason = "处罚决定援引的条款已于 2023 年废止"
    data = {**form_data(checklist_row), "grave_G09": "on", "reason_G09": reason}
    response = client.post(url, {**data, "action": "submit"})
    assert response.status_code == 302
    review = FileReview.objects.get()
    assert review.score == 0 and review.submitted_at is not None
    page = client.get(url).content.decode()
    assert "评查结果已提交并锁定。" in page and reason in page
    # Scoring after submission is refused.
    response = client.post(url, {**form_data(checklist_row), "action": "save"}, **FETCH)
    assert json.loads(response.content)["errors"] == ["评查结果已提交并锁定，不能再修改。"]
    # The candidate's file page shows 0 with the reason.
    admin = client_for(campaign_admin)
    page = admin.get(reverse("cases:candidate_files", args=[candidate.pk])).content.decode()
    assert ">0.00<" in page and reason in page


def test_conflict_reassigns(client_for, assignment, reviewer_b, reviewer_c):
    url = reverse("cases:conflict", args=[assignment.pk])
    response = client_for(reviewer_b).post(url, {"reason": "与当事人有亲属关系"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.CONFLICT
    assert Assignment.objects.get(status=AssignmentStatus.ACTIVE).reviewer == reviewer_c


def test_oversight_personas(client_for, assignment, campaign, own_staff, reviewer, campaign_admin):
    url = reverse("cases:oversight", args=[campaign.pk])
    assert client_for(own_staff).get(url).status_code == 404
    page = client_for(reviewer).get(url).content.decode()
    draw = assignment.sampled.draw
    assert draw.pool_hash[:12] in page and draw.seed.value in page
    assert "rev_b" in page  # progress per reviewer
    assert client_for(campaign_admin).get(url).status_code == 200


def test_arbitration_by_a_reviewer_is_refused(client_for, assignment, reviewer):
    url = reverse("cases:arbitrate", args=[assignment.sampled.pk])
    response = client_for(reviewer).post(url, {"score": "90", "reason": "复核"})
    assert response.status_code == 403
    assert "只有主审人员或活动管理员可以裁定" in response.content.decode()


def test_office_announces_seed_draws_proposes_and_approves(
    client_for, campaign, campaign_admin, candidate, make_case, review_settings, reviewer_b
):
    from cases.models import Draw, DrawSeed

    make_case()
    make_case(case_type="seal_seize")
    client = client_for(campaign_admin)
    base = reverse("cases:oversight", args=[campaign.pk])
    response = client.post(reverse("cases:announce_seed", args=[campaign.pk]), {"value": " "})
    assert response.status_code == 302 and not DrawSeed.objects.exists()
    page = client.get(base).content.decode()
    assert "抽取前必须先公布随机种子，未填写种子不能抽取。" in page
    client.post(reverse("cases:announce_seed", args=[campaign.pk]), {"value": "会议公布 4471"})
    seed = DrawSeed.objects.get()
    client.post(
        reverse("cases:draw", args=[campaign.pk]),
        {"seed": seed.pk, "pin": candidate.campaign_rubric.pk},
    )
    assert [(d.slot, len(d.result_ids)) for d in Draw.objects.order_by("pk")] == [
        ("general", 1),
        ("supporting", 1),
    ]
    client.post(reverse("cases:assign", args=[campaign.pk]), {"step": "propose"})
    assert set(Assignment.objects.values_list("status", flat=True)) == {"proposed"}
    client.post(reverse("cases:assign", args=[campaign.pk]), {"step": "approve"})
    assert set(Assignment.objects.values_list("status", flat=True)) == {"active"}
    assert set(Assignment.objects.values_list("reviewer", flat=True)) == {reviewer_b.pk}


def test_reviewer_cannot_draw(client_for, campaign, reviewer):
    response = client_for(reviewer).post(
        reverse("cases:announce_seed", args=[campaign.pk]), {"value": "x"}
    )
    assert response.status_code == 403


def test_unit_staff_register_a_case_by_form(client_for, own_unit, own_staff, officer):
    from cases.models import CaseFile

    url = reverse("cases:unit_cases", args=[own_unit.pk])
    client = client_for(own_staff)
    data = {
        "case_number": "甲环罚〔2024〕21号",
        "case_type": "daily_penalty",
        "decision_date": "2024-06-03",
        "inspection_certs": officer.certificate_no,
        "approval_certs": f"{officer.certificate_no}、00000000",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "未登记的执法证件号：00000000" in response.content.decode()
    assert not CaseFile.objects.exists()
    data["approval_certs"] = officer.certificate_no
    assert client.post(url, data).status_code == 302
    case = CaseFile.objects.get()
    assert case.unit == own_unit and case.case_type == "daily_penalty"
    assert case.handlers.count() == 2


def test_unit_cases_personas(client_for, own_unit, other_staff, reviewer):
    url = reverse("cases:unit_cases", args=[own_unit.pk])
    assert client_for(other_staff).get(url).status_code == 404
    assert client_for(reviewer).get(url).status_code == 200
    assert client_for(reviewer).post(url, {"case_number": "x"}).status_code == 403


def test_review_page_in_blind_mode_hides_unit_and_number(client_for, assignment, reviewer_b):
    ReviewSettings.objects.update(blind=True)
    page = client_for(reviewer_b).get(reverse("cases:review", args=[assignment.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "甲分局" not in text and assignment.sampled.case_file.case_number not in text


def test_oversight_query_count_does_not_grow_with_draws(
    client_for, campaign, campaign_admin, candidate, make_case, seed, s002_pin, own_unit
):
    from scoring.services.candidates import register_candidate
    from tests.factories import OfficerFactory

    make_case()
    services.draw_files(
        candidate=candidate, slot="general", count=1, seed=seed, actor=campaign_admin
    )
    client = client_for(campaign_admin)
    url = reverse("cases:oversight", args=[campaign.pk])
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(2):
        other = register_candidate(
            campaign_rubric=s002_pin, officer=OfficerFactory(unit=own_unit), actor=campaign_admin
        )
        services.draw_files(
            candidate=other, slot="general", count=1, seed=seed, actor=campaign_admin
        )
    with CaptureQueriesContext(connection) as three:
        page = client.get(url).content.decode()
    assert page.count("/cases/candidate/") == 3
    assert len(three) == len(one)


def test_blind_mode_masks_party_and_officer_names_too(client_for, assignment, reviewer_b):
    from cases.models import CaseFile

    case = assignment.sampled.case_file
    CaseFile.objects.filter(pk=case.pk).update(party_name="某某化工有限公司")
    officer_name = case.handlers.select_related("officer").first().officer.name  # 张执法
    client = client_for(reviewer_b)
    url = reverse("cases:review", args=[assignment.pk])
    seen = client.get(url).content.decode()
    assert "某某化工有限公司" in seen and "甲分局" in seen  # not blind: shown
    ReviewSettings.objects.update(blind=True)
    for page in (client.get(url), client.get(reverse("cases:queue"))):
        text = page.content.decode()
        assert page.status_code == 200
        assert "某某化工有限公司" not in text and "甲分局" not in text
        assert officer_name not in text and case.case_number not in text
