"""The claim lifecycle: one transition function (STYLE.md #3).

    draft ──submit──▶ submitted ──accept──▶ accepted
                        │   ▲   ──adjust──▶ adjusted
                        │   └──resubmit── returned
                        └──return──────────▲

Every move is a version-checked UPDATE (`WHERE pk = … AND version = n` → `version = n + 1`):
zero rows means someone else changed the claim meanwhile, and the move is refused with the
current state — `select_for_update` would not lock anything on SQLite. Accepting and
adjusting record the verified values as facts (`scoring.services.record_facts`, which queues
the re-scoring) in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.enums import PhaseKind
from campaigns.phases import is_open
from scoring.enums import FactSource
from scoring.services.facts import FactEntry, record_facts
from submissions import access
from submissions.enums import ClaimStatus
from submissions.models import Claim, ClaimEvidence
from submissions.selectors import CandidateForm, candidate_form
from submissions.services.errors import (
    DOUBLE_SUBMIT_MESSAGE,
    EVIDENCE_CHANGED_MESSAGE,
    STALE_MESSAGE,
    ClaimConflict,
)

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class Edge:
    name: str
    label: str
    review: bool  # a reviewer's move (else the unit's)


S = ClaimStatus
EDGES: dict[tuple[str, str], Edge] = {
    (S.DRAFT, S.SUBMITTED): Edge("submit", "提交", review=False),
    (S.RETURNED, S.SUBMITTED): Edge("resubmit", "重新提交", review=False),
    (S.SUBMITTED, S.ACCEPTED): Edge("accept", "认定", review=True),
    (S.SUBMITTED, S.ADJUSTED): Edge("adjust", "调整", review=True),
    (S.SUBMITTED, S.RETURNED): Edge("return", "退回", review=True),
}


REVIEW_TARGETS = frozenset(to for (_frm, to), edge in EDGES.items() if edge.review)


def allowed_targets(status: str) -> list[str]:
    return [to for (frm, to) in EDGES if frm == status]


def fact_source_ref(claim: Claim) -> str:
    return f"claim:{claim.pk}"


def evidence_state(claim: Claim) -> str:
    """A fingerprint of the claim's evidence as a reviewer sees it: links, files and their
    versions (a withdrawal bumps the file's version). A review posts the state it was shown;
    if it changed meanwhile, the review is refused rather than accepting unseen evidence."""
    cached = getattr(claim, "_prefetched_objects_cache", {}).get("evidence_links")
    if cached is not None:
        rows = [(x.pk, x.file_id, x.file.version, x.detached_at is not None) for x in cached]
    else:
        rows = [
            (pk, file_id, version, detached is not None)
            for pk, file_id, version, detached in ClaimEvidence.objects.filter(
                claim_id=claim.pk
            ).values_list("pk", "file_id", "file__version", "detached_at")
        ]
    return ",".join(f"{a}:{b}:{c}:{int(d)}" for a, b, c, d in sorted(rows))


def _review_open(claim: Claim) -> bool:
    return is_open(claim.campaign, PhaseKind.SELF_ASSESSMENT) or is_open(
        claim.campaign, PhaseKind.REVIEW
    )


def check_phase(claim: Claim, edge: Edge) -> None:
    """The server-side phase rule of each move."""
    if edge.name == "submit":
        if not is_open(claim.campaign, PhaseKind.SELF_ASSESSMENT):
            raise ValidationError(_("自评推选阶段未开放或已截止，不能提交。"))
    elif edge.name == "resubmit":
        if not _review_open(claim):
            raise ValidationError(_("复审阶段已结束，退回的条目不能再提交。"))
    elif not _review_open(claim):
        raise ValidationError(_("当前不在自评或复审阶段，不能复核。"))


def check_may_review(actor: User, claim: Claim) -> None:
    access.check_claim(actor, claim, review=True)
    if access.reviews_own_unit(actor, claim):
        raise PermissionDenied(_("不能复核本单位的申报，请由其他评审员复核。"))


def _current(claim: Claim) -> Claim:
    return Claim.objects.select_related(
        "campaign",
        "candidate__campaign_rubric__version",
        "candidate__unit",
        "candidate__officer",
        "owner_unit",
    ).get(pk=claim.pk)


def record_history(claim: Claim, *, actor: User | None, reason: str) -> None:
    """A history row for a change made by a version-checked UPDATE (which sends no signal)."""
    claim._history_user = actor  # type: ignore[attr-defined]
    Claim.history.bulk_history_create(
        [claim], update=True, default_user=actor, default_change_reason=reason[:100]
    )


def versioned_update(
    claim: Claim,
    *,
    expected_version: int,
    statuses: list[str],
    actor: User | None,
    reason: str,
    **changes: Any,
) -> Claim:
    """Apply `changes` if the claim is still at `expected_version` and in `statuses`; else
    raise ClaimConflict with the claim as it is now. Returns the fresh claim."""
    updated = Claim.objects.filter(
        pk=claim.pk, version=expected_version, status__in=statuses
    ).update(**changes, version=expected_version + 1, updated_at=timezone.now())
    fresh = _current(claim)
    if updated == 0:
        raise ClaimConflict(STALE_MESSAGE, current=fresh)
    record_history(fresh, actor=actor, reason=reason)
    return fresh


def _verified_points(
    claim: Claim, values: Mapping[str, Any], form: CandidateForm | None = None
) -> Decimal:
    from submissions.services.claims import points_for

    return points_for(claim.candidate, item_id=claim.item_id, values=values, form=form)


def _checked_values(claim: Claim, values: Any, form: CandidateForm | None = None) -> dict[str, Any]:
    from submissions.services.claims import clean_values

    if not values:
        raise ValidationError({"values": _("调整须填写认定的取值。")})
    return clean_values(claim.candidate, item_id=claim.item_id, values=values, form=form)


def _record(claim: Claim, values: Mapping[str, Any], actor: User) -> None:
    subject = claim.candidate.unit if claim.candidate.unit_id else claim.candidate.officer
    entries = [
        FactEntry(subject=subject, key=key, value=value, source_ref=fact_source_ref(claim))
        for key, value in values.items()
    ]
    record_facts(
        campaign=claim.campaign,
        entries=entries,
        source=FactSource.SELF_ASSESSMENT_REVIEW,
        actor=actor,
    )


@transaction.atomic
def transition(
    *, claim: Claim, to: str, actor: User, expected_version: int, **details: Any
) -> Claim:
    """Move `claim` to state `to`. The only way a claim's status changes.

    details: `comment` (required to adjust or return), `values` (the verified values to
    adjust to: fact key -> value), `evidence_checked` (bool, a reviewer's tick),
    `evidence_state` (what `evidence_state()` was when the reviewer loaded the claim).
    Raises Http404 / PermissionDenied (access), ValidationError (edge, phase, input) or
    ClaimConflict (stale version, double submit). Returns the claim as stored now."""
    current = _current(claim)
    if to in REVIEW_TARGETS:
        check_may_review(actor, current)
    else:
        access.check_claim(actor, current, write=True)
    if current.status == to:
        message = (
            DOUBLE_SUBMIT_MESSAGE
            if to == S.SUBMITTED
            else _("该条目已是“%(status)s”状态，请勿重复操作。")
            % {"status": current.get_status_display()}
        )
        raise ClaimConflict(message, current=current)
    edge = EDGES.get((current.status, to))
    if edge is None:
        raise ValidationError(
            _("不能把“%(old)s”的条目改为“%(new)s”。")
            % {"old": current.get_status_display(), "new": ClaimStatus(to).label}
        )
    if current.version != expected_version:
        raise ClaimConflict(STALE_MESSAGE, current=current)
    check_phase(current, edge)
    shown = details.get("evidence_state")
    if edge.review and shown is not None and shown != evidence_state(current):
        raise ClaimConflict(EVIDENCE_CHANGED_MESSAGE, current=current)

    now = timezone.now()
    comment = str(details.get("comment") or "").strip()
    changes: dict[str, Any] = {"status": to}
    if edge.name in ("submit", "resubmit"):
        if not current.values:
            raise ValidationError(_("请先填写申报内容再提交。"))
        changes.update(submitted_at=now, submitted_by=actor)
    else:
        changes.update(
            reviewed_at=now,
            reviewed_by=actor,
            review_comment=comment,
            evidence_checked=bool(details.get("evidence_checked")),
        )
        if edge.name == "accept":
            changes.update(
                verified_values=current.values,
                verified_points=_verified_points(current, current.values),
            )
        elif edge.name == "adjust":
            if not comment:
                raise ValidationError({"comment": _("调整须说明理由。")})
            form = candidate_form(current.candidate)  # read once: a pool rubric reads the pool
            values = _checked_values(current, details.get("values"), form)
            changes.update(
                verified_values=values, verified_points=_verified_points(current, values, form)
            )
        elif edge.name == "return":
            if not comment:
                raise ValidationError({"comment": _("退回须填写说明，告知单位如何修改。")})
            changes.update(verified_values=None, verified_points=None)
    reason = f"{edge.label}" + (f"：{comment}" if comment else "")
    fresh = versioned_update(
        current,
        expected_version=expected_version,
        statuses=[current.status],
        actor=actor,
        reason=reason,
        **changes,
    )
    if edge.name in ("accept", "adjust"):
        _record(fresh, fresh.verified_values, actor)
    return fresh


def bulk_accept(
    *,
    claims: list[Claim],
    evidence_checked: set[int],
    actor: User,
    shown: Mapping[int, tuple[int, str]] | None = None,
) -> tuple[list[Claim], list[tuple[Claim, str]]]:
    """Accept each selected claim whose evidence the reviewer ticked; one transaction each,
    so one refusal does not undo the others. `shown`: claim id -> (version, evidence state)
    as the queue showed them. Returns (accepted, [(claim, reason) refused])."""
    accepted: list[Claim] = []
    refused: list[tuple[Claim, str]] = []
    for claim in claims:
        if claim.pk not in evidence_checked:
            refused.append((claim, _("未勾选“佐证已核对”，未批量认定。")))
            continue
        try:
            version, state = (shown or {}).get(claim.pk, (claim.version, None))
            accepted.append(
                transition(
                    claim=claim,
                    to=S.ACCEPTED,
                    actor=actor,
                    expected_version=version,
                    evidence_checked=True,
                    evidence_state=state,
                )
            )
        except (ValidationError, PermissionDenied) as exc:
            refused.append((claim, " ".join(getattr(exc, "messages", [str(exc)]))))
    return accepted, refused
