"""Approval (审定): the submitted list is frozen, approval records who and when, and later fact
changes make it stale — approving a stale submission is refused, a new one is needed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from publication import services
from publication.enums import ApprovalStatus
from publication.models import ApprovalEntry, ShortlistApproval
from scoring.models import ScoreSnapshot
from scoring.services import build_shortlist
from tests.publication.conftest import score


def _names(approval):
    return [
        e.candidate.officer.name
        for e in approval.entries.filter(selected=True).select_related("candidate__officer")
    ]


def test_submit_freezes_current_snapshots_and_shortlist(pin, campaign_admin):
    approval = services.submit_for_approval(campaign_rubric=pin, actor=campaign_admin, note="初审")
    current = {
        s.candidate_id: s
        for s in ScoreSnapshot.objects.filter(campaign_rubric=pin, is_current=True)
    }
    entries = list(approval.entries.order_by("position"))
    assert approval.status == ApprovalStatus.SUBMITTED
    assert approval.submitted_by == campaign_admin and approval.note == "初审"
    assert len(entries) == 4
    for entry in entries:
        snapshot = current[entry.candidate_id]
        assert (entry.snapshot_id, entry.rank, entry.total, entry.result_digest) == (
            snapshot.pk,
            snapshot.rank,
            snapshot.total,
            snapshot.result_digest,
        )
    assert [e.rank for e in entries] == [1, 2, 3, 4]
    assert [e.selected for e in entries] == [True, True, False, False]
    assert [e.candidate_id for e in entries if e.selected] == [
        e.candidate_id for e in build_shortlist(campaign_rubric=pin).selected
    ]
    assert _names(approval) == ["张一", "张二"]
    assert approval.fingerprint == services.current_fingerprint(pin)


def test_approve_records_who_and_when_and_the_list_stays_frozen(
    pin, approval, leader, campaign, campaign_admin, django_capture_on_commit_callbacks, officers
):
    approved = services.approve(approval=approval, actor=leader, comments="同意")
    approved.refresh_from_db()
    assert approved.status == ApprovalStatus.APPROVED
    assert approved.decided_by == leader and approved.decided_at is not None
    assert approved.comments == "同意"
    assert not services.is_stale(approved)
    # A later fact change moves 张三 to the top; the approved rows do not change.
    frozen = list(
        ApprovalEntry.objects.filter(approval=approved).values_list("pk", "rank", "total")
    )
    with django_capture_on_commit_callbacks(execute=True):
        score(campaign, officers[2], 10, campaign_admin)
    assert build_shortlist(campaign_rubric=pin).selected[0].candidate.officer.name == "张三"
    assert (
        list(ApprovalEntry.objects.filter(approval=approved).values_list("pk", "rank", "total"))
        == frozen
    )
    assert _names(approved) == ["张一", "张二"]
    assert services.is_stale(approved)
    assert approved.history.count() == 2  # submitted, approved


def test_fact_change_after_submission_makes_approval_refused(
    pin, approval, leader, campaign, campaign_admin, officers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        score(campaign, officers[3], 8, campaign_admin)  # 张四 3 → 8: ranks move
    assert services.is_stale(approval)
    with pytest.raises(ValidationError) as exc:
        services.approve(approval=approval, actor=leader)
    assert "不是当前结果" in exc.value.messages[0]
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.SUBMITTED and approval.decided_by is None
    # A new submission supersedes the stale one and can be approved.
    fresh = services.submit_for_approval(campaign_rubric=pin, actor=campaign_admin)
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.SUPERSEDED
    assert _names(fresh) == ["张一", "张四"]
    services.approve(approval=fresh, actor=leader)
    assert ShortlistApproval.objects.get(pk=fresh.pk).status == ApprovalStatus.APPROVED


def test_pending_fact_change_refuses_submission_and_approval(
    pin, approval, leader, campaign, campaign_admin, officers
):
    score(campaign, officers[0], 1, campaign_admin)  # on_commit not run: evaluation pending
    with pytest.raises(ValidationError, match="尚未计算完成"):
        services.submit_for_approval(campaign_rubric=pin, actor=campaign_admin)
    with pytest.raises(ValidationError, match="不是当前结果"):
        services.approve(approval=approval, actor=leader)


def test_same_result_re_evaluated_keeps_approval_current(pin, approval, leader, campaign):
    from scoring.services import evaluate_campaign

    evaluate_campaign(campaign=campaign)  # same facts, same snapshots
    assert not services.is_stale(approval)
    assert services.approve(approval=approval, actor=leader).status == ApprovalStatus.APPROVED


def test_return_needs_comments_and_decided_approval_cannot_be_decided_again(approval, leader):
    with pytest.raises(ValidationError) as exc:
        services.return_for_changes(approval=approval, actor=leader, comments=" ")
    assert exc.value.message_dict["comments"] == ["退回时请填写审定意见，说明需要修改的地方。"]
    returned = services.return_for_changes(approval=approval, actor=leader, comments="核对第2名")
    assert (returned.status, returned.comments) == (ApprovalStatus.RETURNED, "核对第2名")
    with pytest.raises(ValidationError, match="已退回"):
        services.approve(approval=approval, actor=leader)


def test_only_the_office_submits_and_only_leadership_approves(
    pin, approval, campaign_admin, reviewer, own_staff, leader
):
    with pytest.raises(PermissionDenied):
        services.submit_for_approval(campaign_rubric=pin, actor=leader)
    with pytest.raises(Http404):
        services.submit_for_approval(campaign_rubric=pin, actor=own_staff)
    for user in (campaign_admin, reviewer):
        with pytest.raises(PermissionDenied):
            services.approve(approval=approval, actor=user)
    assert ShortlistApproval.objects.get(pk=approval.pk).status == ApprovalStatus.SUBMITTED


def test_submit_with_nothing_scored_is_refused(campaign, campaign_admin):
    from scoring.services import evaluate_campaign, load_rubric_version, pin_rubric
    from tests.publication.conftest import RUBRIC

    version = load_rubric_version(path_or_text=RUBRIC)
    empty = pin_rubric(campaign=campaign, version=version, actor=campaign_admin)
    evaluate_campaign(campaign=campaign)  # no candidates: no snapshots
    with pytest.raises(ValidationError, match="尚无得分结果"):
        services.submit_for_approval(campaign_rubric=empty, actor=campaign_admin)


def test_vetoed_candidates_are_frozen_as_excluded(
    pin, campaign, campaign_admin, officers, django_capture_on_commit_callbacks
):
    from scoring.enums import FactSource
    from scoring.services import record_fact

    with django_capture_on_commit_callbacks(execute=True):
        record_fact(
            campaign=campaign,
            subject=officers[0],
            key="integrity_violation_found",
            value=True,
            source=FactSource.PANEL,
            actor=campaign_admin,
        )
    approval = services.submit_for_approval(campaign_rubric=pin, actor=campaign_admin)
    excluded = approval.entries.get(excluded=True)
    assert excluded.candidate.officer == officers[0]
    assert (excluded.selected, excluded.rank) == (False, None)
    assert excluded.reasons == ["经查确实存在不廉洁行为，直接移出候选名单"]
    assert excluded.total == Decimal("9")
    assert _names(approval) == ["张二", "张三"]
