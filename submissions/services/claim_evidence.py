"""Attaching evidence files to claims and detaching them (never deleting the link).

Both bump the claim's version through the same version-checked UPDATE as every other change,
so a reviewer who loaded the claim before a file was attached or detached is refused rather
than accepting evidence they have not seen.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence.models import EvidenceFile
from submissions import access
from submissions.enums import EDITABLE_STATUSES
from submissions.models import Claim, ClaimEvidence
from submissions.services.claims import check_may_edit
from submissions.services.workflow import versioned_update

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def attach_evidence(
    *, claim: Claim, files: Iterable[EvidenceFile], actor: User, expected_version: int
) -> Claim:
    """Attach the unit's own (not withdrawn) files to a draft or returned claim."""
    access.check_claim(actor, claim, write=True)
    check_may_edit(claim.status, claim.candidate)
    attached = set(
        ClaimEvidence.objects.filter(claim=claim, detached_at__isnull=True).values_list(
            "file_id", flat=True
        )
    )
    new = [f for f in files if f.pk not in attached]
    if not new:
        return claim
    for file in new:
        if file.owner_unit_id != claim.owner_unit_id:
            raise ValidationError(
                _("文件“%(name)s”不属于本单位，不能作为佐证。") % {"name": file.original_name}
            )
        if file.is_withdrawn:
            raise ValidationError(
                _("文件“%(name)s”已撤回，不能作为佐证。") % {"name": file.original_name}
            )
    names = "、".join(f.original_name for f in new)
    fresh = versioned_update(
        claim,
        expected_version=expected_version,
        statuses=list(EDITABLE_STATUSES),
        actor=actor,
        reason=f"附加佐证：{names}",
    )
    for file in new:
        link = ClaimEvidence(claim=fresh, file=file, attached_by=actor)
        link._history_user = actor  # type: ignore[attr-defined]
        link.save()
    return fresh


@transaction.atomic
def detach_evidence(
    *, claim: Claim, link_ids: Iterable[int], actor: User, expected_version: int
) -> Claim:
    """Detach files from a draft or returned claim; the links stay, stamped as detached."""
    access.check_claim(actor, claim, write=True)
    check_may_edit(claim.status, claim.candidate)
    links = list(
        ClaimEvidence.objects.filter(
            claim=claim, pk__in=list(link_ids), detached_at__isnull=True
        ).select_related("file")
    )
    if not links:
        return claim
    names = "、".join(link.file.original_name for link in links)
    fresh = versioned_update(
        claim,
        expected_version=expected_version,
        statuses=list(EDITABLE_STATUSES),
        actor=actor,
        reason=f"移除佐证：{names}",
    )
    now = timezone.now()
    for link in links:
        link.detached_at = now
        link.detached_by = actor
        link._history_user = actor  # type: ignore[attr-defined]
        link.save(update_fields=["detached_at", "detached_by"])
    return fresh
