"""Read paths of the publication pages that take more than one query (constant per page)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from campaigns.enums import CampaignStatus
from campaigns.models import Campaign
from publication.enums import ApprovalStatus, ObjectionStatus
from publication.models import ApprovalEntry, Notice, Objection, ShortlistApproval
from publication.services.approvals import is_stale
from publication.services.notices import candidate_label
from scoring.enums import RubricSubject
from scoring.models import CampaignRubric


@dataclass
class PinStatus:
    pin: CampaignRubric
    pending: ShortlistApproval | None = None
    approved: ShortlistApproval | None = None
    history: list[ShortlistApproval] = field(default_factory=list)
    objections: dict[str, int] = field(default_factory=dict)


def campaign_pin_statuses(campaign: Campaign) -> list[PinStatus]:
    """Each pin of the campaign with its pending and latest approved submission, the notice of
    the latter and its objections by status: three queries whatever the number of pins."""
    pins = list(
        CampaignRubric.objects.filter(campaign=campaign)
        .select_related("version")
        .order_by("rubric_key")
    )
    by_pin = {pin.pk: PinStatus(pin) for pin in pins}
    approvals = (
        ShortlistApproval.objects.filter(campaign_rubric__campaign=campaign)
        .select_related("submitted_by", "decided_by", "notice")
        .order_by("-submitted_at", "-pk")
    )
    for approval in approvals:
        status = by_pin[approval.campaign_rubric_id]
        status.history.append(approval)
        if approval.status == ApprovalStatus.SUBMITTED:
            status.pending = approval
        elif approval.status == ApprovalStatus.APPROVED and status.approved is None:
            status.approved = approval
    counts = (
        Objection.objects.filter(notice__approval__campaign_rubric__campaign=campaign)
        .values("notice__approval__campaign_rubric_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in counts:
        label = ObjectionStatus(row["status"]).label
        by_pin[row["notice__approval__campaign_rubric_id"]].objections[label] = row["n"]
    return list(by_pin.values())


@dataclass
class ResultRow:
    entry: ApprovalEntry
    name: str
    unit: str
    category: str
    removed: bool  # by an upheld objection during the notice


@dataclass
class PinResult:
    pin: CampaignRubric
    approval: ShortlistApproval
    rows: list[ResultRow]
    stale: bool = False  # results changed since approval (e.g. an upheld objection)

    @property
    def individual(self) -> bool:
        return self.pin.version.subject == RubricSubject.INDIVIDUAL

    @property
    def quota_label(self) -> str:
        quotas = self.pin.category_quotas or {}
        if quotas:
            # Sorted: PostgreSQL's jsonb does not keep the keys' order.
            return "；".join(f"{name} {limit} 名" for name, limit in sorted(quotas.items()))
        if self.pin.shortlist_size:
            return f"前 {self.pin.shortlist_size} 名"
        return "不限"

    @property
    def recommended(self) -> list[ResultRow]:
        return [row for row in self.rows if not row.removed]


def campaign_results(campaign: Campaign) -> list[PinResult]:
    """The latest approved list of each pin with its selected entries: four queries."""
    pins = {
        pin.pk: pin
        for pin in CampaignRubric.objects.filter(campaign=campaign)
        .select_related("version")
        .order_by("rubric_key")
    }
    approved: dict[int, ShortlistApproval] = {}
    for approval in (
        ShortlistApproval.objects.filter(
            campaign_rubric__campaign=campaign, status=ApprovalStatus.APPROVED
        )
        .select_related("decided_by", "notice")
        .order_by("-decided_at", "-pk")
    ):
        approved.setdefault(approval.campaign_rubric_id, approval)
    approval_ids = [a.pk for a in approved.values()]
    removed = set(
        Objection.objects.filter(
            notice__approval_id__in=approval_ids, status=ObjectionStatus.UPHELD
        ).values_list("entry_id", flat=True)
    )
    rows: dict[int, list[ResultRow]] = defaultdict(list)
    entries = (
        ApprovalEntry.objects.filter(approval_id__in=approval_ids, selected=True)
        .select_related("candidate__unit", "candidate__officer__unit")
        .order_by("approval_id", "position")
    )
    for entry in entries:
        name, unit = candidate_label(entry.candidate)
        rows[entry.approval_id].append(
            ResultRow(entry, name, unit, entry.candidate.category, entry.pk in removed)
        )
    # Two more queries per approved pin (a campaign pins two or three rubrics).
    active = campaign.status == CampaignStatus.ACTIVE
    results = []
    for pin_id, pin in pins.items():  # rubric key order
        if pin_id not in approved:
            continue
        approval = approved[pin_id]
        approval.campaign_rubric = pin  # already read: is_stale needs it
        results.append(
            PinResult(pin, approval, rows[approval.pk], stale=active and is_stale(approval))
        )
    return results


@dataclass
class ArchivedCampaign:
    campaign: Campaign
    approved_lists: int
    notices: int


def archive(*, current: bool = False) -> list[ArchivedCampaign]:
    """Closed and archived campaigns (or, with `current`, the active ones), newest first, with
    how many approved lists and notices each has: one query."""
    statuses = (
        [CampaignStatus.ACTIVE] if current else [CampaignStatus.CLOSED, CampaignStatus.ARCHIVED]
    )
    campaigns = (
        Campaign.objects.filter(status__in=statuses)
        .annotate(
            pub_approved_lists=Count(
                "rubric_pins__approvals",
                filter=Q(rubric_pins__approvals__status=ApprovalStatus.APPROVED),
                distinct=True,
            ),
            pub_notices=Count("rubric_pins__approvals__notice", distinct=True),
        )
        .order_by("-year", "title")
    )
    return [ArchivedCampaign(c, c.pub_approved_lists, c.pub_notices) for c in campaigns]


def open_notices() -> list[Notice]:
    """Public index: notices that have started, newest first (one query)."""
    return list(
        Notice.objects.filter(starts_at__lte=timezone.now()).order_by("-starts_at", "-pk")[:50]
    )
