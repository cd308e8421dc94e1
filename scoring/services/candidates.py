"""Who is scored under a pinned rubric: units (collective rubrics) and officers (individual)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from campaigns.models import Officer, OrgUnit
from scoring.enums import RubricSubject
from scoring.models import CampaignRubric, Candidate, PendingChange
from scoring.services.evaluation import queue_evaluation
from scoring.services.rubrics import CLOSED_STATUSES

if TYPE_CHECKING:
    from accounts.models import User


def _check(campaign_rubric: CampaignRubric, actor: User | None) -> None:
    if actor is not None and not actor.is_campaign_admin:
        raise PermissionDenied("只有活动管理员可以登记参评对象。")
    if campaign_rubric.campaign.status in CLOSED_STATUSES:
        raise ValidationError("活动已结束，不能再变更参评对象。")


def _mark(candidate: Candidate) -> None:
    PendingChange.objects.create(
        campaign_id=candidate.campaign_rubric.campaign_id,
        unit=candidate.unit,
        officer=candidate.officer,
    )
    queue_evaluation(campaign_id=candidate.campaign_rubric.campaign_id)


@transaction.atomic
def register_candidate(
    *,
    campaign_rubric: CampaignRubric,
    unit: OrgUnit | None = None,
    officer: Officer | None = None,
    category: str = "",
    actor: User | None = None,
) -> Candidate:
    """Enter a unit (collective rubric) or an officer (individual rubric) into the pool.

    Registering a withdrawn candidate again reactivates it (its category updated)."""
    _check(campaign_rubric, actor)
    subject = campaign_rubric.version.subject
    if (unit is None) == (officer is None):
        raise ValidationError("参评对象须是一个单位或一名执法人员，且只能是其一。")
    if subject == RubricSubject.COLLECTIVE and unit is None:
        raise ValidationError("集体评分细则的参评对象必须是单位。")
    if subject == RubricSubject.INDIVIDUAL and officer is None:
        raise ValidationError("个人评分细则的参评对象必须是执法人员。")
    where = {"unit": unit} if unit is not None else {"officer": officer}
    candidate = (
        Candidate.objects.select_for_update()
        .filter(campaign_rubric=campaign_rubric, **where)
        .first()
    )
    category = category.strip()
    if candidate is not None:
        if candidate.is_active and candidate.category == category:
            return candidate
        candidate.is_active = True
        candidate.category = category
        candidate.save(update_fields=["is_active", "category"])
    else:
        home_unit = unit if unit is not None else officer.unit  # type: ignore[union-attr]
        candidate = Candidate(
            campaign_rubric=campaign_rubric, home_unit=home_unit, category=category, **where
        )
        candidate.full_clean(validate_constraints=False)
        candidate.save()
    _mark(candidate)
    return candidate


@transaction.atomic
def withdraw_candidate(*, candidate: Candidate, actor: User | None = None) -> Candidate:
    """Take a candidate out of the pool. Its snapshots stay; it no longer has a current one."""
    _check(candidate.campaign_rubric, actor)
    if not candidate.is_active:
        return candidate
    candidate.is_active = False
    candidate.save(update_fields=["is_active"])
    _mark(candidate)
    return candidate


@transaction.atomic
def sync_collective_candidates(
    *, campaign_rubric: CampaignRubric, actor: User | None = None
) -> int:
    """Register every unit that takes part in the campaign as a collective (Participation with
    competes_as_collective). Returns how many were added or reactivated."""
    if campaign_rubric.version.subject != RubricSubject.COLLECTIVE:
        raise ValidationError("只有集体评分细则可以按参评单位登记参评对象。")
    _check(campaign_rubric, actor)
    participating = set(
        campaign_rubric.campaign.participations.filter(competes_as_collective=True).values_list(
            "unit_id", flat=True
        )
    )
    existing = dict(
        Candidate.objects.filter(campaign_rubric=campaign_rubric, unit__isnull=False).values_list(
            "unit_id", "is_active"
        )
    )
    new = [
        Candidate(campaign_rubric=campaign_rubric, unit_id=unit_id, home_unit_id=unit_id)
        for unit_id in sorted(participating)
        if unit_id not in existing
    ]
    Candidate.objects.bulk_create(new, batch_size=500)
    revived = [
        unit_id for unit_id, active in existing.items() if not active and unit_id in participating
    ]
    Candidate.objects.filter(campaign_rubric=campaign_rubric, unit_id__in=revived).update(
        is_active=True
    )
    changed = [c.unit_id for c in new] + revived
    if changed:
        PendingChange.objects.bulk_create(
            [PendingChange(campaign_id=campaign_rubric.campaign_id, unit_id=u) for u in changed],
            batch_size=500,
        )
        queue_evaluation(campaign_id=campaign_rubric.campaign_id)
    return len(changed)
