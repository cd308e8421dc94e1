"""Read paths of the scoring pages: the ranking of a pinned rubric, a candidate's score sheet
with the facts behind it, and the what-if evaluation (engine in memory, nothing written).

Every function here costs a fixed number of queries, whatever the number of candidates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, QuerySet
from django.db.models.fields.json import KT

from campaigns.models import OrgUnit
from scoring.engine import evaluate
from scoring.engine.facts import FactInfo, coercer
from scoring.engine.model import Item
from scoring.enums import RubricSubject
from scoring.models import CampaignRubric, Candidate, EvaluationRun, Fact, ScoreSnapshot
from scoring.services.evaluation import (
    RankEntry,
    assign_ranks,
    expand_breakdown,
    pool_facts,
    quantize,
)
from scoring.services.rubrics import needs_pool, rubric_of

if TYPE_CHECKING:
    from scoring.engine.model import Rubric
    from scoring.engine.results import CandidateResult
    from scoring.services.evaluation import NodeLine

RANKING_PAGE_SIZE = 100
EXCLUDED_LIMIT = 200  # excluded candidates listed under the ranking; a count says if more
# Above this many candidates, a what-if for a rubric whose rules never look at the pool scores
# the one candidate and ranks it against the current snapshots' totals, instead of reading
# every candidate's facts (an 80,000-officer pool would take tens of seconds per request).
WHATIF_FULL_POOL_LIMIT = 5_000

DEFAULT_SORT = "rank"


# --- ranking -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    """A level-1 indicator shown as a column of the ranking."""

    id: str
    title: str
    max: Decimal | None
    bonus: bool


@dataclass(slots=True)
class RankingRow:
    snapshot: ScoreSnapshot
    points: list[Decimal | None]
    tied: bool = False

    @property
    def candidate(self) -> Candidate:
        return self.snapshot.candidate

    @property
    def reasons(self) -> list[str]:
        return [*self.snapshot.veto_reasons, *self.snapshot.ineligible_reasons]


@dataclass(slots=True)
class Ranking:
    pin: CampaignRubric
    rubric: Rubric
    columns: list[Column]
    sort: str
    sort_keys: frozenset[str]
    page: Page
    rows: list[RankingRow]
    excluded: list[RankingRow]
    excluded_more: int
    units: list[OrgUnit]
    unit_id: int | None
    show_ranks: bool
    last_run: EvaluationRun | None
    has_bonus: bool  # the rubric has bonus parts (附加项): show the bonus column


def ranking_columns(rubric: Rubric) -> list[Column]:
    """Every level-1 indicator, bonus ones last (their points also make up the bonus)."""
    columns = [Column(n.id, n.title, n.max, n.bonus) for n in rubric.indicators]
    return [c for c in columns if not c.bonus] + [c for c in columns if c.bonus]


def sort_keys(columns: list[Column], *, show_ranks: bool) -> frozenset[str]:
    keys = {"total", "bonus", *(c.id for c in columns)}
    if show_ranks:
        keys.add("rank")
    return frozenset(keys)


def parse_sort(value: str | None, keys: frozenset[str], *, show_ranks: bool) -> str:
    """`?sort=`: a key (ascending) or `-key` (descending); anything else gives the default."""
    default = DEFAULT_SORT if show_ranks else "-total"
    if not value:
        return default
    return value if value.lstrip("-") in keys else default


def _order_by(sort: str) -> list[Any]:
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    # Ties within a sort keep the ranking's own order, then the candidate id: stable pages.
    tail = [F("rank").asc(nulls_last=True), "-total", "candidate_id"]
    if key == "rank":
        head = F("rank").desc(nulls_last=True) if descending else F("rank").asc(nulls_last=True)
        return [head, "-total", "candidate_id"]
    column = "total" if key == "total" else "bonus" if key == "bonus" else f"points_{key}"
    head = F(column).desc(nulls_last=True) if descending else F(column).asc(nulls_last=True)
    return [head, *tail]


def _current(pin: CampaignRubric, visible_unit_ids: frozenset[int] | None) -> QuerySet:
    queryset = ScoreSnapshot.objects.ranking(pin)
    if visible_unit_ids is not None:
        queryset = queryset.filter(candidate__home_unit_id__in=visible_unit_ids)
    return queryset


def ranking(
    *,
    pin: CampaignRubric,
    visible_unit_ids: frozenset[int] | None,
    show_ranks: bool,
    sort: str | None = None,
    unit_id: int | None = None,
    page_number: str | int | None = 1,
) -> Ranking:
    """The current ranking of `pin` as one page of rows, plus the excluded candidates.

    `visible_unit_ids` limits the rows to candidates of those home units (None: all). Ranks
    are the pool's ranks: filtering by unit hides rows, it does not re-rank. Six queries
    (seven when more than EXCLUDED_LIMIT candidates are excluded)."""
    rubric = rubric_of(pin.version)
    columns = ranking_columns(rubric)
    keys = sort_keys(columns, show_ranks=show_ranks)
    sort = parse_sort(sort, keys, show_ranks=show_ranks)

    units = _units(pin, visible_unit_ids)
    if unit_id is not None and unit_id not in {u.pk for u in units}:
        unit_id = None
    current = _current(pin, visible_unit_ids)
    if unit_id is not None:
        current = current.filter(candidate__home_unit_id=unit_id)
    # The breakdown (every node with its explanation) is the bulk of a snapshot; the page needs
    # only the level-1 points, which the database extracts from it.
    ranked = (
        current.filter(vetoed=False, ineligible=False)
        .with_node_points(*(c.id for c in columns))
        .defer("breakdown", "warnings", "veto_reasons", "ineligible_reasons")
        .order_by(*_order_by(sort))
    )
    page = Paginator(ranked, RANKING_PAGE_SIZE).get_page(page_number)
    rows = [
        RankingRow(s, [getattr(s, f"points_{c.id}") for c in columns]) for s in page.object_list
    ]
    if show_ranks and rows:
        tied = _tied_ranks(pin, {row.snapshot.rank for row in rows})
        for row in rows:
            row.tied = row.snapshot.rank in tied

    excluded_qs = (
        current.filter(Q(vetoed=True) | Q(ineligible=True))
        .with_node_points(*(c.id for c in columns))
        .defer("breakdown", "warnings")
        .order_by("-total", "candidate_id")
    )
    excluded_snapshots = list(excluded_qs[: EXCLUDED_LIMIT + 1])
    excluded_more = 0
    if len(excluded_snapshots) > EXCLUDED_LIMIT:
        excluded_more = excluded_qs.count() - EXCLUDED_LIMIT
        excluded_snapshots = excluded_snapshots[:EXCLUDED_LIMIT]
    excluded = [
        RankingRow(s, [getattr(s, f"points_{c.id}") for c in columns]) for s in excluded_snapshots
    ]
    last_run = (
        EvaluationRun.objects.filter(campaign_rubric=pin).order_by("-started_at", "-pk").first()
    )
    return Ranking(
        pin=pin,
        rubric=rubric,
        columns=columns,
        sort=sort,
        sort_keys=keys,
        page=page,
        rows=rows,
        excluded=excluded,
        excluded_more=excluded_more,
        units=units,
        unit_id=unit_id,
        show_ranks=show_ranks,
        last_run=last_run,
        has_bonus=rubric.bonus_cap is not None or any(n.bonus for _p, n in rubric.walk()),
    )


def _units(pin: CampaignRubric, visible_unit_ids: frozenset[int] | None) -> list[OrgUnit]:
    """The home units of the pin's candidates (the unit filter's choices)."""
    home_units = Candidate.objects.filter(campaign_rubric=pin).values("home_unit_id")
    units = OrgUnit.objects.filter(pk__in=home_units)
    if visible_unit_ids is not None:
        units = units.filter(pk__in=visible_unit_ids)
    return list(units.order_by("sort_order", "code"))


def _tied_ranks(pin: CampaignRubric, ranks: set[int | None]) -> set[int]:
    """Which of `ranks` more than one current snapshot shares (over the whole pool, so that a
    tie shows even when the other candidate is on another page or filtered out)."""
    return set(
        ScoreSnapshot.objects.filter(
            campaign_rubric=pin, is_current=True, rank__in=[r for r in ranks if r is not None]
        )
        .order_by()
        .values("rank")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("rank", flat=True)
    )


@dataclass(slots=True)
class PinSummary:
    pin: CampaignRubric
    candidates: int
    scored: int


def campaign_pins(*, campaign_id: int, visible_unit_ids: frozenset[int] | None) -> list[PinSummary]:
    """The pinned rubrics of a campaign with how many (visible) candidates each has. One query."""
    scope = Q(candidates__is_active=True)
    if visible_unit_ids is not None:
        scope &= Q(candidates__home_unit_id__in=visible_unit_ids)
    pins = (
        CampaignRubric.objects.filter(campaign_id=campaign_id)
        .select_related("version")
        .annotate(
            n_candidates=Count("candidates", filter=scope, distinct=True),
            n_scored=Count(
                "candidates",
                filter=scope & Q(candidates__snapshots__is_current=True),
                distinct=True,
            ),
        )
        .order_by("rubric_key")
    )
    return [PinSummary(p, p.n_candidates, p.n_scored) for p in pins]


# --- score sheet ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SheetLine:
    """A line of the score sheet: the snapshot's points with the rubric's words around them."""

    node: NodeLine
    notes: tuple[str, ...]
    conflict: str | None
    description: str | None
    data_source: str | None


@dataclass(slots=True)
class FactLine:
    key: str
    label: str
    type: str
    display: str  # one line: "96%", "3 个", "12 条记录"
    details: list[str]  # monthly values, records, categories: one line each
    missing: bool
    campaign_wide: bool = False
    invalid: bool = False
    fact: Fact | None = None
    stale: bool = False  # recorded after the snapshot's evaluation started

    @property
    def source_label(self) -> str:
        return self.fact.get_source_display() if self.fact else ""


@dataclass(slots=True)
class ScoreSheet:
    candidate: Candidate
    pin: CampaignRubric
    snapshot: ScoreSnapshot | None
    rubric: Rubric  # of the snapshot's version (the pinned one when there is no snapshot)
    lines: list[SheetLine]
    facts: list[FactLine]
    tied: bool
    pool_size: int
    values: dict[str, Any] = field(default_factory=dict)  # key -> raw value the engine sees

    @property
    def version(self) -> Any:
        return self.snapshot.rubric_version if self.snapshot else self.pin.version

    @property
    def version_outdated(self) -> bool:
        return self.snapshot is not None and self.snapshot.rubric_version_id != self.pin.version_id

    @property
    def indicators(self) -> list[SheetLine]:
        return [line for line in self.lines if line.node.depth == 0]


def current_snapshot(candidate: Candidate) -> ScoreSnapshot | None:
    return (
        ScoreSnapshot.objects.filter(candidate=candidate, is_current=True)
        .select_related("rubric_version", "run")
        .first()
    )


def score_sheet(*, candidate: Candidate, with_rank: bool = True) -> ScoreSheet:
    """Everything the score sheet shows: five queries (three without the rank's tie and pool
    size, for those who may not see ranks)."""
    pin = candidate.campaign_rubric
    snapshot = current_snapshot(candidate)
    rubric = rubric_of(snapshot.rubric_version if snapshot else pin.version)
    words = {node.id: node for _path, node in rubric.walk()}
    lines = []
    if snapshot is not None:
        for line in expand_breakdown(snapshot=snapshot):
            node = words[line.id]
            lines.append(
                SheetLine(
                    node=line,
                    notes=tuple(node.notes),
                    conflict=node.conflict if isinstance(node, Item) else None,
                    description=node.description,
                    data_source=node.data_source,
                )
            )
    facts, values = candidate_facts(candidate=candidate, rubric=rubric, snapshot=snapshot)
    tied, pool_size = False, 0
    if with_rank and snapshot is not None and snapshot.rank is not None:
        current = ScoreSnapshot.objects.filter(campaign_rubric=pin, is_current=True)
        tied = current.filter(rank=snapshot.rank).count() > 1
        pool_size = current.filter(rank__isnull=False).count()
    return ScoreSheet(candidate, pin, snapshot, rubric, lines, facts, tied, pool_size, values)


def _subject_q(candidate: Candidate) -> Q:
    own = Q(unit_id=candidate.unit_id) if candidate.unit_id else Q(officer_id=candidate.officer_id)
    return own | Q(unit__isnull=True, officer__isnull=True)


def candidate_facts(
    *, candidate: Candidate, rubric: Rubric, snapshot: ScoreSnapshot | None = None
) -> tuple[list[FactLine], dict[str, Any]]:
    """The facts the rubric declares, as the engine sees them for this candidate (its own fact,
    else the campaign-wide one), in the rubric's order; and the raw values. One query."""
    rows = (
        Fact.objects.filter(campaign_id=candidate.campaign_rubric.campaign_id, key__in=rubric.facts)
        .filter(_subject_q(candidate))
        .select_related("recorded_by")
    )
    found: dict[str, Fact] = {}
    for fact in rows:
        # The candidate's own fact wins over a campaign-wide one (as in the evaluation).
        campaign_wide = fact.unit_id is None and fact.officer_id is None
        if not (campaign_wide and fact.key in found):
            found[fact.key] = fact
    started = snapshot.run.started_at if snapshot is not None else None
    lines, values = [], {}
    for key, spec in rubric.facts.items():
        fact = found.get(key)
        if fact is None:
            lines.append(FactLine(key, spec.label, spec.type, "", [], missing=True))
            continue
        values[key] = fact.value
        display, details, invalid = show_fact(spec, fact.value)
        lines.append(
            FactLine(
                key,
                spec.label,
                spec.type,
                display,
                details,
                missing=False,
                campaign_wide=fact.unit_id is None and fact.officer_id is None,
                invalid=invalid,
                fact=fact,
                stale=started is not None and fact.recorded_at > started,
            )
        )
    return lines, values


