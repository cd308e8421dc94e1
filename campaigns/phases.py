"""Phase rules: the one server-side answer to "may this be done now?"."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from campaigns.enums import CampaignStatus, PhaseKind
from campaigns.models import Campaign, Phase


def is_open(campaign: Campaign, phase: str, at: datetime | None = None) -> bool:
    """True when `phase` of `campaign` is running at `at` (default: now).

    A phase runs from its start (inclusive) to its end (exclusive), and only while the campaign
    is active: a draft, closed or archived campaign accepts no writes whatever its dates say.
    """
    if campaign.status != CampaignStatus.ACTIVE:
        return False
    moment = at or timezone.now()
    return Phase.objects.filter(
        campaign=campaign, kind=phase, starts_at__lte=moment, ends_at__gt=moment
    ).exists()


def current_phase(campaign: Campaign, at: datetime | None = None) -> Phase | None:
    moment = at or timezone.now()
    phases = campaign.phases.all()  # prefetched on list pages
    return next((p for p in phases if p.starts_at <= moment < p.ends_at), None)


def validate_phase_against_siblings(phase: Phase) -> None:
    """Phases of one campaign may not overlap, and run in the order of PhaseKind."""
    if phase.starts_at and phase.ends_at and phase.ends_at <= phase.starts_at:
        raise ValidationError({"ends_at": "阶段结束时间必须晚于开始时间。"})
    if not phase.campaign_id or not phase.starts_at or not phase.ends_at:
        return
    siblings = Phase.objects.filter(campaign_id=phase.campaign_id).exclude(pk=phase.pk)
    own_order = PhaseKind.order(phase.kind)
    for other in siblings:
        if phase.starts_at < other.ends_at and other.starts_at < phase.ends_at:
            raise ValidationError(
                f"“{phase.get_kind_display()}”阶段与“{other.get_kind_display()}”阶段时间重叠。"
            )
        other_order = PhaseKind.order(other.kind)
        if (other_order < own_order and other.starts_at > phase.starts_at) or (
            other_order > own_order and other.starts_at < phase.starts_at
        ):
            raise ValidationError(
                f"“{phase.get_kind_display()}”阶段不能与“{other.get_kind_display()}”阶段顺序颠倒。"
            )


def last_day(phase: Phase) -> date:
    """A phase runs until `ends_at` exclusive, so its last day is the day before a midnight end."""
    return timezone.localdate(phase.ends_at - timedelta(microseconds=1))
