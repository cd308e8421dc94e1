"""Results pages: a campaign's approved shortlists with the recommendation to the next level
(seed 000: 3 collectives and 5 individuals; seed 003: per category), the link to the
recommendation-list export (spreadsheets), and the archive of past campaigns.

Readers of everything (office, leadership, reviewers) only; branch staff get 404 — what they
may see of the lists is the public notice."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.access import get_campaign_for_user
from publication import access, selectors
from spreadsheets.exports import services as export_services


@require_GET
@login_required
def campaign_results(request: HttpRequest, pk: int) -> HttpResponse:
    access.check_reader(request.user)
    campaign = get_campaign_for_user(request.user, pk)
    return render(
        request,
        "publication/results.html",
        {
            "campaign": campaign,
            "results": selectors.campaign_results(campaign),
            "may_export": export_services.may_open_export_panel(request.user),
        },
    )


@require_GET
@login_required
def archive(request: HttpRequest) -> HttpResponse:
    access.check_reader(request.user)
    return render(
        request,
        "publication/archive.html",
        {"current": selectors.archive(current=True), "campaigns": selectors.archive()},
    )
