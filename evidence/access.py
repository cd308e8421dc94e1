"""Who may see and change evidence files, in the style of `accounts.access` (STYLE.md #5).

- Staff of the owner unit, or of a unit above it (``own_unit_ids`` includes the units below
  a user's own), read the unit's files and upload or withdraw them.
- Reviewers, leadership and campaign admins read every file, withdrawn ones included (shown
  as withdrawn); only campaign admins (and superusers) also write. Read-only roles get 403.
- Anyone else: 404, so that a guessed id reveals nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.access import is_scoped_to_unit, own_unit_ids, reads_everything, writes_everything
from evidence.models import EvidenceFile

if TYPE_CHECKING:
    from accounts.access import AnyUser


def evidence_visible_to(user: AnyUser) -> QuerySet[EvidenceFile]:
    if reads_everything(user):
        return EvidenceFile.objects.all()
    unit_ids = own_unit_ids(user)
    if not unit_ids:
        return EvidenceFile.objects.none()
    return EvidenceFile.objects.filter(owner_unit_id__in=unit_ids)


def _check_write(user: AnyUser) -> None:
    if writes_everything(user) or is_scoped_to_unit(user):
        return
    raise PermissionDenied


def check_evidence(user: AnyUser, evidence: EvidenceFile, *, write: bool = False) -> None:
    """Raise Http404 if `user` may not see `evidence`, PermissionDenied if `write` is refused."""
    if not reads_everything(user) and evidence.owner_unit_id not in own_unit_ids(user):
        raise Http404
    if write:
        _check_write(user)


def get_evidence_for_user(user: AnyUser, pk: int, *, write: bool = False) -> EvidenceFile:
    """The file `pk` if `user` may see it; 404 for outsiders, 403 when `write` is refused."""
    evidence = (
        evidence_visible_to(user)
        .select_related("owner_unit", "uploaded_by", "withdrawn_by")
        .filter(pk=pk)
        .first()
    )
    if evidence is None:
        raise Http404
    if write:
        _check_write(user)
    return evidence


def can_upload(user: AnyUser) -> bool:
    """Whether the user may upload at all (before a unit is known): staff and admins."""
    return writes_everything(user) or is_scoped_to_unit(user)


def can_write_unit_evidence(user: AnyUser, unit_id: int) -> bool:
    """Whether upload and withdraw controls should show on a unit's file list."""
    return writes_everything(user) or (is_scoped_to_unit(user) and unit_id in own_unit_ids(user))