def show_fact(spec: Any, raw: Any) -> tuple[str, list[str], bool]:
    """(one-line display, detail lines, invalid) of a stored fact value."""
    info = FactInfo(spec.label, spec.type, spec.unit, spec.value_type, spec.categories)
    try:
        value = coercer(spec)(raw)
    except (ValueError, TypeError):
        return str(raw), [], True
    if spec.type == "monthly":
        month_info = FactInfo(spec.label, spec.value_type or "number", spec.unit)
        details = [f"{month}：{month_info.show(v)}" for month, v in sorted(value.items())]
        return f"{len(value)} 个月", details, False
    if spec.type == "records":
        details = []
        for row in value:
            parts = [f"{name} {_show_field(v)}" for name, v in row.items()]
            details.append("；".join(parts))
        return f"{len(value)} 条记录", details, False
    if spec.type == "categories":
        details = [f"{info.category(key)}：{count}" for key, count in value.items() if count]
        total = sum(value.values(), Decimal(0))
        return f"合计 {total}", details, False
    if spec.type == "rank":
        return f"第 {value} 名", [], False
    return info.show(value), [], False


def _show_field(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


# --- what-if ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WhatIfLine:
    id: str
    title: str
    kind: str
    depth: int
    bonus: bool
    max: Decimal | None
    current: Decimal | None
    new: Decimal
    explanation: str

    @property
    def delta(self) -> Decimal | None:
        return None if self.current is None else self.new - self.current

    @property
    def changed(self) -> bool:
        return self.current is None or self.new != self.current


@dataclass(slots=True)
class WhatIfOutcome:
    lines: list[WhatIfLine]
    current_total: Decimal | None
    new_total: Decimal
    current_rank: int | None
    new_rank: int | None
    current_reasons: list[str]
    new_vetoes: list[str]
    new_ineligible: list[str]
    changed_facts: list[tuple[str, str]]  # (key, label)
    pool_size: int  # ranked candidates in the new ranking
    whole_pool: bool  # False: scored alone and ranked against the current snapshots
    warnings: list[str]

    @property
    def total_delta(self) -> Decimal | None:
        return None if self.current_total is None else self.new_total - self.current_total

    @property
    def indicators(self) -> list[WhatIfLine]:
        return [line for line in self.lines if line.depth == 0]


def _normalised(spec: Any, raw: Any) -> Any:
    if raw is None:
        return None
    try:
        return coercer(spec)(raw)
    except (ValueError, TypeError):
        return raw


def what_if(
    *,
    candidate: Candidate,
    snapshot: ScoreSnapshot | None,
    current_values: Mapping[str, Any],
    facts: Mapping[str, Any],
) -> WhatIfOutcome:
    """Re-run the engine with this candidate's facts replaced by `facts` (key -> raw value; a
    declared key absent from it counts as not provided). Reads the pool once; writes nothing.

    The pinned version is used. Every other candidate keeps its stored facts, so rank-based and
    relative-to-best items of everyone move as they would after a real change."""
    pin = candidate.campaign_rubric
    rubric = rubric_of(pin.version)
    own = {key: value for key, value in facts.items() if key in rubric.facts}
    members = list(
        Candidate.objects.filter(campaign_rubric=pin, is_active=True).values_list(
            "id", "unit_id", "officer_id"
        )
    )
    if candidate.pk not in {cid for cid, _u, _o in members}:
        members.append((candidate.pk, candidate.unit_id, candidate.officer_id))
    whole_pool = needs_pool(rubric) or len(members) <= WHATIF_FULL_POOL_LIMIT
    if whole_pool:
        result, ranked = _whole_pool(pin, rubric, members, candidate, own)
    else:
        result, ranked = _alone(pin, rubric, candidate, own)
    current_points = {}
    if snapshot is not None:
        current_points = {node: Decimal(entry[0]) for node, entry in snapshot.breakdown.items()}
    lines = []
    for path, node in rubric.walk():
        node_result = result.nodes.get(node.id)
        if node_result is None:
            continue
        lines.append(
            WhatIfLine(
                id=node.id,
                title=node.title,
                kind=node_result.kind,
                depth=path.count("."),
                bonus=node.bonus,
                max=node.max,
                current=current_points.get(node.id),
                new=node_result.points,
                explanation=node_result.explanation,
            )
        )
    changed = [
        (key, spec.label)
        for key, spec in rubric.facts.items()
        if _normalised(spec, own.get(key)) != _normalised(spec, current_values.get(key))
    ]
    return WhatIfOutcome(
        lines=lines,
        current_total=snapshot.total if snapshot is not None else None,
        new_total=result.total,
        current_rank=snapshot.rank if snapshot is not None else None,
        new_rank=result.rank,
        current_reasons=(
            [*snapshot.veto_reasons, *snapshot.ineligible_reasons] if snapshot is not None else []
        ),
        new_vetoes=list(result.vetoes),
        new_ineligible=list(result.ineligible),
        changed_facts=changed,
        pool_size=ranked,
        whole_pool=whole_pool,
        warnings=list(result.errors),
    )


def _whole_pool(
    pin: CampaignRubric,
    rubric: Rubric,
    members: list[tuple[int, int | None, int | None]],
    candidate: Candidate,
    own: Mapping[str, Any],
) -> tuple[CandidateResult, int]:
    subject_column = 1 if rubric.subject == RubricSubject.COLLECTIVE else 2
    pool = pool_facts(
        campaign=pin.campaign,
        rubric=rubric,
        members=[(member[0], member[subject_column]) for member in members],
    )
    # The form shows (and so replaces) every declared fact, campaign-wide ones included.
    pool[str(candidate.pk)] = dict(own)
    result = evaluate(rubric, pool)
    return result.candidates[str(candidate.pk)], len(result.ranking)


def _alone(
    pin: CampaignRubric, rubric: Rubric, candidate: Candidate, own: Mapping[str, Any]
) -> tuple[CandidateResult, int]:
    """No rule looks at the pool: score the candidate alone, rank it against the others'
    current totals (as an incremental evaluation does). Two queries."""
    result = evaluate(rubric, {str(candidate.pk): dict(own)}).candidates[str(candidate.pk)]
    tie_breakers = list(rubric.tie_breakers)
    annotations = {f"tb{i}": KT(f"breakdown__{node}__0") for i, node in enumerate(tie_breakers)}
    others = (
        ScoreSnapshot.objects.filter(campaign_rubric=pin, is_current=True)
        .exclude(candidate_id=candidate.pk)
        .annotate(**annotations)
        .values_list("candidate_id", "total", "vetoed", "ineligible", *annotations)
    )
    entries = [
        RankEntry(
            cid,
            total,
            tuple(quantize(Decimal(v)) if v is not None else Decimal(0) for v in tie),
            vetoed or ineligible,
        )
        for cid, total, vetoed, ineligible, *tie in others
    ]
    entries.append(
        RankEntry(
            candidate.pk,
            quantize(result.total),
            tuple(quantize(result.nodes[node].points) for node in tie_breakers),
            result.excluded,
        )
    )
    ranks = assign_ranks(entries)
    result.rank = ranks.get(candidate.pk)
    return result, sum(1 for rank in ranks.values() if rank is not None)
