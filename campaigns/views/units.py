"""Unit list and unit detail (with its officers)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts import access


@require_GET
@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    units = (
        access.units_visible_to(request.user)
        .select_related("parent")
        .annotate(
            officer_count=Count("officers", filter=Q(officers__is_active=True), distinct=True),
            campaign_count=Count("participations", distinct=True),
        )
        # Django leaves Meta.ordering out of GROUP BY queries: state it again.
        .order_by("sort_order", "code")
    )
    return render(request, "campaigns/unit_list.html", {"units": units})


@require_GET
@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access.get_unit_for_user(request.user, pk)
    context = {
        "unit": unit,
        "children": list(unit.children.all()),
        "officers": list(unit.officers.all()),
        "participations": list(
            unit.participations.select_related("campaign").order_by("-campaign__year")
        ),
        "can_edit_officers": access.can_edit_unit_officers(request.user, unit),
    }
    return render(request, "campaigns/unit_detail.html", context)
