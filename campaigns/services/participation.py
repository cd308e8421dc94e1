"""Writes to a unit's participation in a campaign (参评单位): collective or not, its
nomination quota, and the per-campaign facts about the unit that scoring needs."""

from __future__ import annotations

from django.db import transaction

from campaigns.models import Campaign, OrgUnit, Participation


@transaction.atomic
def set_participation(
    *,
    campaign: Campaign,
    unit: OrgUnit,
    competes_as_collective: bool,
    individual_quota: int,
    officers_on_post: int | None = None,
    key_enterprises: int | None = None,
) -> Participation:
    """Enter `unit` in `campaign`, or change its entry. Idempotent: saves nothing when the
    entry already reads so. Raises ValidationError on a negative quota or count."""
    values = {
        "competes_as_collective": competes_as_collective,
        "individual_quota": individual_quota,
        "officers_on_post": officers_on_post,
        "key_enterprises": key_enterprises,
    }
    # The unique (campaign, unit) constraint settles a race between two first entries; the
    # row lock keeps two concurrent changes of one entry from interleaving.
    # order_by("pk"): the model's default ordering joins OrgUnit, which FOR UPDATE would lock too.
    participation = (
        Participation.objects.select_for_update()
        .filter(campaign=campaign, unit=unit)
        .order_by("pk")
        .first()
    )
    if participation is None:
        participation = Participation(campaign=campaign, unit=unit, **values)
        participation.full_clean()
        participation.save()
        return participation
    changed = [name for name, value in values.items() if getattr(participation, name) != value]
    if changed:
        for name in changed:
            setattr(participation, name, values[name])
        participation.full_clean()
        participation.save(update_fields=changed)
    return participation
