"""A candidate's score sheet (评分表) and the what-if panel on it.

Score sheet: anyone who may see the candidate (scoring.access: readers of everything, and the
staff of the candidate's own unit). The rank shows only to those who see the whole ranking.

What-if: campaign admins only (403 for others who see the sheet, 404 for outsiders). The form
lists every fact the pinned rubric declares, filled with the facts the engine sees now; on
POST the engine runs in memory over the pool with this candidate's facts replaced, and the
sheet shows the new points, total and rank beside the current ones. Nothing is written. With
`X-Requested-With: fetch` (static/js/scoring-whatif.js) only the panel is returned, so the
result appears without a reload; without JavaScript the whole sheet is rendered again.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from cases.selectors import score_sheet_files
from scoring import access, selectors
from scoring.forms import WhatIfForm
from scoring.services.rubrics import rubric_of

PARTIAL_HEADER = "fetch"


def _pinned_values(candidate, sheet) -> dict:
    """The facts the pinned version reads (the sheet shows those of the snapshot's version;
    they differ only after a re-pin not yet evaluated)."""
    if not sheet.version_outdated:
        return sheet.values
    _lines, values = selectors.candidate_facts(
        candidate=candidate, rubric=rubric_of(sheet.pin.version)
    )
    return values


def _context(request: HttpRequest, candidate, sheet, form=None, outcome=None) -> dict:
    can_what_if = access.can_run_what_if(request.user)
    if can_what_if and form is None:
        form = WhatIfForm(
            rubric=rubric_of(sheet.pin.version), current=_pinned_values(candidate, sheet)
        )
    return {
        "candidate": candidate,
        "pin": sheet.pin,
        "campaign": sheet.pin.campaign,
        "sheet": sheet,
        "snapshot": sheet.snapshot,
        "show_rank": access.can_see_ranks(request.user),
        "can_what_if": can_what_if,
        "form": form,
        "outcome": outcome,
        # Case-file review (案卷评查): each sampled file's points, 0 with the reason.
        "case_files": score_sheet_files(candidate, sheet.rubric),
    }


@require_GET
@login_required
def score_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = access.get_candidate_for_user(request.user, pk)
    sheet = selectors.score_sheet(candidate=candidate, with_rank=access.can_see_ranks(request.user))
    return render(request, "scoring/score_sheet.html", _context(request, candidate, sheet))


@require_http_methods(["GET", "POST"])
@login_required
def what_if(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = access.get_candidate_for_user(request.user, pk, what_if=True)
    if request.method == "GET":
        return redirect(reverse("scoring:score_sheet", args=[candidate.pk]) + "#what-if")
    sheet = selectors.score_sheet(candidate=candidate)
    current = _pinned_values(candidate, sheet)
    form = WhatIfForm(data=request.POST, rubric=rubric_of(sheet.pin.version), current=current)
    outcome = None
    if form.is_valid():
        outcome = selectors.what_if(
            candidate=candidate,
            snapshot=sheet.snapshot,
            current_values=current,
            facts=form.fact_values(),
        )
    context = _context(request, candidate, sheet, form=form, outcome=outcome)
    if request.headers.get("X-Requested-With") == PARTIAL_HEADER:
        return render(request, "scoring/_what_if_panel.html", context)
    return render(request, "scoring/score_sheet.html", context)
