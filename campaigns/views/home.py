"""The role-aware home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts import access
from accounts.access import role_key
from campaigns.enums import CampaignStatus
from campaigns.models import Participation
from campaigns.views.common import mark_phases

# The admin's home lists the first units and links to the full list.
ADMIN_HOME_UNITS = 50


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    now = timezone.now()
    role = role_key(user)
    campaigns = (
        access.campaigns_visible_to(user)
        .select_related("issuing_unit")
        .prefetch_related("phases")
        .annotate(unit_count=Count("participations"))
        # Django leaves Meta.ordering out of GROUP BY queries: state it again.
        .order_by("-year", "title")
    )
    if role == "staff":
        # Only their own units' participations (quota, collective or not), in the same query
        # for all campaigns.
        own = Participation.objects.filter(unit_id__in=access.own_unit_ids(user)).select_related(
            "unit"
        )
        campaigns = campaigns.prefetch_related(
            Prefetch("participations", queryset=own, to_attr="own_participations")
        )
    campaigns = list(campaigns)
    mark_phases(campaigns, now)
    context = {"role": role, "campaigns": campaigns, "now": now}
    if role == "reviewer":
        context["review_campaigns"] = [c for c in campaigns if c.review_phase is not None]
    if role == "leadership":
        context["stats"] = {
            "campaigns": len(campaigns),
            "active": sum(c.status == CampaignStatus.ACTIVE for c in campaigns),
            "units": Participation.objects.filter(campaign__in=access.campaigns_visible_to(user))
            .values("unit_id")
            .distinct()
            .count(),
        }
    if role == "admin":
        units = list(
            access.units_visible_to(user)
            .select_related("parent")
            .annotate(officer_count=Count("officers"))
            .order_by("sort_order", "code")[: ADMIN_HOME_UNITS + 1]
        )
        context["units"] = units[:ADMIN_HOME_UNITS]
        context["more_units"] = len(units) > ADMIN_HOME_UNITS
    return render(request, "campaigns/home.html", context)
