"""Assignment, reviewing, locking, aggregation, arbitration — through the services."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases import services
from cases.enums import AssignmentStatus
from cases.models import Assignment, FileReview
from scoring.models import Fact


def full_marks(checklist_row, case_type="general_penalty", **overrides):
    _, item_set = services.checklist_of(checklist_row).item_set_for(case_type)
    items = {}
    for item in item_set.items:
        value = overrides.get(item.id, item.points)
        items[item.id] = {"state": "scored", "points": str(value)}
    return {"items": items}


@pytest.fixture
def sampled(candidate, make_case, seed, campaign_admin, review_settings):
    make_case()
    draw = services.draw_files(
        candidate=candidate, slot="general", count=1, seed=seed, actor=campaign_admin
    )
    return draw.sampled.get()


@pytest.fixture
def assigned(sampled, campaign, campaign_admin, reviewer_a, reviewer_b, reviewer_c):
    services.propose_assignments(campaign=campaign, actor=campaign_admin)
    services.approve_assignments(campaign=campaign, actor=campaign_admin)
    return Assignment.objects.get(sampled=sampled)


def test_proposed_assignment_never_goes_to_the_files_own_unit(
    sampled, campaign, campaign_admin, reviewer_a, reviewer_b, reviewer_c
):
    assert services.propose_assignments(campaign=campaign, actor=campaign_admin) == 1
    assignment = Assignment.objects.get()
    assert assignment.status == AssignmentStatus.PROPOSED
    assert assignment.reviewer != reviewer_a  # reviewer_a is in the file's unit
    assert services.approve_assignments(campaign=campaign, actor=campaign_admin) == 1
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACTIVE and assignment.approved_at


def test_assignment_impossible_gives_a_chinese_message(
    sampled, campaign, campaign_admin, reviewer_a
):
    with pytest.raises(ValidationError, match="需要 1 名外单位评查人员，但只有 0 名"):
        services.propose_assignments(campaign=campaign, actor=campaign_admin)
    assert not Assignment.objects.exists()


def test_reviewing_a_file_of_ones_own_unit_is_refused(assigned, reviewer_a, checklist_row):
    # Even if someone forces the assignment onto an own-unit reviewer.
    Assignment.objects.filter(pk=assigned.pk).update(reviewer=reviewer_a)
    assigned.refresh_from_db()
    with pytest.raises(PermissionDenied, match="不得评查本单位的案卷"):
        services.save_marks(assignment=assigned, marks=full_marks(checklist_row), actor=reviewer_a)


def test_save_as_you_go_then_submit_locks(assigned, checklist_row, candidate):
    reviewer = assigned.reviewer
    services.save_marks(
        assignment=assigned,
        marks={"items": {"filing": {"state": "scored", "points": "6"}}},
        actor=reviewer,
    )
    review = services.save_marks(
        assignment=assigned,
        marks={"items": {"defense": {"state": "missing", "points": None}}},
        actor=reviewer,
    )
    assert review.marks["items"] == {
        "filing": {"state": "scored", "points": "6"},
        "defense": {"state": "missing", "points": None},
    }
    with pytest.raises(ValidationError, match="以下文书项尚未评查"):
        services.submit_review(assignment=assigned, actor=reviewer)
    services.save_marks(
        assignment=assigned,
        marks=full_marks(checklist_row, filing=6, defense=0),
        actor=reviewer,
    )
    review = services.submit_review(assignment=assigned, actor=reviewer)
    # earned 100 − 2 (filing 6 of 8) − 5 (defence 0 of 5) = 93 → 50 + 46.5 = 96.50
    assert review.score == D("96.50") and review.submitted_at is not None
    assigned.refresh_from_db()
    assert assigned.status == AssignmentStatus.SUBMITTED
    with pytest.raises(ValidationError, match="评查结果已提交并锁定，不能再修改"):
        services.save_marks(assignment=assigned, marks=full_marks(checklist_row), actor=reviewer)
    with pytest.raises(ValidationError, match="评查结果已提交并锁定"):
        services.submit_review(assignment=assigned, actor=reviewer)
    sampled = assigned.sampled
    sampled.refresh_from_db()
    assert sampled.final_score == D("96.50")
    fact = Fact.objects.get(officer=candidate.officer, key="sampled_case_files")
    assert fact.value == [{"score": "96.50", "grave_defect": False}]
    assert fact.source == "case_review"
    assert fact.source_ref == f"casefile:{sampled.case_file_id}"


def test_points_outside_the_range_are_refused_on_save(assigned):
    with pytest.raises(ValidationError, match=r"立案审批表”的分值 12 超出范围（0 至 8 分）"):
        services.save_marks(
            assignment=assigned,
            marks={"items": {"filing": {"state": "scored", "points": "12"}}},
            actor=assigned.reviewer,
        )
    assert not FileReview.objects.exists()  # the whole save rolled back


def test_grave_problem_without_reason_is_refused_on_save(assigned):
    with pytest.raises(ValidationError, match="必须写明理由"):
        services.save_marks(
            assignment=assigned, marks={"grave": {"G02": ""}}, actor=assigned.reviewer
        )


def test_grave_problem_scores_zero_and_flows_with_seed002_defect(assigned, candidate):
    reviewer = assigned.reviewer
    services.save_marks(
        assignment=assigned,
        marks={"grave": {"G02": "现场检查笔录仅一名执法人员签名"}},
        actor=reviewer,
    )
    review = services.submit_review(assignment=assigned, actor=reviewer)
    assert review.score == 0 and review.zeroed
    assert (
        "G02 调查取证、检查的执法人员少于两人：现场检查笔录仅一名执法人员签名" in review.explanation
    )
    fact = Fact.objects.get(officer=candidate.officer, key="sampled_case_files")
    assert fact.value == [{"score": "0.00", "grave_defect": True}]


def test_scoring_a_file_not_assigned_to_you_is_refused(assigned, reviewer, checklist_row):
    with pytest.raises(PermissionDenied, match="这份案卷没有分配给您"):
        services.save_marks(assignment=assigned, marks=full_marks(checklist_row), actor=reviewer)


def test_conflict_reassigns_to_another_outside_reviewer(assigned, reviewer_a):
    first_reviewer = assigned.reviewer
    with pytest.raises(ValidationError, match="申报回避必须写明理由"):
        services.declare_conflict(assignment=assigned, reason=" ", actor=first_reviewer)
    new = services.declare_conflict(
        assignment=assigned, reason="本人曾参与该案现场检查", actor=first_reviewer
    )
    assigned.refresh_from_db()
    assert assigned.status == AssignmentStatus.CONFLICT
    assert new.reviewer not in (first_reviewer, reviewer_a)
    assert new.status == AssignmentStatus.ACTIVE


def two_reviewers(sampled, reviewer_b, reviewer_c):
    rows = [
        Assignment.objects.create(sampled=sampled, reviewer=r, status=AssignmentStatus.ACTIVE)
        for r in (reviewer_b, reviewer_c)
    ]
    return rows


def test_two_reviewers_mean_and_arbitration_flag(
    sampled, review_settings, reviewer_b, reviewer_c, checklist_row, campaign_admin, candidate
):
    review_settings.reviewers_per_file = 2
    review_settings.spread_threshold = D("5")
    review_settings.save()
    b, c = two_reviewers(sampled, reviewer_b, reviewer_c)
    services.save_marks(assignment=b, marks=full_marks(checklist_row), actor=reviewer_b)
    services.submit_review(assignment=b, actor=reviewer_b)
    sampled.refresh_from_db()
    assert sampled.final_score is None and not sampled.flagged  # waiting for the second
    services.save_marks(
        assignment=c, marks=full_marks(checklist_row, decision=0, evidence=5), actor=reviewer_c
    )
    services.submit_review(assignment=c, actor=reviewer_c)  # 50 + 50 × 75 ÷ 100 = 87.50
    sampled.refresh_from_db()
    assert sampled.combined_score == D("93.75") and sampled.spread == D("12.50")
    assert sampled.flagged and sampled.final_score is None
    assert not Fact.objects.filter(key="sampled_case_files").exists()
    with pytest.raises(ValidationError, match="主审裁定必须写明理由"):
        services.arbitrate(sampled=sampled, score=D("90"), reason="", actor=campaign_admin)
    with pytest.raises(PermissionDenied, match="只有主审人员或活动管理员可以裁定"):
        services.arbitrate(sampled=sampled, score=D("90"), reason="复核", actor=reviewer_b)
    services.arbitrate(
        sampled=sampled, score=D("90"), reason="决定书缺少履行方式，酌减", actor=campaign_admin
    )
    sampled.refresh_from_db()
    assert sampled.final_score == D("90") and not sampled.flagged
    assert sampled.arbitrated_by == campaign_admin
    fact = Fact.objects.get(officer=candidate.officer, key="sampled_case_files")
    assert fact.value == [{"score": "90.00", "grave_defect": False}]


def test_two_reviewers_median(sampled, review_settings, reviewer_b, reviewer_c, checklist_row):
    review_settings.reviewers_per_file = 2
    review_settings.aggregation = "median"
    review_settings.save()
    b, c = two_reviewers(sampled, reviewer_b, reviewer_c)
    services.save_marks(assignment=b, marks=full_marks(checklist_row), actor=reviewer_b)
    services.submit_review(assignment=b, actor=reviewer_b)
    services.save_marks(assignment=c, marks=full_marks(checklist_row, decision=5), actor=reviewer_c)
    services.submit_review(assignment=c, actor=reviewer_c)  # 95.00
    sampled.refresh_from_db()
    assert sampled.final_score == D("97.50") and not sampled.flagged


def test_review_in_a_draft_campaign_is_refused(assigned, checklist_row):
    campaign = assigned.sampled.draw.campaign
    campaign.status = "draft"
    campaign.save(update_fields=["status"])
    with pytest.raises(ValidationError, match="活动尚未开始，不能评查案卷"):
        services.save_marks(
            assignment=assigned, marks=full_marks(checklist_row), actor=assigned.reviewer
        )


def test_redraw_after_a_submitted_review_is_refused(assigned, checklist_row, campaign_admin):
    reviewer = assigned.reviewer
    services.save_marks(assignment=assigned, marks=full_marks(checklist_row), actor=reviewer)
    services.submit_review(assignment=assigned, actor=reviewer)
    first = assigned.sampled.draw
    new_seed = services.announce_seed(campaign=first.campaign, value="再抽", actor=campaign_admin)
    with pytest.raises(ValidationError, match="原抽取的案卷已有评查结果提交，不能重新抽取"):
        services.draw_files(
            candidate=first.candidate,
            slot=first.slot,
            count=1,
            seed=new_seed,
            actor=campaign_admin,
            replaces=first,
            reason="试图在看到分数后重抽",
        )


def test_attach_document_only_from_the_cases_own_unit(
    sampled, other_unit, own_unit, campaign_admin
):
    from evidence.models import EvidenceFile

    def upload(unit):
        return EvidenceFile.objects.create(
            owner_unit=unit,
            original_name="决定书.pdf",
            stored_name=f"{unit.pk}.pdf",
            kind="pdf",
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
            uploaded_by=campaign_admin,
        )

    case = sampled.case_file
    with pytest.raises(ValidationError, match="只能附加本案卷办案单位上传的文件"):
        services.attach_document(case_file=case, evidence=upload(other_unit), actor=None)
    doc = services.attach_document(
        case_file=case, evidence=upload(own_unit), label="行政处罚决定书", actor=None
    )
    assert list(case.documents.all()) == [doc]
