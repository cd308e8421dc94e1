"""Writes to officers (执法人员). Views, admin actions and imports all come through here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts import access
from campaigns.models import Officer, OrgUnit

if TYPE_CHECKING:
    from accounts.models import User

DUPLICATE_CERTIFICATE = "该执法证件号已登记给另一名执法人员。"
UPDATABLE_FIELDS = frozenset({"name", "certificate_no", "post", "is_active", "unit"})


def _normalise(fields: dict[str, Any]) -> dict[str, Any]:
    for key in ("name", "certificate_no", "post"):
        if key in fields and fields[key] is not None:
            fields[key] = str(fields[key]).strip()
    return fields


def _save(officer: Officer, *, update_fields: list[str] | None = None) -> Officer:
    """Validate and save; a duplicate certificate number becomes a field error.

    The explicit check gives the friendly message; the unique constraint still guards the race
    between two concurrent saves, and its IntegrityError is turned into the same message.
    """
    officer.full_clean(validate_constraints=False)
    if (
        officer.certificate_no
        and Officer.objects.filter(certificate_no=officer.certificate_no)
        .exclude(pk=officer.pk)
        .exists()
    ):
        raise ValidationError({"certificate_no": DUPLICATE_CERTIFICATE})
    try:
        with transaction.atomic():  # a savepoint, so the outer transaction survives the error
            officer.save(update_fields=update_fields)
    except IntegrityError as exc:
        raise ValidationError({"certificate_no": DUPLICATE_CERTIFICATE}) from exc
    return officer


@transaction.atomic
def create_officer(
    *, actor: User, unit: OrgUnit, name: str, certificate_no: str = "", post: str = ""
) -> Officer:
    """Register an officer in `unit`. Raises Http404/PermissionDenied (see accounts.access)
    when `actor` may not change the unit's officers, ValidationError on bad or duplicate data."""
    access.check_unit(actor, unit, write=True)
    fields = _normalise({"name": name, "certificate_no": certificate_no, "post": post})
    return _save(Officer(unit=unit, **fields))


@transaction.atomic
def update_officer(*, actor: User, officer: Officer, **fields: Any) -> Officer:
    """Change `fields` (name, certificate_no, post, is_active, unit) of `officer`.

    Moving an officer to another unit needs write access to both units."""
    unknown = set(fields) - UPDATABLE_FIELDS
    if unknown:
        raise TypeError(f"update_officer() got unexpected fields: {', '.join(sorted(unknown))}")
    access.check_officer(actor, officer, write=True)
    if "unit" in fields and fields["unit"].pk != officer.unit_id:
        access.check_unit(actor, fields["unit"], write=True)
    fields = _normalise(fields)
    changed = [key for key, value in fields.items() if getattr(officer, key) != value]
    if not changed:
        return officer
    previous = {key: getattr(officer, key) for key in changed}
    for key in changed:
        setattr(officer, key, fields[key])
    try:
        return _save(officer, update_fields=changed)
    except ValidationError:
        # Leave the caller's object as it is in the database, e.g. for the page title.
        for key, value in previous.items():
            setattr(officer, key, value)
        raise
