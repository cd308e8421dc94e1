"""Publishing an approved list as a public notice (公示), and what the public page shows.

Seed 003: "我局将于2016年12月底前向社会公布先进个人候选名单，并公布举报电话。对收到的举报线索，
及时转交地方调查或直接由市局监察室调查。经查确实存在不廉洁行为的候选人，直接移出候选名单"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from publication import access
from publication.enums import ApprovalStatus, ObjectionStatus
from publication.models import ApprovalEntry, Notice, Objection, ShortlistApproval
from publication.services.approvals import is_stale

if TYPE_CHECKING:
    from accounts.models import User

NOT_APPROVED = "只有经领导小组审定的名单才能公示。"
STALE = "审定后评分结果已有变化，请重新报送审定后再公示。"
ALREADY = "该名单已经公示。"
PERIOD = "公示结束时间必须晚于开始时间。"
HOW_REQUIRED = "请填写异议受理方式（如举报电话、受理部门）。"


@dataclass(frozen=True, slots=True)
class PublicRow:
    """What the public page shows of one candidate: nothing else (no facts, no ids)."""

    entry_id: int
    position: int
    name: str
    unit: str
    total: Decimal


def notice_state(notice: Notice, at: dt.datetime | None = None) -> str:
    """ "upcoming", "open" or "closed" (start inclusive, end exclusive)."""
    moment = at or timezone.now()
    if moment < notice.starts_at:
        return "upcoming"
    if moment >= notice.ends_at:
        return "closed"
    return "open"


@transaction.atomic
def publish_notice(
    *,
    approval: ShortlistApproval,
    actor: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    how_to_object: str,
    title: str = "",
) -> Notice:
    access.check_office(actor)
    locked = (
        ShortlistApproval.objects.select_for_update(of=("self",))
        .select_related("campaign_rubric__campaign", "campaign_rubric__version")
        .get(pk=approval.pk)
    )
    if locked.status != ApprovalStatus.APPROVED:
        raise ValidationError(NOT_APPROVED)
    if Notice.objects.filter(approval=locked).exists():
        raise ValidationError(ALREADY)
    if is_stale(locked):
        raise ValidationError(STALE)
    errors: dict[str, str] = {}
    if ends_at <= starts_at:
        errors["ends_at"] = PERIOD
    if not how_to_object.strip():
        errors["how_to_object"] = HOW_REQUIRED
    if errors:
        raise ValidationError(errors)
    pin = locked.campaign_rubric
    notice = Notice(
        approval=locked,
        title=(title.strip() or f"{pin.campaign.title}{pin.version.title}候选名单公示")[:200],
        starts_at=starts_at,
        ends_at=ends_at,
        how_to_object=how_to_object.strip(),
        published_by=actor,
        published_at=timezone.now(),
    )
    notice._history_user = actor
    notice.full_clean(exclude=["approval", "published_by"])
    notice.save()
    return notice


def public_rows(notice: Notice) -> tuple[list[PublicRow], int]:
    """The published candidates still on the list, and how many an upheld objection removed.

    Reads the frozen approval entries (selected ones only: never an unselected or unpublished
    candidate), in two queries."""
    removed = set(
        Objection.objects.filter(notice=notice, status=ObjectionStatus.UPHELD).values_list(
            "entry_id", flat=True
        )
    )
    entries = (
        ApprovalEntry.objects.filter(approval_id=notice.approval_id, selected=True)
        .select_related("candidate__unit", "candidate__officer__unit")
        .order_by("position")
    )
    rows = []
    for entry in entries:
        if entry.pk in removed:
            continue
        name, unit = candidate_label(entry.candidate)
        # A unit's row names the unit in both columns (the objection form labels it so).
        rows.append(PublicRow(entry.pk, len(rows) + 1, name, unit or name, entry.total))
    return rows, len(removed)


def candidate_label(candidate: Any) -> tuple[str, str]:
    """(name, unit) of a candidate whose unit / officer__unit are loaded; unit "" for a unit."""
    if candidate.officer_id:
        return candidate.officer.name, candidate.officer.unit.name
    return candidate.unit.name, ""
