"""Writes to campaign phases (活动阶段). Every path that dates a phase comes through here or
through `Phase.clean` (the admin), and both end in `validate_phase_against_siblings`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from campaigns.enums import PhaseKind
from campaigns.models import Campaign, Phase

NAIVE_DATETIME = "阶段时间必须带时区。"


def _require_aware(**moments: dt.datetime) -> None:
    naive = {name: NAIVE_DATETIME for name, value in moments.items() if timezone.is_naive(value)}
    if naive:
        raise ValidationError(naive)


@transaction.atomic
def schedule_phase(
    *,
    campaign: Campaign,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    note: str = "",
) -> Phase:
    """Create the campaign's phase of `kind`, or move it to the given dates.

    A phase runs from `starts_at` (inclusive) to `ends_at` (exclusive). Raises ValidationError
    with the Chinese message when the phase runs backwards, overlaps another phase of the
    campaign or would run out of the order of `PhaseKind`. Saves nothing when the phase is
    already scheduled exactly so.
    """
    if kind not in PhaseKind.values:
        raise ValidationError({"kind": f"未知的阶段：{kind}。"})
    _require_aware(starts_at=starts_at, ends_at=ends_at)
    # Lock the campaign row: the sibling check reads the other phases, and two concurrent
    # schedulers of one campaign could otherwise each pass it and together overlap.
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    phase = Phase.objects.filter(campaign=campaign, kind=kind).first()
    values = {"starts_at": starts_at, "ends_at": ends_at, "note": note.strip()}
    if phase is None:
        phase = Phase(campaign=campaign, kind=kind, **values)
        phase.full_clean()  # fields, constraints and Phase.clean → the sibling check
        phase.save()
        return phase
    changed = [name for name, value in values.items() if getattr(phase, name) != value]
    if not changed:
        return phase
    for name in changed:
        setattr(phase, name, values[name])
    phase.full_clean()
    phase.save(update_fields=changed)
    return phase


def check_phase_set(phases: Iterable[Phase]) -> None:
    """Check phases that are saved together (an admin inline formset) against each other.

    `Phase.clean` compares one phase with the rows already in the database; phases added or
    moved in the same form are not there yet, so this compares them pairwise, with the same
    messages as `campaigns.phases.validate_phase_against_siblings`.
    """
    dated = [p for p in phases if p.kind and p.starts_at and p.ends_at]
    for index, phase in enumerate(dated):
        for other in dated[index + 1 :]:
            if phase.starts_at < other.ends_at and other.starts_at < phase.ends_at:
                raise ValidationError(
                    f"“{phase.get_kind_display()}”阶段与“{other.get_kind_display()}”阶段时间重叠。"
                )
            first, second = sorted((phase, other), key=lambda p: PhaseKind.order(p.kind))
            if first.kind != second.kind and first.starts_at > second.starts_at:
                raise ValidationError(
                    f"“{first.get_kind_display()}”阶段不能与“{second.get_kind_display()}”阶段顺序颠倒。"
                )
