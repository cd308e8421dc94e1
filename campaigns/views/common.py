"""Helpers shared by the campaign views: phase states and the dates they show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

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


View = Callable[..., HttpResponse]
FETCH = "fetch"  # X-Requested-With of the pages' own fetch() calls: they get JSON back


def refusal_page(template: str) -> Callable[[View], View]:
    """A decorator: a refusal with a reason (e.g. "不得评查本单位的案卷。") is shown as a 403
    page (`template`, with `message`), or as JSON to the pages' own fetch() calls."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except PermissionDenied as exc:
                message = str(exc) or _("您没有执行此操作的权限。")
                if request.headers.get("X-Requested-With") == FETCH:
                    return JsonResponse({"ok": False, "errors": [message]}, status=403)
                return render(request, template, {"message": message}, status=403)

        return wrapped

    return decorate
