"""Filling claims: saving a row's values (draft), the engine's preview of claimed points."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.enums import PhaseKind
from campaigns.phases import is_open
from scoring.engine.facts import coercer
from scoring.services.facts import to_json
from submissions import access
from submissions.enums import EDITABLE_STATUSES, ClaimStatus
from submissions.models import Claim
from submissions.rubric import preview
from submissions.selectors import CandidateForm, candidate_form, claimed_values, claims_of
from submissions.services.errors import STALE_MESSAGE, ClaimConflict
from submissions.services.workflow import _current, versioned_update

if TYPE_CHECKING:
    from accounts.models import User
    from scoring.models import Candidate

LOCKED_MESSAGE = gettext_lazy("该条目已提交，不能修改；如需更改，请等待复核退回。")


def clean_values(
    candidate: Candidate,
    *,
    item_id: str,
    values: Mapping[str, Any],
    form: CandidateForm | None = None,
) -> dict[str, Any]:
    """`values` checked against the facts the item reads: JSON-ready (decimals as strings),
    blanks dropped; ValidationError naming the fact otherwise."""
    form = form or candidate_form(candidate)
    spec = form.specs.get(item_id)
    if spec is None:
        raise ValidationError({"item": _("评分细则中没有评分项“%(item)s”。") % {"item": item_id}})
    facts = dict(spec.facts)
    unknown = sorted(set(values) - set(facts))
    if unknown:
        raise ValidationError(
            {"values": _("该评分项不读取这些事实：%(names)s") % {"names": ", ".join(unknown)}}
        )
    cleaned: dict[str, Any] = {}
    for key, value in values.items():
        if value is None or value == "":
            continue
        try:
            cleaned[key] = to_json(coercer(facts[key])(value))
        except (ValueError, TypeError) as exc:
            raise ValidationError(
                {key: _("%(label)s：%(problem)s") % {"label": facts[key].label, "problem": exc}}
            ) from None
    return cleaned


def points_for(
    candidate: Candidate,
    *,
    item_id: str,
    values: Mapping[str, Any],
    form: CandidateForm | None = None,
    claims: dict[str, Claim] | None = None,
) -> Decimal:
    """The item's points by the engine if its facts had `values` (others as claimed)."""
    form = form or candidate_form(candidate)
    claims = claims_of(candidate) if claims is None else claims
    result = preview(
        form.rubric,
        base_facts=form.base_facts,
        claimed={**claimed_values(claims), **values},
        others=form.others,
    )
    found = result.get(item_id)
    return found.points if found else Decimal(0)


def preview_points(
    candidate: Candidate, *, values_by_item: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """Claimed points of every item with the page's current inputs. Writes nothing."""
    form = candidate_form(candidate)
    claimed = claimed_values(claims_of(candidate))
    for values in values_by_item.values():
        claimed.update(values)
    return preview(form.rubric, base_facts=form.base_facts, claimed=claimed, others=form.others)


def check_may_edit(claim_status: str | None, candidate: Candidate) -> None:
    """Phase rule for changing values: drafts (and new claims) while self-assessment is open,
    returned claims until the review phase ends; submitted and reviewed claims never."""
    campaign = candidate.campaign_rubric.campaign
    if claim_status is not None and claim_status not in EDITABLE_STATUSES:
        raise ValidationError(LOCKED_MESSAGE)
    if claim_status == ClaimStatus.RETURNED:
        if not (
            is_open(campaign, PhaseKind.SELF_ASSESSMENT) or is_open(campaign, PhaseKind.REVIEW)
        ):
            raise ValidationError(_("复审阶段已结束，退回的条目不能再修改。"))
    elif not is_open(campaign, PhaseKind.SELF_ASSESSMENT):
        raise ValidationError(_("自评推选阶段未开放或已截止，不能填写。"))


@transaction.atomic
def save_claim(
    *,
    candidate: Candidate,
    item_id: str,
    values: Mapping[str, Any],
    actor: User,
    expected_version: int,
    form: CandidateForm | None = None,
) -> Claim:
    """Create or change the draft claim of one item (`expected_version` 0: a new claim).

    Refused: outsiders (404), read-only roles and reviewers (403), a submitted or reviewed
    claim, a closed phase, a stale version (ClaimConflict with the current claim). Saving the
    same values again changes nothing."""
    access.check_candidate(actor, candidate, write=True)
    form = form or candidate_form(candidate)
    cleaned = clean_values(candidate, item_id=item_id, values=values, form=form)
    existing = Claim.objects.filter(candidate=candidate, item_id=item_id).first()
    check_may_edit(existing.status if existing else None, candidate)
    if existing is not None and existing.version != expected_version:
        raise ClaimConflict(STALE_MESSAGE, current=_current(existing))
    if existing is None and expected_version:
        raise ClaimConflict(STALE_MESSAGE, current=None)
    claims = claims_of(candidate)
    points = points_for(candidate, item_id=item_id, values=cleaned, form=form, claims=claims)
    if existing is None:
        spec = form.specs[item_id]
        claim = Claim(
            candidate=candidate,
            campaign=candidate.campaign_rubric.campaign,
            owner_unit_id=candidate.home_unit_id,
            item_id=item_id,
            indicator_id=spec.indicator_id,
            values=cleaned,
            claimed_points=points,
        )
        claim._history_user = actor  # type: ignore[attr-defined]
        try:
            with transaction.atomic():  # savepoint: a concurrent first save of the same row wins
                claim.save()
        except IntegrityError:
            current = Claim.objects.get(candidate=candidate, item_id=item_id)
            raise ClaimConflict(STALE_MESSAGE, current=_current(current)) from None
        return claim
    if existing.values == cleaned and existing.claimed_points == points:
        return existing
    return versioned_update(
        existing,
        expected_version=expected_version,
        statuses=list(EDITABLE_STATUSES),
        actor=actor,
        reason="保存草稿",
        values=cleaned,
        claimed_points=points,
    )
