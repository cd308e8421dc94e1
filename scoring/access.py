"""Who may see rankings, score sheets and the what-if panel (STYLE.md #5).

The same rules as ``accounts.access``, applied to scoring objects, and built on its campaign
and unit visibility:

- **Ranking of a pinned rubric** (``get_campaign_rubric_for_user``): anyone who sees the
  campaign may open the page. Campaign admins, leadership and reviewers see every candidate
  with ranks. Branch staff see only their own units' candidates, without ranks: a rank tells
  where everyone else stands, and the ranking is published with the shortlist, not before.
  Staff of a unit outside the campaign get ``Http404``.
- **Score sheet of a candidate** (``get_candidate_for_user``): readers of everything see every
  sheet; branch staff see the sheets of their own units' candidates (the unit itself, or the
  officers it nominated) and get ``Http404`` for any other.
- **What-if panel** (``what_if=True``): campaign admins only. It writes nothing, but it shows
  the whole pool's reaction to changed facts, which is the office's tool; others who see the
  sheet get ``PermissionDenied`` (403), outsiders still ``Http404``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.access import campaigns_visible_to, own_unit_ids, reads_everything, writes_everything
from scoring.models import CampaignRubric, Candidate

if TYPE_CHECKING:
    from accounts.access import AnyUser


# --- predicates ------------------------------------------------------------------------------


def sees_all_candidates(user: AnyUser) -> bool:
    """Admins, leadership and reviewers: every candidate, with ranks."""
    return reads_everything(user)


def can_see_ranks(user: AnyUser) -> bool:
    """Ranks (and ties) are shown to those who see the whole ranking, and to no one else."""
    return reads_everything(user)


def can_run_what_if(user: AnyUser) -> bool:
    return writes_everything(user)


# --- queryset scopers ------------------------------------------------------------------------


def candidates_visible_to(user: AnyUser) -> QuerySet[Candidate]:
    if reads_everything(user):
        return Candidate.objects.all()
    unit_ids = own_unit_ids(user)
    if not unit_ids:
        return Candidate.objects.none()
    return Candidate.objects.filter(home_unit_id__in=unit_ids)


# --- checks on an object already in hand -----------------------------------------------------


def check_candidate(user: AnyUser, candidate: Candidate, *, what_if: bool = False) -> None:
    """Raise Http404 if `user` may not see `candidate`, PermissionDenied if the what-if panel
    is asked for by someone who may only read."""
    if not reads_everything(user) and candidate.home_unit_id not in own_unit_ids(user):
        raise Http404
    if what_if and not can_run_what_if(user):
        raise PermissionDenied


# --- fetch and check (views call these) --------------------------------------------------------


def get_campaign_rubric_for_user(user: AnyUser, pk: int) -> CampaignRubric:
    """The pinned rubric `pk` (with campaign and version) if `user` sees its campaign; 404
    otherwise. What rows of the ranking the user sees is decided by the ranking selector."""
    pin = (
        CampaignRubric.objects.select_related("campaign", "version")
        .filter(pk=pk, campaign__in=campaigns_visible_to(user))
        .first()
    )
    if pin is None:
        raise Http404
    return pin


def get_candidate_for_user(user: AnyUser, pk: int, *, what_if: bool = False) -> Candidate:
    """The candidate `pk` (with its pin, campaign, version, unit or officer) if `user` may see
    it; 404 for outsiders, 403 when `what_if` is asked for by a read-only user."""
    candidate = (
        candidates_visible_to(user)
        .select_related(
            "campaign_rubric__campaign",
            "campaign_rubric__version",
            "unit",
            "officer__unit",
            "home_unit",
        )
        .filter(pk=pk)
        .first()
    )
    if candidate is None:
        raise Http404
    if what_if and not can_run_what_if(user):
        raise PermissionDenied
    return candidate
