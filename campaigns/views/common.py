"""Helpers shared by the campaign views: phase states and the dates they show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.forms import Form
from django.utils import timezone

from campaigns.enums import PhaseKind
from campaigns.models import Campaign
from campaigns.phases import last_day

PAST, CURRENT, UPCOMING = "past", "current", "upcoming"


def days_between(moment: dt.datetime, now: dt.datetime) -> int:
    """Calendar days (Asia/Shanghai) from `now` to `moment`: 0 when it is today."""
    return (timezone.localdate(moment) - timezone.localdate(now)).days


def mark_phases(campaigns: Iterable[Campaign], now: dt.datetime) -> None:
    """Annotate each campaign's prefetched phases with their state, and the campaign with its
    current, next and review phases. Works on `prefetch_related("phases")`: no extra queries."""
    for campaign in campaigns:
        campaign.current = campaign.next_phase = campaign.review_phase = None
        for phase in campaign.phases.all():
            if phase.ends_at <= now:
                phase.state = PAST
            elif phase.starts_at <= now:
                phase.state = CURRENT
                campaign.current = phase
            else:
                phase.state = UPCOMING
                if campaign.next_phase is None:
                    campaign.next_phase = phase
            phase.last_day = last_day(phase)
            phase.days_left = (phase.last_day - timezone.localdate(now)).days
            phase.days_to_start = days_between(phase.starts_at, now)
            if phase.kind == PhaseKind.REVIEW:
                campaign.review_phase = phase


def add_service_errors(form: Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field where the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
