"""The scores of a campaign: its pinned rubrics, and the current ranking of each.

Who sees what (decided here, enforced by scoring.access and the selectors):

- Campaign admins, leadership and reviewers see every candidate's row with its rank. Reviewers
  are included because they verify the facts the scores come from and must be able to check
  a result against the pool; leadership approves the lists; admins run them.
- Branch staff see the page of a campaign their unit takes part in, limited to their own
  units' candidates and WITHOUT ranks or ties: a rank says where everyone else stands, and
  the ranking is published with the shortlist (public notice), not before. From it they reach
  their candidates' score sheets. Staff of a unit outside the campaign get 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts import access as accounts_access
from scoring import access, selectors
from scoring.enums import RubricSubject


def _visible_unit_ids(user) -> frozenset[int] | None:
    """None: every candidate; otherwise only candidates of these home units."""
    if access.sees_all_candidates(user):
        return None
    return accounts_access.own_unit_ids(user)


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@require_GET
@login_required
def campaign_scores(request: HttpRequest, pk: int) -> HttpResponse:
    """The pinned rubrics of a campaign, each linking to its ranking."""
    campaign = accounts_access.get_campaign_for_user(request.user, pk)
    pins = selectors.campaign_pins(
        campaign_id=campaign.pk, visible_unit_ids=_visible_unit_ids(request.user)
    )
    return render(
        request,
        "scoring/campaign_scores.html",
        {
            "campaign": campaign,
            "pins": pins,
            "sees_all": access.sees_all_candidates(request.user),
        },
    )


@require_GET
@login_required
def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    """Current ranking of a pinned rubric: `?sort=<key>|-<key>`, `?unit=<id>`, `?page=<n>`.

    Sort keys: `rank`, `total`, `bonus` and every level-1 indicator id; `-` for descending. An
    unknown key falls back to the ranking order. Vetoed and ineligible candidates are listed
    apart, with their reasons, under the ranked table."""
    pin = access.get_campaign_rubric_for_user(request.user, pk)
    show_ranks = access.can_see_ranks(request.user)
    result = selectors.ranking(
        pin=pin,
        visible_unit_ids=_visible_unit_ids(request.user),
        show_ranks=show_ranks,
        sort=request.GET.get("sort"),
        unit_id=_int_or_none(request.GET.get("unit")),
        page_number=request.GET.get("page") or 1,
    )
    return render(
        request,
        "scoring/ranking.html",
        {
            "pin": pin,
            "campaign": pin.campaign,
            "ranking": result,
            "individual": pin.version.subject == RubricSubject.INDIVIDUAL,
            "sees_all": access.sees_all_candidates(request.user),
        },
    )
