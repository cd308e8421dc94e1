"""Fetch-and-check helpers for the case-review pages (accounts.access style: 404 for outsiders,
403 for those who may look but not act)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.access import reads_everything, writes_everything
from cases.models import Assignment, SampledFile
from cases.services import OWN_UNIT_MESSAGE

if TYPE_CHECKING:
    from accounts.access import AnyUser


def get_assignment_for_user(user: AnyUser, pk: int) -> Assignment:
    """An assignment the user reviews. Anyone else's: 404. A file of the reviewer's own unit
    (should the assignment ever exist): 403 with the reason — refused even by URL."""
    assignment = (
        Assignment.objects.select_related(
            "sampled__case_file__unit", "sampled__draw__campaign", "reviewer"
        )
        .filter(pk=pk, reviewer_id=user.pk)
        .first()
    )
    if assignment is None:
        raise Http404
    if user.unit_id is not None and assignment.sampled.case_file.unit_id == user.unit_id:
        raise PermissionDenied(OWN_UNIT_MESSAGE)
    return assignment


def check_oversight(user: AnyUser, *, write: bool = False) -> None:
    """Oversight pages: readers of everything see them; only campaign admins act on them."""
    if not reads_everything(user):
        raise Http404
    if write and not writes_everything(user):
        raise PermissionDenied


def get_sampled_for_user(user: AnyUser, pk: int) -> SampledFile:
    check_oversight(user)
    sampled = (
        SampledFile.objects.select_related("draw__campaign", "case_file").filter(pk=pk).first()
    )
    if sampled is None:
        raise Http404
    return sampled
