"""Submitting a pin's ranking and shortlist for approval (审定), approving, returning.

The submitted list is frozen: one ApprovalEntry per current snapshot, in the order and with the
selection build_shortlist gives. A fingerprint over the current snapshots (id, rank, result
digest) is stored with it; when a later evaluation changes any of them, the approval is stale
and may no longer be approved (nor published): the office submits again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from publication import access
from publication.enums import ApprovalStatus
from publication.models import ApprovalEntry, ShortlistApproval
from scoring.models import CampaignRubric, PendingChange, ScoreSnapshot
from scoring.services import build_shortlist

if TYPE_CHECKING:
    from accounts.models import User

PENDING = "有尚未计算完成的评分事实变更，请待重新计算后再报送或审定。"
NOTHING = "该评分细则尚无得分结果，不能报送审定。"
NOT_PENDING = "该名单已{status}，不能再次审定。"
STALE = (
    "报送后评分事实已有变化，所报送的得分快照已不是当前结果，不能审定。"
    "请活动管理员重新报送最新名单。"
)
COMMENTS_REQUIRED = "退回时请填写审定意见，说明需要修改的地方。"


def current_fingerprint(campaign_rubric: CampaignRubric | int) -> str:
    """SHA-256 over the pin's current snapshots: (id, rank, result digest), in id order.

    A re-evaluation that changes any result writes a new snapshot (new id and digest); one that
    only moves ranks updates `rank` in place; either changes the fingerprint."""
    return _fingerprint(_current_rows(campaign_rubric).iterator(chunk_size=5000))


def _current_rows(campaign_rubric: CampaignRubric | int):
    """(id, rank, result digest) of the pin's current snapshots, in id order."""
    return (
        ScoreSnapshot.objects.filter(campaign_rubric=campaign_rubric, is_current=True)
        .order_by("pk")
        .values_list("pk", "rank", "result_digest")
    )


def _fingerprint(rows: Iterable[tuple[int, int | None, str]]) -> str:
    digest = hashlib.sha256()
    for pk, rank, result in rows:
        digest.update(f"{pk}:{rank if rank is not None else '-'}:{result};".encode())
    return digest.hexdigest()


def has_pending_changes(campaign_id: int) -> bool:
    return PendingChange.objects.filter(campaign_id=campaign_id).exists()


def is_stale(approval: ShortlistApproval) -> bool:
    """True when the pin's current results are no longer the ones submitted."""
    pin = approval.campaign_rubric
    return has_pending_changes(pin.campaign_id) or current_fingerprint(pin) != approval.fingerprint


def latest_approved(campaign_rubric: CampaignRubric) -> ShortlistApproval | None:
    return (
        ShortlistApproval.objects.filter(
            campaign_rubric=campaign_rubric, status=ApprovalStatus.APPROVED
        )
        .order_by("-decided_at", "-pk")
        .first()
    )


@transaction.atomic
def submit_for_approval(
    *, campaign_rubric: CampaignRubric, actor: User, note: str = ""
) -> ShortlistApproval:
    """Freeze the pin's current ranking and shortlist and submit it to the leadership group.

    A pending submission of the same pin is superseded by this one."""
    access.check_office(actor)
    # Lock the pin: two clicks on "submit" must not both create a pending submission.
    pin = (
        CampaignRubric.objects.select_for_update(of=("self",))
        .select_related("campaign")
        .get(pk=campaign_rubric.pk)
    )
    if has_pending_changes(pin.campaign_id):
        raise ValidationError(PENDING)
    shortlist = build_shortlist(campaign_rubric=pin)
    entries = [*shortlist.ranked, *shortlist.excluded]
    if not entries:
        raise ValidationError(NOTHING)
    now = timezone.now()
    # One read of the current snapshots for both the fingerprint and the entries' digests.
    rows = list(_current_rows(pin))
    digests = {pk: result for pk, _rank, result in rows}
    for old in ShortlistApproval.objects.select_for_update().filter(
        campaign_rubric=pin, status=ApprovalStatus.SUBMITTED
    ):
        old.status = ApprovalStatus.SUPERSEDED
        old._history_user = actor
        old.save(update_fields=["status"])
    approval = ShortlistApproval(
        campaign_rubric=pin,
        fingerprint=_fingerprint(rows),
        submitted_by=actor,
        submitted_at=now,
        note=note.strip(),
        warnings=list(shortlist.warnings),
    )
    approval._history_user = actor
    approval.save()
    excluded_ids = {entry.snapshot_id for entry in shortlist.excluded}
    ApprovalEntry.objects.bulk_create(
        [
            ApprovalEntry(
                approval=approval,
                position=position,
                candidate_id=entry.candidate_id,
                snapshot_id=entry.snapshot_id,
                rank=entry.rank,
                total=entry.total,
                result_digest=digests.get(entry.snapshot_id, ""),
                selected=entry.selected,
                excluded=entry.snapshot_id in excluded_ids,
                reasons=list(entry.reasons),
                note=entry.note[:200],
            )
            for position, entry in enumerate(entries, start=1)
        ],
        batch_size=1000,
    )
    return approval


def _lock_pending(approval: ShortlistApproval) -> ShortlistApproval:
    locked = (
        ShortlistApproval.objects.select_for_update(of=("self",))
        .select_related("campaign_rubric")
        .get(pk=approval.pk)
    )
    if locked.status != ApprovalStatus.SUBMITTED:
        raise ValidationError(NOT_PENDING.format(status=locked.get_status_display()))
    return locked


@transaction.atomic
def approve(*, approval: ShortlistApproval, actor: User, comments: str = "") -> ShortlistApproval:
    """Approve a submitted list; refused when its snapshots are no longer the current ones."""
    access.check_decider(actor)
    locked = _lock_pending(approval)
    if is_stale(locked):
        raise ValidationError(STALE, code="stale")
    locked.status = ApprovalStatus.APPROVED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.comments = comments.strip()
    locked._history_user = actor
    locked.save(update_fields=["status", "decided_by", "decided_at", "comments"])
    return locked


@transaction.atomic
def return_for_changes(
    *, approval: ShortlistApproval, actor: User, comments: str
) -> ShortlistApproval:
    """Return a submitted list to the office with comments."""
    access.check_decider(actor)
    if not comments.strip():
        raise ValidationError({"comments": COMMENTS_REQUIRED})
    locked = _lock_pending(approval)
    locked.status = ApprovalStatus.RETURNED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.comments = comments.strip()
    locked._history_user = actor
    locked.save(update_fields=["status", "decided_by", "decided_at", "comments"])
    return locked
