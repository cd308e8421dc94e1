"""Read paths of the progress dashboard, each a fixed number of queries whatever the number of
units: per-unit counts come from one grouped query each (values + annotate), never a query per
unit. The reminders (`notifications.services`) read the same rows to decide who is unfinished.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, F, Max, Q
from django.db.models.functions import Floor

from campaigns.models import Campaign, OrgUnit, Participation
from cases.enums import AssignmentStatus
from cases.models import Assignment, SampledFile
from scoring.enums import RubricSubject
from scoring.models import CampaignRubric, Candidate, ScoreSnapshot
from scoring.services.evaluation import load_campaign_facts
from scoring.services.rubrics import rubric_of
from submissions.enums import REVIEWED_STATUSES, ClaimStatus
from submissions.models import Claim
from submissions.rubric import item_specs
from submissions.services.reports import Late, late_reports

# Submitted means "out of the unit's hands": waiting for review or reviewed.
SUBMITTED_STATUSES = frozenset({ClaimStatus.SUBMITTED, *REVIEWED_STATUSES})
RANKING_TOP = 10  # the dashboard shows the head of each ranking and links to the full page
HISTOGRAM_BINS = 10


def share(part: int, whole: int) -> int:
    """Whole percent, 0 when there is nothing to do (never more than 100)."""
    if whole <= 0:
        return 0
    return min(100, round(100 * part / whole))


@dataclass
class UnitProgress:
    unit: OrgUnit
    expected: int = 0  # claimable items of the unit's active candidates
    claimed: int = 0
    with_evidence: int = 0
    submitted: int = 0
    reviewed: int = 0
    draft: int = 0
    returned: int = 0
    cases_sampled: int = 0
    cases_done: int = 0
    late: list[Late] = field(default_factory=list)

    @property
    def claimed_pct(self) -> int:
        return share(self.claimed, self.expected)

    @property
    def evidence_pct(self) -> int:
        return share(self.with_evidence, self.expected)

    @property
    def submitted_pct(self) -> int:
        return share(self.submitted, self.expected)

    @property
    def reviewed_pct(self) -> int:
        return share(self.reviewed, self.expected)

    @property
    def cases_pct(self) -> int:
        return share(self.cases_done, self.cases_sampled)

    @property
    def late_count(self) -> int:
        return len(self.late)

    @property
    def unsubmitted(self) -> int:
        """Claims the unit still has to send: drafts and returned ones."""
        return self.draft + self.returned


def expected_items(campaign: Campaign) -> dict[int, int]:
    """Claimable items per pinned rubric (pin id → count): items reading at least one fact a
    unit can state (campaign-wide facts such as a provincial average are nobody's to claim).
    Two queries; the rubric parse is cached per process."""
    campaign_wide = load_campaign_facts(campaign=campaign).keys()
    result = {}
    for pin in CampaignRubric.objects.filter(campaign=campaign).select_related("version"):
        specs = item_specs(rubric_of(pin.version), exclude=campaign_wide)
        result[pin.pk] = sum(1 for spec in specs.values() if spec.facts)
    return result


def unit_progress(
    campaign: Campaign,
    *,
    unit_ids: Collection[int] | None = None,
    today: dt.date | None = None,
) -> list[UnitProgress]:
    """One row per participating unit (only `unit_ids` when given), in the unit order.

    Queries: participations 1, expected items 2, candidates 1, claims 1, evidence 1, case
    files 1, late reports 3 (submissions.services.reports.late_reports, given these units) —
    10 in all."""
    participations = Participation.objects.filter(campaign=campaign).select_related("unit")
    if unit_ids is not None:
        participations = participations.filter(unit_id__in=unit_ids)
    rows = {
        p.unit_id: UnitProgress(unit=p.unit)
        for p in participations.order_by("unit__sort_order", "unit__code")
    }
    if not rows:
        return []
    ids = list(rows)
    per_pin = expected_items(campaign)
    candidates = (
        Candidate.objects.filter(
            campaign_rubric__campaign=campaign, is_active=True, home_unit_id__in=ids
        )
        .values("home_unit_id", "campaign_rubric_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in candidates:
        rows[row["home_unit_id"]].expected += row["n"] * per_pin.get(row["campaign_rubric_id"], 0)

    claims = Claim.objects.filter(
        campaign=campaign, owner_unit_id__in=ids, candidate__is_active=True
    )
    for row in claims.values("owner_unit_id", "status").annotate(n=Count("pk")).order_by():
        progress = rows[row["owner_unit_id"]]
        progress.claimed += row["n"]
        if row["status"] in SUBMITTED_STATUSES:
            progress.submitted += row["n"]
        if row["status"] in REVIEWED_STATUSES:
            progress.reviewed += row["n"]
        if row["status"] == ClaimStatus.DRAFT:
            progress.draft += row["n"]
        if row["status"] == ClaimStatus.RETURNED:
            progress.returned += row["n"]
    with_evidence = (
        claims.filter(evidence_links__detached_at__isnull=True, evidence_links__isnull=False)
        .values("owner_unit_id")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    for row in with_evidence:
        rows[row["owner_unit_id"]].with_evidence = row["n"]

    # A redrawn slot's old draw stays on record; only draws nobody replaced count.
    sampled = (
        SampledFile.objects.filter(
            draw__campaign=campaign, draw__replaced_by__isnull=True, case_file__unit_id__in=ids
        )
        .values("case_file__unit_id")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(final_score__isnull=False)))
        .order_by()
    )
    for row in sampled:
        progress = rows[row["case_file__unit_id"]]
        progress.cases_sampled = row["n"]
        progress.cases_done = row["done"]

    units = [row.unit for row in rows.values()]
    for late in late_reports(campaign=campaign, today=today, units=units):
        rows[late.unit.pk].late.append(late)
    return list(rows.values())


# --- reviewers -----------------------------------------------------------------------------


@dataclass
class ReviewQueue:
    awaiting: int = 0  # claims submitted, waiting for a reviewer
    reviewed: int = 0
    assignments_active: int = 0  # this reviewer's case files to score
    assignments_done: int = 0

    @property
    def claims_pct(self) -> int:
        return share(self.reviewed, self.reviewed + self.awaiting)

    @property
    def is_empty(self) -> bool:
        return not (self.awaiting or self.assignments_active)


def review_queues(campaign: Campaign, *, reviewer_ids: Collection[int]) -> dict[int, ReviewQueue]:
    """Per reviewer: the shared claim queue of the campaign and their own case-file
    assignments. Two queries whatever the number of reviewers."""
    shared = ReviewQueue()
    for row in (
        Claim.objects.filter(campaign=campaign, candidate__is_active=True)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        if row["status"] == ClaimStatus.SUBMITTED:
            shared.awaiting += row["n"]
        elif row["status"] in REVIEWED_STATUSES:
            shared.reviewed += row["n"]
    queues = {rid: ReviewQueue(shared.awaiting, shared.reviewed) for rid in reviewer_ids}
    assignments = (
        Assignment.objects.filter(
            reviewer_id__in=list(reviewer_ids), sampled__draw__campaign=campaign
        )
        .values("reviewer_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in assignments:
        queue = queues[row["reviewer_id"]]
        if row["status"] == AssignmentStatus.ACTIVE:
            queue.assignments_active += row["n"]
        elif row["status"] == AssignmentStatus.SUBMITTED:
            queue.assignments_done += row["n"]
    return queues


# --- scores --------------------------------------------------------------------------------


@dataclass
class PinScores:
    """What the dashboard shows of one pinned rubric: the head of the ranking, the total's
    distribution, and (collective or individual) indicator averages per unit."""

    pin: CampaignRubric
    title: str
    max: Decimal
    top: list[ScoreSnapshot]
    bins: list[tuple[Decimal, Decimal, int]]
    indicators: list[tuple[str, str, Decimal | None]]  # id, title, max
    averages: dict[int, dict[str, Decimal | None]]  # home unit id → indicator id → mean


def pins_of(campaign: Campaign) -> list[CampaignRubric]:
    return list(
        CampaignRubric.objects.filter(campaign=campaign)
        .select_related("version")
        .order_by("version__subject", "rubric_key")
    )


def histogram(pin: CampaignRubric, maximum: Decimal) -> list[tuple[Decimal, Decimal, int]]:
    """Current totals of ranked and unranked candidates in HISTOGRAM_BINS equal bins from 0
    to the rubric's maximum (the top bin includes the maximum; bonus points above it land
    there too). One grouped query."""
    width = maximum / HISTOGRAM_BINS if maximum > 0 else Decimal(1)
    counts = dict(
        ScoreSnapshot.objects.filter(campaign_rubric=pin, is_current=True)
        .annotate(bucket=Floor(F("total") / width))
        .values("bucket")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("bucket", "n")
    )
    bins = [0] * HISTOGRAM_BINS
    for bucket, n in counts.items():
        index = min(max(int(bucket or 0), 0), HISTOGRAM_BINS - 1)
        bins[index] += n
    return [(width * i, width * (i + 1), n) for i, n in enumerate(bins)]


def indicator_averages(
    pin: CampaignRubric, node_ids: list[str], unit_ids: Collection[int]
) -> dict[int, dict[str, Decimal | None]]:
    """Mean points of each indicator per home unit over current snapshots. One query."""
    if not node_ids:
        return {}
    rows = (
        ScoreSnapshot.objects.filter(
            campaign_rubric=pin, is_current=True, candidate__home_unit_id__in=list(unit_ids)
        )
        .with_node_points(*node_ids)
        .values("candidate__home_unit_id")
        .annotate(**{f"avg_{i}": Avg(f"points_{node}") for i, node in enumerate(node_ids)})
        .order_by()
    )
    return {
        row["candidate__home_unit_id"]: {node: row[f"avg_{i}"] for i, node in enumerate(node_ids)}
        for row in rows
    }


def pin_scores(campaign: Campaign, *, unit_ids: Collection[int]) -> list[PinScores]:
    """Per pinned rubric: 1 query for the pins, then 3 per pin (ranking head, histogram,
    averages) — independent of the number of units and candidates."""
    found = []
    for pin in pins_of(campaign):
        rubric = rubric_of(pin.version)
        indicators = [(n.id, n.title, n.max) for n in rubric.indicators]
        found.append(
            PinScores(
                pin=pin,
                title=rubric.title,
                max=Decimal(rubric.max),
                top=list(ScoreSnapshot.objects.ranking(pin)[:RANKING_TOP]),
                bins=histogram(pin, Decimal(rubric.max)),
                indicators=indicators,
                averages=indicator_averages(pin, [i[0] for i in indicators], unit_ids),
            )
        )
    return found


@dataclass
class YearTotals:
    years: list[int]
    units: list[OrgUnit]
    totals: dict[int, dict[int, Decimal]]  # unit id → year → total


def year_over_year(campaign: Campaign, units: list[OrgUnit]) -> YearTotals:
    """Collective totals of the campaign's units in this and earlier campaigns of the same
    issuing bureau (current snapshots; the best total when a year has several collective
    rubrics). Only units with a total in at least two years are kept. One query."""
    unit_ids = [u.pk for u in units]
    rows = (
        ScoreSnapshot.objects.filter(
            is_current=True,
            rubric_version__subject=RubricSubject.COLLECTIVE,
            campaign_rubric__campaign__issuing_unit_id=campaign.issuing_unit_id,
            campaign_rubric__campaign__year__lte=campaign.year,
            candidate__unit_id__in=unit_ids,
        )
        .values("candidate__unit_id", "campaign_rubric__campaign__year")
        .annotate(best=Max("total"))
        .order_by()
    )
    totals: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for row in rows:
        totals[row["candidate__unit_id"]][row["campaign_rubric__campaign__year"]] = row["best"]
    kept = {uid: by_year for uid, by_year in totals.items() if len(by_year) >= 2}
    years = sorted({year for by_year in kept.values() for year in by_year})
    return YearTotals(years=years, units=[u for u in units if u.pk in kept], totals=dict(kept))
