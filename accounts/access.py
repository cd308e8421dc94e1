"""Who may see and change what: one fetch-and-check helper per object kind (STYLE.md #5).

Every view fetches its object through a ``get_<kind>_for_user`` helper here; every service
checks again through the matching ``check_<kind>``. The rules:

- Branch staff see their own unit and the units below it, the campaigns those units take part
  in, and those units' officers. Anything else does not exist for them: ``Http404``, so that a
  guessed id never reveals whether a record exists. They may change their units' officers
  (``write=True`` on a unit means "change what belongs to the unit"; the unit record itself
  is edited in the admin by campaign admins). Campaigns are read-only to them: ``403``.
- Reviewers and leadership read every campaign, unit and officer; ``write=True`` is ``403``.
- Campaign admins and superusers read and write everything.
- Anonymous users see nothing (``Http404``); views put ``login_required`` in front, so in
  practice they are sent to the login page before a helper runs.

Later issues add helpers for claims, evidence and case files in the same style.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.enums import Role
from campaigns.models import Campaign, Officer, OrgUnit, Participation

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    AnyUser = User | AnonymousUser

# Cached on the user object, which lives for one request (request.user) or one test.
_UNIT_IDS_ATTR = "_access_unit_ids"


# --- roles ------------------------------------------------------------------------------------


def _is_active(user: AnyUser) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def reads_everything(user: AnyUser) -> bool:
    """Reviewers, leadership, campaign admins and superusers read every campaign and unit."""
    if not _is_active(user):
        return False
    return user.is_superuser or user.role in (
        Role.REVIEWER,
        Role.LEADERSHIP,
        Role.CAMPAIGN_ADMIN,
    )


def writes_everything(user: AnyUser) -> bool:
    return _is_active(user) and (user.is_superuser or user.role == Role.CAMPAIGN_ADMIN)


def is_scoped_to_unit(user: AnyUser) -> bool:
    """Branch staff: everything they see hangs off their own unit."""
    return _is_active(user) and not reads_everything(user) and user.role == Role.BRANCH_STAFF


def own_unit_ids(user: AnyUser) -> frozenset[int]:
    """The ids of the user's unit and every unit below it (empty for anyone not unit-scoped).

    The tree has no materialised path, so this walks it one level per query (three or four
    levels in practice: city → branch → team). The result is cached on the user object, which
    Django creates afresh for each request.
    """
    if not is_scoped_to_unit(user) or user.unit_id is None:
        return frozenset()
    cached = getattr(user, _UNIT_IDS_ATTR, None)
    if cached is not None:
        return cached
    result = unit_subtree_ids(user.unit_id)
    setattr(user, _UNIT_IDS_ATTR, result)
    return result


def unit_subtree_ids(unit_id: int) -> frozenset[int]:
    """The unit and every unit below it, one query per level of the tree."""
    found: set[int] = {unit_id}
    frontier = {unit_id}
    while frontier:
        children = set(
            OrgUnit.objects.filter(parent_id__in=frontier)
            .exclude(pk__in=found)  # a corrupt tree with a cycle must not loop forever
            .order_by()
            .values_list("pk", flat=True)
        )
        found |= children
        frontier = children
    return frozenset(found)


# --- queryset scopers -------------------------------------------------------------------------


def campaigns_visible_to(user: AnyUser) -> QuerySet[Campaign]:
    if reads_everything(user):
        return Campaign.objects.all()
    unit_ids = own_unit_ids(user)
    if not unit_ids:
        return Campaign.objects.none()
    # A subquery rather than a join, so that a campaign is listed once without DISTINCT.
    participating = Participation.objects.filter(unit_id__in=unit_ids).values("campaign_id")
    return Campaign.objects.filter(pk__in=participating)


def units_visible_to(user: AnyUser) -> QuerySet[OrgUnit]:
    if reads_everything(user):
        return OrgUnit.objects.all()
    unit_ids = own_unit_ids(user)
    if not unit_ids:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(pk__in=unit_ids)


def officers_visible_to(user: AnyUser) -> QuerySet[Officer]:
    if reads_everything(user):
        return Officer.objects.all()
    unit_ids = own_unit_ids(user)
    if not unit_ids:
        return Officer.objects.none()
    return Officer.objects.filter(unit_id__in=unit_ids)


# --- checks on an object already in hand (services call these) --------------------------------


def _check_write(user: AnyUser, *, staff_may_write: bool) -> None:
    """Called once the user is known to see the object: may they also change it?"""
    if writes_everything(user):
        return
    if staff_may_write and is_scoped_to_unit(user):
        return
    raise PermissionDenied


def check_campaign(user: AnyUser, campaign: Campaign, *, write: bool = False) -> None:
    """Raise Http404 if `user` may not see `campaign`, PermissionDenied if `write` is refused."""
    if (
        not reads_everything(user)
        and not campaign.participations.filter(unit_id__in=own_unit_ids(user)).exists()
    ):
        raise Http404
    if write:
        _check_write(user, staff_may_write=False)


def check_unit(user: AnyUser, unit: OrgUnit, *, write: bool = False) -> None:
    """Raise Http404 if `user` may not see `unit`, PermissionDenied if `write` is refused.

    `write` means changing what belongs to the unit (its officers), which its staff may do."""
    if not reads_everything(user) and unit.pk not in own_unit_ids(user):
        raise Http404
    if write:
        _check_write(user, staff_may_write=True)


def check_officer(user: AnyUser, officer: Officer, *, write: bool = False) -> None:
    """Raise Http404 if `user` may not see `officer`, PermissionDenied if `write` is refused."""
    if not reads_everything(user) and officer.unit_id not in own_unit_ids(user):
        raise Http404
    if write:
        _check_write(user, staff_may_write=True)


# --- fetch and check (views call these) -------------------------------------------------------


def get_campaign_for_user(user: AnyUser, pk: int, *, write: bool = False) -> Campaign:
    """The campaign `pk` if `user` may see it; 404 for outsiders, 403 when `write` is refused."""
    campaign = campaigns_visible_to(user).select_related("issuing_unit").filter(pk=pk).first()
    if campaign is None:
        raise Http404
    if write:
        _check_write(user, staff_may_write=False)
    return campaign


def get_unit_for_user(user: AnyUser, pk: int, *, write: bool = False) -> OrgUnit:
    """The unit `pk` if `user` may see it; 404 for outsiders, 403 when `write` is refused."""
    unit = units_visible_to(user).select_related("parent").filter(pk=pk).first()
    if unit is None:
        raise Http404
    if write:
        _check_write(user, staff_may_write=True)
    return unit


def get_officer_for_user(user: AnyUser, pk: int, *, write: bool = False) -> Officer:
    """The officer `pk` if `user` may see them; 404 for outsiders, 403 when `write` is refused."""
    officer = officers_visible_to(user).select_related("unit").filter(pk=pk).first()
    if officer is None:
        raise Http404
    if write:
        _check_write(user, staff_may_write=True)
    return officer


# --- predicates for templates (show a button only to those who may press it) ------------------


def can_edit_unit_officers(user: AnyUser, unit: OrgUnit) -> bool:
    """Whether the officer add/edit buttons of a unit the user already sees should show."""
    return writes_everything(user) or (is_scoped_to_unit(user) and unit.pk in own_unit_ids(user))


def can_edit_campaigns(user: AnyUser) -> bool:
    return writes_everything(user)


def role_key(user: AnyUser) -> str:
    """Which home page, navigation and dashboard a user gets: "admin" (the campaign office),
    "reviewer", "leadership" or "staff"."""
    if writes_everything(user):
        return "admin"
    if user.role == Role.REVIEWER:
        return "reviewer"
    if user.role == Role.LEADERSHIP:
        return "leadership"
    return "staff"
