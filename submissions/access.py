"""Who may see, fill and review claims (STYLE.md #5), in the style of `accounts.access`.

- **Claims and self-assessment pages** belong to the candidate's home unit (`owner_unit`).
  Branch staff of that unit (or a unit above it) see and fill them; anyone else scoped to a
  unit gets ``Http404``. Reviewers and leadership read every claim; filling one is ``403`` for
  them: a reviewer changes a claim only through review. Campaign admins may do everything.
- **Review** (accept / adjust / return): reviewers and campaign admins. Branch staff and
  leadership who see the claim get ``403``. A reviewer may not review a claim of their own
  unit: the service refuses that with a message (`check_may_review`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import (
    is_scoped_to_unit,
    own_unit_ids,
    reads_everything,
    writes_everything,
)
from accounts.enums import Role
from scoring.models import Candidate
from submissions.models import Claim

if TYPE_CHECKING:
    from accounts.access import AnyUser


REVIEWER_MAY_NOT_FILL = gettext_lazy("评审人员只能通过复核（认定、调整、退回）处理单位的申报。")


# --- predicates ------------------------------------------------------------------------------


def may_fill(user: AnyUser) -> bool:
    """Whether the user's role may change a unit's claims at all (their unit is checked apart)."""
    return writes_everything(user) or is_scoped_to_unit(user)


def may_review(user: AnyUser) -> bool:
    return writes_everything(user) or (
        reads_everything(user) and getattr(user, "role", None) == Role.REVIEWER
    )


def reviews_own_unit(user: AnyUser, claim: Claim) -> bool:
    return user.unit_id is not None and user.unit_id == claim.owner_unit_id


# --- queryset scopers ------------------------------------------------------------------------


def claims_visible_to(user: AnyUser) -> QuerySet[Claim]:
    if reads_everything(user):
        return Claim.objects.all()
    unit_ids = own_unit_ids(user)
    if not unit_ids:
        return Claim.objects.none()
    return Claim.objects.filter(owner_unit_id__in=unit_ids)


def candidates_visible_to(user: AnyUser) -> QuerySet[Candidate]:
    if reads_everything(user):
        return Candidate.objects.all()
    unit_ids = own_unit_ids(user)
    if not unit_ids:
        return Candidate.objects.none()
    return Candidate.objects.filter(home_unit_id__in=unit_ids)


# --- checks on an object already in hand (services call these) -------------------------------


def _sees_unit(user: AnyUser, unit_id: int) -> bool:
    return reads_everything(user) or unit_id in own_unit_ids(user)


def check_claim(user: AnyUser, claim: Claim, *, write: bool = False, review: bool = False) -> None:
    """Http404 if `user` may not see `claim`; PermissionDenied if filling (`write`) or
    reviewing (`review`) is refused to their role."""
    if not _sees_unit(user, claim.owner_unit_id):
        raise Http404
    if write and not may_fill(user):
        raise PermissionDenied(REVIEWER_MAY_NOT_FILL)
    if review and not may_review(user):
        raise PermissionDenied(_("只有评审员可以复核申报。"))


def check_candidate(user: AnyUser, candidate: Candidate, *, write: bool = False) -> None:
    if not _sees_unit(user, candidate.home_unit_id):
        raise Http404
    if write and not may_fill(user):
        raise PermissionDenied(REVIEWER_MAY_NOT_FILL)


# --- fetch and check (views call these) --------------------------------------------------------


def get_candidate_for_user(user: AnyUser, pk: int, *, write: bool = False) -> Candidate:
    """The candidate `pk` (with pin, campaign, version, unit/officer) for its self-assessment
    page; 404 for outsiders, 403 when `write` is asked by a read-only role."""
    candidate = (
        candidates_visible_to(user)
        .select_related(
            "campaign_rubric__campaign",
            "campaign_rubric__version",
            "unit",
            "officer__unit",
            "home_unit",
        )
        .filter(pk=pk, is_active=True)
        .first()
    )
    if candidate is None:
        raise Http404
    check_candidate(user, candidate, write=write)
    return candidate


def get_claim_for_user(
    user: AnyUser, pk: int, *, write: bool = False, review: bool = False
) -> Claim:
    """The claim `pk` (with candidate, pin, version, units) if `user` may see it; 404 for
    outsiders, 403 when `write` or `review` is refused to their role."""
    claim = (
        claims_visible_to(user)
        .select_related(
            "campaign",
            "candidate__campaign_rubric__version",
            "candidate__unit",
            "candidate__officer__unit",
            "owner_unit",
            "submitted_by",
            "reviewed_by",
        )
        .filter(pk=pk)
        .first()
    )
    if claim is None:
        raise Http404
    check_claim(user, claim, write=write, review=review)
    return claim
