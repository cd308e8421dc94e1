"""Writes to organisation units (组织单位)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from campaigns.models import OrgUnit

HAS_OFFICERS = "该单位下仍有执法人员，不能删除。"
HAS_USERS = "该单位下仍有登录账户，不能删除。"
HAS_CHILDREN = "该单位下仍有下级单位，不能删除。"
HAS_PARTICIPATIONS = "该单位仍是练兵活动的参评单位，不能删除。"
STILL_REFERENCED = "该单位仍被其他记录引用（如练兵活动、领导小组），不能删除。"


class UnitInUse(ValidationError):
    """The unit still has officers, users, sub-units or campaign entries."""


def unit_in_use_reasons(*, unit: OrgUnit) -> list[str]:
    """Why `unit` may not be deleted, in Chinese; empty when it may. Four EXISTS queries."""
    checks = (
        (unit.officers, HAS_OFFICERS),
        (unit.users, HAS_USERS),
        (unit.children, HAS_CHILDREN),
        (unit.participations, HAS_PARTICIPATIONS),
    )
    return [message for related, message in checks if related.exists()]


@transaction.atomic
def delete_unit(*, unit: OrgUnit) -> None:
    """Delete `unit`, or raise UnitInUse (a ValidationError) and delete nothing.

    The explicit checks give a message per reason; the PROTECT foreign keys still guard the
    race with a concurrent insert and any reference not checked here (a campaign it issued, a
    leadership group's office), and their ProtectedError becomes the same exception.
    """
    locked = OrgUnit.objects.select_for_update().filter(pk=unit.pk).first()
    if locked is None:
        return  # already gone: deleting twice is not an error
    reasons = unit_in_use_reasons(unit=locked)
    if reasons:
        raise UnitInUse(reasons)
    try:
        with transaction.atomic():  # a savepoint, so the caller's transaction survives
            locked.delete()
    except ProtectedError as exc:
        raise UnitInUse(STILL_REFERENCED) from exc
