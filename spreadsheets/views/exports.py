"""The export panel of a campaign: start an export as a background job, then follow it on the
job's progress page (jobs.views), which offers the file when it is ready.

Who: campaign admins (every export) and leadership (the recommendation list). Branch staff get
404, like outsiders: the panel is not part of their campaign view. Reviewers, who read the
campaign but may not export, get 403 (STYLE.md #5).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.access import get_campaign_for_user, is_scoped_to_unit
from jobs.models import Job
from scoring.selectors import campaign_pins
from spreadsheets.exports import services
from spreadsheets.exports.forms import RANKING, RECOMMENDATION, ExportForm
from spreadsheets.exports.job_kinds import RANKING as RANKING_KIND
from spreadsheets.exports.job_kinds import RECOMMENDATION as RECOMMENDATION_KIND
from spreadsheets.exports.job_kinds import SCORE_SHEET as SCORE_SHEET_KIND

RECENT_JOBS = 10


def _campaign_for_exports(request: HttpRequest, pk: int):
    campaign = get_campaign_for_user(request.user, pk)
    if is_scoped_to_unit(request.user):
        raise Http404
    if not services.may_open_export_panel(request.user):
        raise PermissionDenied
    return campaign


@require_http_methods(["GET", "POST"])
@login_required
def export_panel(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_for_exports(request, pk)
    form = ExportForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        choice = form.cleaned_data["export"]
        if choice == RANKING:
            job = services.start_ranking_export(campaign=campaign, actor=request.user)
        elif choice == RECOMMENDATION:
            job = services.start_recommendation_export(campaign=campaign, actor=request.user)
        else:
            job = services.start_score_sheet_export(
                candidate=form.cleaned_data["candidate_obj"], actor=request.user
            )
        return redirect("jobs:detail", pk=job.pk)
    recent = Job.objects.filter(
        campaign=campaign,
        created_by=request.user,
        kind__in=[RANKING_KIND, RECOMMENDATION_KIND, SCORE_SHEET_KIND],
    ).order_by("-created_at")[:RECENT_JOBS]
    return render(
        request,
        "spreadsheets/exports.html",
        {
            "campaign": campaign,
            "form": form,
            "pins": campaign_pins(campaign_id=campaign.pk, visible_unit_ids=None),
            "may_export_all": services.may_export_all(request.user),
            "recent_jobs": list(recent),
        },
        status=400 if request.method == "POST" else 200,
    )
