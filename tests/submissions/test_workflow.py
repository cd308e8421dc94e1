"""The claim lifecycle: every allowed and refused edge, history, phases, concurrency, facts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from campaigns.enums import PhaseKind
from scoring.enums import FactSource
from scoring.models import Fact, ScoreSnapshot
from submissions.enums import ClaimStatus
from submissions.models import Claim
from submissions.services import ClaimConflict, bulk_accept, save_claim, transition
from submissions.services.errors import DOUBLE_SUBMIT_MESSAGE, STALE_MESSAGE
from submissions.services.workflow import EDGES
from tests.factories import PhaseFactory, UserFactory
from tests.submissions.conftest import close_phase

S = ClaimStatus


@pytest.fixture
def draft(own_candidate, own_staff):
    return save_claim(
        candidate=own_candidate,
        item_id="cases_pts",
        values={"cases": 6},
        actor=own_staff,
        expected_version=0,
    )


@pytest.fixture
def submitted(draft, own_staff):
    return transition(claim=draft, to=S.SUBMITTED, actor=own_staff, expected_version=draft.version)


def _to_state(claim, state, *, staff, reviewer):
    """Drive a fresh draft to `state` through allowed edges."""
    if state == S.DRAFT:
        return claim
    claim = transition(claim=claim, to=S.SUBMITTED, actor=staff, expected_version=claim.version)
    if state == S.SUBMITTED:
        return claim
    details = {"comment": "请补充佐证"} if state in (S.RETURNED, S.ADJUSTED) else {}
    if state == S.ADJUSTED:
        details["values"] = {"cases": 4}
    return transition(
        claim=claim, to=state, actor=reviewer, expected_version=claim.version, **details
    )


def test_save_claim_creates_a_draft_with_engine_points(draft):
    assert draft.status == S.DRAFT
    assert draft.values == {"cases": 6}
    assert draft.claimed_points == Decimal("3")
    assert draft.version == 1
    assert draft.owner_unit_id == draft.candidate.home_unit_id
    assert draft.indicator_id == "cases_ind"
    assert draft.history.count() == 1


def test_save_claim_update_bumps_version_and_writes_history(draft, own_staff):
    claim = save_claim(
        candidate=draft.candidate,
        item_id="cases_pts",
        values={"cases": 10},
        actor=own_staff,
        expected_version=1,
    )
    assert (claim.version, claim.values, claim.claimed_points) == (2, {"cases": 10}, Decimal(5))
    history = list(claim.history.order_by("history_date", "history_id"))
    assert [h.values for h in history] == [{"cases": 6}, {"cases": 10}]
    assert history[-1].history_user == own_staff
    assert history[-1].history_change_reason == "保存草稿"


def test_concurrent_saves_with_same_version_second_refused_first_kept(draft, own_staff):
    first = save_claim(
        candidate=draft.candidate,
        item_id="cases_pts",
        values={"cases": 8},
        actor=own_staff,
        expected_version=1,
    )
    with pytest.raises(ClaimConflict) as caught:
        save_claim(
            candidate=draft.candidate,
            item_id="cases_pts",
            values={"cases": 2},
            actor=own_staff,
            expected_version=1,
        )
    assert caught.value.messages == [STALE_MESSAGE]
    assert caught.value.current.values == {"cases": 8}
    stored = Claim.objects.get(pk=draft.pk)
    assert (stored.values, stored.version) == ({"cases": 8}, first.version)


def test_versioned_update_refuses_when_row_changed_between_read_and_write(draft, own_staff):
    """The UPDATE itself is the lock: a write that slipped in after the read wins."""
    Claim.objects.filter(pk=draft.pk).update(version=5)
    with pytest.raises(ClaimConflict):
        transition(claim=draft, to=S.SUBMITTED, actor=own_staff, expected_version=1)
    assert Claim.objects.get(pk=draft.pk).status == S.DRAFT


def test_submit_locks_and_timestamps(submitted, own_staff):
    assert submitted.status == S.SUBMITTED
    assert submitted.submitted_by == own_staff
    assert submitted.submitted_at is not None
    assert submitted.version == 2
    last = submitted.history.order_by("-history_date", "-history_id").first()
    assert (last.status, last.history_change_reason) == (S.SUBMITTED, "提交")


def test_double_submit_is_refused_with_message_and_no_duplicate(submitted, own_staff):
    before = submitted.history.count()
    with pytest.raises(ClaimConflict) as caught:
        transition(claim=submitted, to=S.SUBMITTED, actor=own_staff, expected_version=1)
    assert caught.value.messages == [DOUBLE_SUBMIT_MESSAGE]
    assert submitted.history.count() == before
    assert Claim.objects.get(pk=submitted.pk).version == 2


def test_editing_a_submitted_claim_is_refused(submitted, own_staff):
    with pytest.raises(ValidationError, match="已提交，不能修改"):
        save_claim(
            candidate=submitted.candidate,
            item_id="cases_pts",
            values={"cases": 1},
            actor=own_staff,
            expected_version=submitted.version,
        )
    assert Claim.objects.get(pk=submitted.pk).values == {"cases": 6}


def test_submit_after_deadline_is_refused(draft, own_staff, campaign):
    close_phase(campaign)
    with pytest.raises(ValidationError, match="已截止"):
        transition(claim=draft, to=S.SUBMITTED, actor=own_staff, expected_version=1)
    assert Claim.objects.get(pk=draft.pk).status == S.DRAFT


def test_saving_a_draft_after_deadline_is_refused(draft, own_staff, campaign):
    close_phase(campaign)
    with pytest.raises(ValidationError, match="已截止"):
        save_claim(
            candidate=draft.candidate,
            item_id="cases_pts",
            values={"cases": 1},
            actor=own_staff,
            expected_version=1,
        )


@pytest.mark.parametrize(("source", "target"), list(EDGES))
def test_every_allowed_edge(source, target, own_candidate, own_staff, reviewer):
    claim = save_claim(
        candidate=own_candidate,
        item_id="cases_pts",
        values={"cases": 6},
        actor=own_staff,
        expected_version=0,
    )
    claim = _to_state(claim, source, staff=own_staff, reviewer=reviewer)
    edge = EDGES[(source, target)]
    actor = reviewer if edge.review else own_staff
    details = {"comment": "说明"} if target in (S.RETURNED, S.ADJUSTED) else {}
    if target == S.ADJUSTED:
        details["values"] = {"cases": 2}
    entries_before = claim.history.count()
    moved = transition(
        claim=claim, to=target, actor=actor, expected_version=claim.version, **details
    )
    assert moved.status == target
    assert moved.version == claim.version + 1
    assert moved.history.count() == entries_before + 1


REFUSED = [(frm, to) for frm in S.values for to in S.values if (frm, to) not in EDGES and frm != to]


@pytest.mark.parametrize(("source", "target"), REFUSED)
def test_every_refused_edge(source, target, own_candidate, own_staff, reviewer):
    claim = save_claim(
        candidate=own_candidate,
        item_id="cases_pts",
        values={"cases": 6},
        actor=own_staff,
        expected_version=0,
    )
    claim = _to_state(claim, source, staff=own_staff, reviewer=reviewer)
    actor = reviewer if target in (S.ACCEPTED, S.ADJUSTED, S.RETURNED) else own_staff
    with pytest.raises(ValidationError, match="不能把"):
        transition(
            claim=claim,
            to=target,
            actor=actor,
            expected_version=claim.version,
            comment="x",
            values={"cases": 1},
        )
    assert Claim.objects.get(pk=claim.pk).status == source


def test_return_needs_comment_and_adjust_needs_reason_and_value(submitted, reviewer):
    with pytest.raises(ValidationError, match="退回须填写说明"):
        transition(claim=submitted, to=S.RETURNED, actor=reviewer, expected_version=2)
    with pytest.raises(ValidationError, match="调整须"):
        transition(
            claim=submitted,
            to=S.ADJUSTED,
            actor=reviewer,
            expected_version=2,
            values={"cases": 2},
        )
    with pytest.raises(ValidationError, match="调整须填写认定的取值"):
        transition(claim=submitted, to=S.ADJUSTED, actor=reviewer, expected_version=2, comment="x")
    assert Claim.objects.get(pk=submitted.pk).status == S.SUBMITTED


def test_returned_claim_reopens_until_review_ends(submitted, reviewer, own_staff, campaign):
    returned = transition(
        claim=submitted, to=S.RETURNED, actor=reviewer, expected_version=2, comment="缺少佐证"
    )
    assert returned.review_comment == "缺少佐证"
    close_phase(campaign)
    PhaseFactory(campaign=campaign, kind=PhaseKind.REVIEW)
    fixed = save_claim(
        candidate=returned.candidate,
        item_id="cases_pts",
        values={"cases": 5},
        actor=own_staff,
        expected_version=returned.version,
    )
    assert fixed.status == S.RETURNED
    again = transition(claim=fixed, to=S.SUBMITTED, actor=own_staff, expected_version=fixed.version)
    assert again.status == S.SUBMITTED
    assert again.values == {"cases": 5}


def test_returned_claim_locked_after_review_ends(submitted, reviewer, own_staff, campaign):
    returned = transition(
        claim=submitted, to=S.RETURNED, actor=reviewer, expected_version=2, comment="缺少佐证"
    )
    close_phase(campaign)
    with pytest.raises(ValidationError, match="复审阶段已结束"):
        transition(claim=returned, to=S.SUBMITTED, actor=own_staff, expected_version=3)


def test_accept_records_fact_and_rescoring_reflects_it(
    submitted, reviewer, own_unit, campaign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        accepted = transition(
            claim=submitted,
            to=S.ACCEPTED,
            actor=reviewer,
            expected_version=2,
            evidence_checked=True,
        )
    assert accepted.verified_values == {"cases": 6}
    assert accepted.verified_points == Decimal(3)
    assert accepted.evidence_checked
    fact = Fact.objects.get(campaign=campaign, unit=own_unit, key="cases")
    assert fact.value == 6
    assert fact.source == FactSource.SELF_ASSESSMENT_REVIEW
    assert fact.source_ref == f"claim:{accepted.pk}"
    assert fact.recorded_by == reviewer
    snapshot = ScoreSnapshot.objects.get(candidate=accepted.candidate, is_current=True)
    assert snapshot.node_points("cases_pts") == Decimal(3)
    # The claim itself is kept as the unit stated it.
    assert accepted.values == {"cases": 6}


def test_adjust_keeps_claim_and_records_reviewers_value(
    submitted, reviewer, own_unit, campaign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        adjusted = transition(
            claim=submitted,
            to=S.ADJUSTED,
            actor=reviewer,
            expected_version=2,
            values={"cases": "4"},
            comment="两件案件不在评审期内",
        )
    assert adjusted.values == {"cases": 6}
    assert adjusted.verified_values == {"cases": 4}
    assert adjusted.verified_points == Decimal(2)
    assert adjusted.points_differ
    assert Fact.objects.get(campaign=campaign, unit=own_unit, key="cases").value == 4
    snapshot = ScoreSnapshot.objects.get(candidate=adjusted.candidate, is_current=True)
    assert snapshot.node_points("cases_pts") == Decimal(2)
    last = adjusted.history.order_by("-history_date", "-history_id").first()
    assert last.history_change_reason == "调整：两件案件不在评审期内"
    assert last.history_user == reviewer


def test_reviewer_may_not_review_own_unit(submitted, own_unit):
    colleague = UserFactory(username="own_reviewer", role="reviewer", unit=own_unit)
    with pytest.raises(PermissionDenied, match="不能复核本单位"):
        transition(claim=submitted, to=S.ACCEPTED, actor=colleague, expected_version=2)
    assert Claim.objects.get(pk=submitted.pk).status == S.SUBMITTED


def test_reviewer_may_not_edit_or_submit_a_units_claim(draft, reviewer):
    with pytest.raises(PermissionDenied):
        save_claim(
            candidate=draft.candidate,
            item_id="cases_pts",
            values={"cases": 1},
            actor=reviewer,
            expected_version=1,
        )
    with pytest.raises(PermissionDenied):
        transition(claim=draft, to=S.SUBMITTED, actor=reviewer, expected_version=1)
    assert Claim.objects.get(pk=draft.pk).values == {"cases": 6}


def test_staff_may_not_review_and_other_unit_gets_404(submitted, own_staff, other_staff):
    with pytest.raises(PermissionDenied):
        transition(claim=submitted, to=S.ACCEPTED, actor=own_staff, expected_version=2)
    with pytest.raises(Http404):
        transition(claim=submitted, to=S.ACCEPTED, actor=other_staff, expected_version=2)
    with pytest.raises(Http404):
        save_claim(
            candidate=submitted.candidate,
            item_id="cases_pts",
            values={"cases": 1},
            actor=other_staff,
            expected_version=2,
        )


def test_reviewer_accept_with_stale_version_refused(submitted, reviewer):
    with pytest.raises(ClaimConflict) as caught:
        transition(claim=submitted, to=S.ACCEPTED, actor=reviewer, expected_version=1)
    assert caught.value.current.status == S.SUBMITTED
    assert not Fact.objects.exists()


def test_bulk_accept_only_ticked(own_candidate, own_staff, reviewer):
    claims = []
    for item, values in [("cases_pts", {"cases": 2}), ("drill_pts", {"drill_done": True})]:
        claim = save_claim(
            candidate=own_candidate,
            item_id=item,
            values=values,
            actor=own_staff,
            expected_version=0,
        )
        claims.append(transition(claim=claim, to=S.SUBMITTED, actor=own_staff, expected_version=1))
    accepted, refused = bulk_accept(claims=claims, evidence_checked={claims[0].pk}, actor=reviewer)
    assert [c.pk for c in accepted] == [claims[0].pk]
    assert [c.pk for c, _ in refused] == [claims[1].pk]
    assert Claim.objects.get(pk=claims[0].pk).status == S.ACCEPTED
    assert Claim.objects.get(pk=claims[1].pk).status == S.SUBMITTED


def test_invalid_values_refused(own_candidate, own_staff):
    with pytest.raises(ValidationError):
        save_claim(
            candidate=own_candidate,
            item_id="cases_pts",
            values={"cases": -1},
            actor=own_staff,
            expected_version=0,
        )
    with pytest.raises(ValidationError, match="不读取"):
        save_claim(
            candidate=own_candidate,
            item_id="cases_pts",
            values={"equip_ratio": "0.9"},
            actor=own_staff,
            expected_version=0,
        )
    assert not Claim.objects.exists()
