"""Helpers of the demo loaders: upsert by natural key, and a tally of what changed.

Every row is found by its natural key and only saved when a value differs, so a second run of
`load_demo` writes nothing (the tally says so), and no row is ever created twice.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models
from django.utils import timezone

from campaigns.enums import UnitKind
from campaigns.models import Campaign, OrgUnit, Participation, Phase
from campaigns.services import schedule_phase, set_participation

M = TypeVar("M", bound=models.Model)

CREATED, UPDATED, UNCHANGED, DELETED = "created", "updated", "unchanged", "deleted"


@dataclass
class Tally:
    """Rows created, updated, left unchanged and deleted, per model verbose name."""

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, model: type[models.Model], outcome: str, n: int = 1) -> None:
        self.counts[(str(model._meta.verbose_name), outcome)] += n

    def total(self, outcome: str) -> int:
        return sum(n for (_, kind), n in self.counts.items() if kind == outcome)


def upsert(model: type[M], tally: Tally, *, lookup: dict[str, Any], values: dict[str, Any]) -> M:
    """Get the row matching `lookup` and bring it to `values`, or create it; validates first.

    Unlike `update_or_create`, an unchanged row is not saved again."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        tally.add(model, CREATED)
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        obj.save(update_fields=changed)
        tally.add(model, UPDATED)
    else:
        tally.add(model, UNCHANGED)
    return obj


def prune(queryset: models.QuerySet, keep: list[models.Model], tally: Tally) -> None:
    """Delete the rows of `queryset` not in `keep`: a demo collection (members, task plan)
    left over from an earlier version of the demo data."""
    stale = queryset.exclude(pk__in=[obj.pk for obj in keep])
    n, _ = stale.delete()
    if n:
        tally.add(queryset.model, DELETED, n)


def unit(
    tally: Tally,
    *,
    code: str,
    name: str,
    kind: UnitKind,
    parent: OrgUnit | None = None,
    short_name: str = "",
    sort_order: int = 0,
) -> OrgUnit:
    return upsert(
        OrgUnit,
        tally,
        lookup={"code": code},
        values={
            "name": name,
            "short_name": short_name,
            "kind": kind,
            "parent": parent,
            "sort_order": sort_order,
        },
    )


def at(year: int, month: int, day: int) -> dt.datetime:
    """Midnight at the start of that day in Asia/Shanghai (TIME_ZONE)."""
    return timezone.make_aware(dt.datetime(year, month, day))  # noqa: DTZ001 — made aware here


def phase_outcome(
    campaign: Campaign, kind: str, starts_at: dt.datetime, ends_at: dt.datetime, note: str
) -> str:
    """What `schedule_phase` is about to do to this phase, for the tally."""
    phase = Phase.objects.filter(campaign=campaign, kind=kind).first()
    if phase is None:
        return CREATED
    if (phase.starts_at, phase.ends_at, phase.note) == (starts_at, ends_at, note):
        return UNCHANGED
    return UPDATED


def schedule_phases(
    campaign: Campaign, tally: Tally, plan: list[tuple[str, dt.datetime, dt.datetime, str]]
) -> None:
    """Give `campaign` exactly the phases of `plan` (kind, starts_at, ends_at, note) through
    `services.schedule_phase`, so the demo passes the same validation as the admin.

    Phases whose dates move are deleted first and scheduled afresh: moving them one by one
    could make a moved phase overlap its not-yet-moved neighbour on the way."""
    wanted = {kind: (starts_at, ends_at) for kind, starts_at, ends_at, _ in plan}
    for phase in campaign.phases.all():
        if wanted.get(phase.kind) != (phase.starts_at, phase.ends_at):
            phase.delete()
            tally.add(Phase, DELETED)
    for kind, starts_at, ends_at, note in plan:
        outcome = phase_outcome(campaign, kind, starts_at, ends_at, note)
        schedule_phase(
            campaign=campaign, kind=kind, starts_at=starts_at, ends_at=ends_at, note=note
        )
        tally.add(Phase, outcome)


def participate(
    campaign: Campaign, tally: Tally, units: list[OrgUnit], *, quota: int, collective: bool = True
) -> None:
    """Enter `units` through `services.set_participation`, counting what changed."""
    for entered in units:
        before = (
            Participation.objects.filter(campaign=campaign, unit=entered)
            .values_list(
                "competes_as_collective", "individual_quota", "officers_on_post", "key_enterprises"
            )
            .first()
        )
        set_participation(
            campaign=campaign,
            unit=entered,
            competes_as_collective=collective,
            individual_quota=quota,
        )
        if before is None:
            tally.add(Participation, CREATED)
        elif before != (collective, quota, None, None):
            tally.add(Participation, UPDATED)
        else:
            tally.add(Participation, UNCHANGED)
