"""The progress dashboard: an index of campaigns and one page per campaign.

A fixed number of queries whatever the number of units (tests/dashboard/test_views.py measures
it at two sizes): every per-unit figure comes from a grouped query in `dashboard.selectors`.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts import access as accounts_access
from campaigns.enums import CampaignStatus
from campaigns.views.common import mark_phases
from dashboard import charts, selectors
from dashboard.access import (
    REVIEWER,
    may_send_reminders,
    sees_all_units,
    visible_unit_ids,
)


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The campaigns the user sees, running ones first, each with its phase countdown."""
    now = timezone.now()
    campaigns = list(
        accounts_access.campaigns_visible_to(request.user)
        .select_related("issuing_unit")
        .prefetch_related("phases")
        .order_by("-year", "title")
    )
    campaigns.sort(key=lambda c: c.status != CampaignStatus.ACTIVE)  # stable: keeps the order
    mark_phases(campaigns, now)
    return render(
        request,
        "dashboard/index.html",
        {"campaigns": campaigns, "role": accounts_access.role_key(request.user)},
    )


@require_GET
@login_required
def campaign_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = accounts_access.get_campaign_for_user(user, pk)
    prefetch_related_objects([campaign], "phases")  # mark_phases annotates the prefetched rows
    now = timezone.now()
    mark_phases([campaign], now)
    role = accounts_access.role_key(user)
    context: dict = {
        "campaign": campaign,
        "role": role,
        "phases": list(campaign.phases.all()),
        "sees_all": sees_all_units(user),
        "may_send_reminders": may_send_reminders(user),
    }
    unit_ids = visible_unit_ids(user)
    if role == REVIEWER:
        context["queue"] = selectors.review_queues(campaign, reviewer_ids=[user.pk])[user.pk]
    else:
        rows = selectors.unit_progress(campaign, unit_ids=unit_ids)
        context["rows"] = rows
        context["totals"] = _totals(rows)
    if context["sees_all"]:
        scores = selectors.pin_scores(campaign, unit_ids=[row.unit.pk for row in rows])
        context["scores"] = scores
        context["completion_chart"] = charts.completion_by_unit(rows)
        context["distribution_charts"] = [charts.score_distribution(s) for s in scores]
        context["heat_maps"] = [
            charts.indicator_heat_map(s, rows) for s in scores if s.indicators and s.averages
        ]
        yoy = selectors.year_over_year(campaign, [row.unit for row in rows])
        context["yoy_chart"] = charts.year_over_year(yoy) if yoy.units else None
    return render(request, "dashboard/campaign.html", context)


def _totals(rows: list[selectors.UnitProgress]) -> selectors.UnitProgress | None:
    """The sum row under the table (only worth showing for more than one unit)."""
    if len(rows) < 2:
        return None
    total = selectors.UnitProgress(unit=None)  # type: ignore[arg-type]
    for row in rows:
        for name in (
            "expected",
            "claimed",
            "with_evidence",
            "submitted",
            "reviewed",
            "draft",
            "returned",
            "cases_sampled",
            "cases_done",
        ):
            setattr(total, name, getattr(total, name) + getattr(row, name))
        total.late.extend(row.late)
    return total
