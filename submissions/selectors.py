"""Reads of the submissions app that take more than one query (STYLE.md: selectors)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from scoring.engine.model import Rubric
from scoring.models import Candidate
from scoring.services.evaluation import load_campaign_facts
from scoring.services.facts import facts_of
from scoring.services.rubrics import rubric_of
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

    @property
    def subject(self) -> Any:
        return self.candidate.unit if self.candidate.unit_id else self.candidate.officer


def candidate_form(candidate: Candidate) -> CandidateForm:
    """The rubric rows of a candidate and the facts already recorded for it (two queries)."""
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
    "status": "状态",
    "values": "申报取值",
    "claimed_points": "申报得分",
    "verified_values": "认定取值",
    "verified_points": "认定得分",
    "review_comment": "复核意见",
    "evidence_checked": "佐证已核对",
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
        return "是" if value else "否"
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
                reason=record.history_change_reason or ("创建" if previous is None else ""),
                changes=changes,
            )
        )
    return entries
