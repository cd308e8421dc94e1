"""Reads of the submissions app that take more than one query (STYLE.md: selectors)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scoring.engine.model import Rubric
from scoring.enums import RubricSubject
from scoring.models import Candidate
from scoring.services.evaluation import load_campaign_facts, pool_facts
from scoring.services.facts import facts_of
from scoring.services.rubrics import needs_pool, rubric_of
from submissions.enums import ClaimStatus
from submissions.models import Claim
from submissions.rubric import ItemSpec, Section, sections


@dataclass
class CandidateForm:
    """What the self-assessment page and the services need to know about one candidate."""

    candidate: Candidate
    rubric: Rubric
    sections: list[Section]
    specs: dict[str, ItemSpec]
    base_facts: dict[str, Any]
    # The other active candidates of the pool with their recorded (verified) facts, for rules
    # that rank or compare with the best; empty when no rule of the rubric looks at the pool.
    others: dict[str, Mapping[str, Any]] = field(default_factory=dict)

    @property
    def subject(self) -> Any:
        return self.candidate.unit if self.candidate.unit_id else self.candidate.officer


def pool_others(
    candidate: Candidate, rubric: Rubric, campaign_wide: Mapping[str, Any]
) -> dict[str, Mapping[str, Any]]:
    """The other active candidates of the candidate's pool (pool id -> recorded facts, over the
    campaign-wide ones, as `scoring.services.evaluation` sees them). Two queries, whatever the
    size of the pool: the candidates, then the facts through scoring's own reader."""
    pin = candidate.campaign_rubric
    column = "unit_id" if rubric.subject == RubricSubject.COLLECTIVE else "officer_id"
    rows = list(
        Candidate.objects.filter(campaign_rubric_id=pin.pk, is_active=True)
        .exclude(pk=candidate.pk)
        .order_by()
        .values_list("pk", column)
    )
    if not rows:
        return {}
    return pool_facts(
        campaign=pin.campaign, rubric=rubric, members=rows, campaign_facts=campaign_wide
    )


def candidate_form(candidate: Candidate) -> CandidateForm:
    """The rubric rows of a candidate and the facts already recorded for it (two queries; two
    more when a rule of the rubric looks at the whole pool)."""
    pin = candidate.campaign_rubric
    rubric = rubric_of(pin.version)
    campaign_wide = load_campaign_facts(campaign=pin.campaign)
    subject = candidate.unit if candidate.unit_id else candidate.officer
    own = facts_of(campaign=pin.campaign, subject=subject)
    found = sections(rubric, exclude=campaign_wide.keys() - own.keys())
    specs = {spec.id: spec for section in found for spec in section.items}
    return CandidateForm(
        candidate=candidate,
        rubric=rubric,
        sections=found,
        specs=specs,
        base_facts={**campaign_wide, **own},
        others=pool_others(candidate, rubric, campaign_wide) if needs_pool(rubric) else {},
    )


def claims_of(candidate: Candidate) -> dict[str, Claim]:
    """The candidate's claims by item id, with their current evidence links."""
    queryset = Claim.objects.filter(candidate=candidate)
    queryset = _with_evidence(queryset)
    return {claim.item_id: claim for claim in queryset}


def _with_evidence(queryset: QuerySet[Claim]) -> QuerySet[Claim]:
    try:
        from submissions.models import ClaimEvidence
    except ImportError:  # the evidence link arrives with the evidence app
        return queryset
    links = ClaimEvidence.objects.select_related("file").order_by("attached_at", "pk")
    return queryset.prefetch_related(Prefetch("evidence_links", queryset=links))


def claimed_values(claims: dict[str, Claim]) -> dict[str, Any]:
    """Every fact value the candidate's claims state (later items win on a shared fact)."""
    merged: dict[str, Any] = {}
    for claim in claims.values():
        merged.update(claim.values)
    return merged


def review_queue(
    *,
    claims: QuerySet[Claim],
    campaign_id: int | None = None,
    unit_id: int | None = None,
    indicator_id: str = "",
    status: str = "",
) -> QuerySet[Claim]:
    """Claims for the reviewer queue, filtered; a constant number of queries for any length."""
    queryset = claims.select_related(
        "campaign",
        "owner_unit",
        "candidate__unit",
        "candidate__officer",
        "candidate__campaign_rubric__version",
    )
    if campaign_id:
        queryset = queryset.filter(campaign_id=campaign_id)
    if unit_id:
        queryset = queryset.filter(owner_unit_id=unit_id)
    if indicator_id:
        queryset = queryset.filter(indicator_id=indicator_id)
    if status:
        queryset = queryset.filter(status=status)
    return _with_evidence(queryset).order_by("submitted_at", "pk")


HISTORY_FIELDS = {
    "status": gettext_lazy("状态"),
    "values": gettext_lazy("申报取值"),
    "claimed_points": gettext_lazy("申报得分"),
    "verified_values": gettext_lazy("认定取值"),
    "verified_points": gettext_lazy("认定得分"),
    "review_comment": gettext_lazy("复核意见"),
    "evidence_checked": gettext_lazy("佐证已核对"),
}


@dataclass
class HistoryEntry:
    when: Any
    who: Any
    reason: str
    changes: list[tuple[str, Any, Any]]


def _shown(field_name: str, value: Any) -> Any:
    if field_name == "status" and value in ClaimStatus.values:
        return ClaimStatus(value).label
    if field_name == "evidence_checked":
        return _("是") if value else _("否")
    return value


def claim_history(claim: Claim, *, limit: int = 30) -> list[HistoryEntry]:
    """The claim's history, newest first, each entry with its changed fields (old → new)."""
    records = list(
        claim.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, included_fields=list(HISTORY_FIELDS))
            changes = [
                (HISTORY_FIELDS[c.field], _shown(c.field, c.old), _shown(c.field, c.new))
                for c in delta.changes
            ]
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user,
                reason=record.history_change_reason or (_("创建") if previous is None else ""),
                changes=changes,
            )
        )
    return entries
