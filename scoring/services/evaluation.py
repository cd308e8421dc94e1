"""Evaluation: facts + pinned rubric versions → the engine → score snapshots and ranks.

Cost model (see bench/RESULTS.md): a campaign's facts are read in one streamed query per kind
of subject; the engine runs per rubric pool (in chunks when no rule looks at the whole pool, so
memory stays flat, each chunk in a forked process while the next is read: services.forked);
each candidate's result is serialised once, hashed, and written only when it
differs from the candidate's current snapshot; ranks are assigned here, over the whole pool.
The number of queries does not depend on the number of candidates.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
from collections import ChainMap
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from itertools import islice
from typing import TYPE_CHECKING, Any, NamedTuple

import orjson
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import F
from django.db.models.fields.json import KT
from django.utils import timezone

from scoring.engine import evaluate
from scoring.engine.model import Item
from scoring.enums import RubricSubject, RunKind
from scoring.models import (
    POINTS_PLACES,
    CampaignRubric,
    Candidate,
    EvaluationRun,
    Fact,
    PendingChange,
    ScoreSnapshot,
)
from scoring.services.forked import ForkedChunks
from scoring.services.rubrics import needs_pool, rubric_of

if TYPE_CHECKING:
    from accounts.models import User
    from campaigns.models import Campaign
    from scoring.engine.model import Rubric
    from scoring.engine.results import CandidateResult

logger = logging.getLogger(__name__)

WRITE_BATCH = 1_000  # rows per INSERT
ID_CHUNK = 900  # ids per "IN (…)": under SQLite's historical 999-variable limit
FACT_STREAM_CHUNK = 20_000
MAX_RANK_STEPS = 50  # distinct rank shifts updated as "rank + step"; more → one CASE per batch

_QUANTUM = Decimal(1).scaleb(-POINTS_PLACES)
_EMPTY: Mapping[str, Any] = {}


def quantize(points: Decimal) -> Decimal:
    """Points at the stored precision. Ranks compare these, so full and incremental runs agree."""
    return points.quantize(_QUANTUM, rounding=ROUND_HALF_UP)


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- queueing ------------------------------------------------------------------------------


def _queued_key(campaign_id: int) -> str:
    return f"scoring:evaluation-queued:{campaign_id}"


def debounce_seconds() -> int:
    return int(getattr(settings, "SCORING_EVALUATION_DEBOUNCE", 10))


def queue_evaluation(*, campaign_id: int) -> None:
    """After the current transaction commits, queue one (debounced) re-evaluation.

    A burst of fact changes queues one task: the first change sets a cache key that the task
    clears when it starts; changes made meanwhile are PendingChange rows it will see. With
    Celery eager (no broker) the task runs at once."""
    transaction.on_commit(partial(_enqueue, campaign_id))


def _enqueue(campaign_id: int) -> None:
    from scoring.tasks import task_evaluate_campaign

    delay = debounce_seconds()
    if not cache.add(_queued_key(campaign_id), "1", timeout=delay + 600):
        return
    task_evaluate_campaign.apply_async(kwargs={"campaign_id": campaign_id}, countdown=delay)


def clear_queued_flag(*, campaign_id: int) -> None:
    cache.delete(_queued_key(campaign_id))


# --- reading facts ---------------------------------------------------------------------------


_SUBJECT_COLUMN = {RubricSubject.COLLECTIVE: "unit_id", RubricSubject.INDIVIDUAL: "officer_id"}


def _facts_queryset(campaign: Campaign, subject: str) -> Any:
    # Keys are filtered in Python, not with "key IN (…)": on PostgreSQL a 50-key IN list costs
    # more per row than the whole read, and facts are validated against the pinned rubrics'
    # declarations when recorded, so there is hardly anything to skip.
    column = _SUBJECT_COLUMN[subject]
    return Fact.objects.filter(campaign=campaign, **{f"{column}__isnull": False}).order_by()


def load_facts(
    *, campaign: Campaign, subject: str, keys: Iterable[str], subject_ids: Iterable[int] | None
) -> dict[int, dict[str, Any]]:
    """Facts of the campaign's units (collective) or officers (individual), limited to `keys`
    and, when given, to `subject_ids`: {subject id: {key: value}}, all in memory. One query
    (or one per 900 ids)."""
    column = _SUBJECT_COLUMN[subject]
    wanted = {key: key for key in keys}  # one str object per key instead of one per row
    base = _facts_queryset(campaign, subject)
    if subject_ids is None:
        querysets = [base]
    else:
        ids = sorted(set(subject_ids))
        querysets = [base.filter(**{f"{column}__in": chunk}) for chunk in _chunks(ids, ID_CHUNK)]
    facts: dict[int, dict[str, Any]] = {}
    for queryset in querysets:
        rows = queryset.values_list(column, "key", "value").iterator(chunk_size=FACT_STREAM_CHUNK)
        for subject_id, key, value in rows:
            name = wanted.get(key)
            if name is None:
                continue
            by_key = facts.get(subject_id)
            if by_key is None:
                by_key = facts[subject_id] = {}
            by_key[name] = value
    return facts


def stream_facts(
    *, campaign: Campaign, subject: str, keys: Iterable[str], chunk_subjects: int
) -> Iterator[tuple[dict[int, dict[str, Any]], int]]:
    """The same facts as load_facts, streamed in subject-id order from one query: yields
    ({subject id: facts} for up to `chunk_subjects` subjects, the highest id in it).

    The order comes from an index on the subject column (or the partial unique index
    (campaign, subject, key)), so the database need not sort; memory holds one chunk of facts,
    however large the campaign. Subjects with none of `keys` are not in any chunk."""
    column = _SUBJECT_COLUMN[subject]
    wanted = {key: key for key in keys}
    rows = (
        _facts_queryset(campaign, subject)
        .order_by(column)
        .values_list(column, "key", "value")
        .iterator(chunk_size=FACT_STREAM_CHUNK)
    )
    chunk: dict[int, dict[str, Any]] = {}
    current_id = None
    by_key: dict[str, Any] = {}
    for subject_id, key, value in rows:
        name = wanted.get(key)
        if name is None:
            continue
        if subject_id != current_id:
            if len(chunk) >= chunk_subjects:
                yield chunk, current_id  # type: ignore[misc]
                chunk = {}
            current_id = subject_id
            by_key = chunk[subject_id] = {}
        by_key[name] = value
    if chunk:
        yield chunk, current_id  # type: ignore[misc]


def load_campaign_facts(*, campaign: Campaign) -> dict[str, Any]:
    """Campaign-wide facts (city totals, provincial averages): every candidate sees them, and a
    candidate's own fact of the same key wins."""
    return dict(
        Fact.objects.filter(campaign=campaign, unit__isnull=True, officer__isnull=True).values_list(
            "key", "value"
        )
    )


# --- results as rows -------------------------------------------------------------------------


class _Row(NamedTuple):
    """One candidate's result, serialised once, ready to compare with its current snapshot.

    Only strings, numbers and tuples of them, on purpose: 80,000 rows stay alive until the
    ranks are known, and the garbage collector walks every tracked container on each full
    collection — with lists and dataclasses here that was 15 % of a national run. _PinJob
    keeps them as exact tuples, which CPython stops tracking altogether."""

    candidate_id: int
    total: Decimal
    base: Decimal
    bonus: Decimal
    vetoes: tuple[str, ...]
    ineligible: tuple[str, ...]
    warnings: tuple[str, ...]
    # Serialised JSON as UTF-8: a quarter smaller than a str of Chinese text, and bound as a
    # fresh str at INSERT time (sqlite3 caches a str's UTF-8 copy inside the str for good).
    breakdown: bytes
    digest: str
    tie_break: tuple[Decimal, ...]

    @property
    def excluded(self) -> bool:
        return bool(self.vetoes or self.ineligible)


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


def _json_list(texts: tuple[str, ...]) -> str:
    return _dumps(texts) if texts else "[]"  # most candidates: no veto, no warning


def _canonical_points(points: Decimal) -> str:
    text = str(points)
    if "E" in text:
        text = f"{points:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


_POINTS_TEXT: dict[Decimal, str] = {}  # a rubric's points take few distinct values


def _points_text(points: Decimal) -> str:
    """Points as canonical text: exact, no exponent, no trailing zeros ("2.50" → "2.5").

    Equal points must serialise equally whatever their Decimal exponent: the engine may hand
    back 0 or 0.0 for the same node depending on the pool, and the digest must not differ.
    (Equal Decimals hash equally, so the memo returns the canonical text for both.)"""
    text = _POINTS_TEXT.get(points)
    if text is None:
        text = _canonical_points(points)
        if len(_POINTS_TEXT) < 10_000:
            _POINTS_TEXT[points] = text
    return text


def _flags(node: Any) -> dict[str, Any]:
    flags: dict[str, Any] = {"capped": True} if node.capped else {}
    if node.zeroed:
        flags["zeroed"] = node.zeroed
    return flags


def _row(
    candidate_id: int, result: CandidateResult, version_id: int, tie_breakers: Sequence[str]
) -> _Row:
    """The compact, serialised form of one engine result (see ScoreSnapshot.breakdown)."""
    nodes = {
        node_id: [_points_text(node.points), node.explanation]
        if not (node.capped or node.zeroed)
        else [_points_text(node.points), node.explanation, _flags(node)]
        for node_id, node in result.nodes.items()
    }
    # Byte for byte what _dumps(nodes).encode() gives, 2.5 × faster. Copied to an exact-size
    # bytes: orjson's own result keeps its whole growth buffer (32 kB for a 4 kB breakdown), and
    # 80,000 rows wait here for their ranks (peak memory went from 458 to 919 MiB without it).
    breakdown = memoryview(orjson.dumps(nodes)).tobytes()
    total, base, bonus = quantize(result.total), quantize(result.base), quantize(result.bonus)
    vetoes, ineligible = tuple(result.vetoes), tuple(result.ineligible)
    warnings = tuple(result.errors)
    # The digest covers everything a snapshot stores about the result, so "same digest" means
    # "same snapshot" (\x1e and \x1f cannot occur in the parts they separate).
    head = "\x1f".join(
        (
            str(version_id),
            str(total),
            str(base),
            str(bonus),
            *("\x1e".join(part) for part in (vetoes, ineligible, warnings)),
        )
    )
    hasher = hashlib.blake2b(f"{head}\x1f".encode(), digest_size=16)
    hasher.update(breakdown)
    digest = hasher.hexdigest()
    tie_break = tuple(quantize(result.nodes[node].points) for node in tie_breakers)
    return _Row(
        candidate_id,
        total,
        base,
        bonus,
        vetoes,
        ineligible,
        warnings,
        breakdown,
        digest,
        tie_break,
    )


# --- ranking ---------------------------------------------------------------------------------


class RankEntry(NamedTuple):
    candidate_id: int
    total: Decimal
    tie_break: tuple[Decimal, ...]
    excluded: bool


def assign_ranks(entries: Iterable[RankEntry]) -> dict[int, int | None]:
    """Competition ranks ("1, 1, 3"): higher total first, then higher points on each tie-breaker
    node in order; equal on all of them → the same rank. Excluded candidates get None.

    The engine's ranking (scoring.engine.ranking) follows the same rule; this one also runs on
    totals read back from snapshots, for incremental runs."""
    ranks: dict[int, int | None] = {}
    ranked = []
    for entry in entries:
        if entry.excluded:
            ranks[entry.candidate_id] = None
        else:
            ranked.append(((-entry.total, *(-p for p in entry.tie_break)), entry.candidate_id))
    ranked.sort()
    previous = None
    rank = 0
    for position, (key, candidate_id) in enumerate(ranked, start=1):
        if key != previous:
            rank, previous = position, key
        ranks[candidate_id] = rank
    return ranks


# --- current state ---------------------------------------------------------------------------


class _Current(NamedTuple):
    snapshot_id: int
    digest: str
    rank: int | None
    entry: RankEntry


def _current_snapshots(pin: CampaignRubric, tie_breakers: Sequence[str]) -> dict[int, _Current]:
    """The current snapshot of every candidate of the pin: what the ranking needs, one query."""
    queryset = ScoreSnapshot.objects.filter(campaign_rubric=pin, is_current=True).order_by()
    annotations = {f"tb{i}": KT(f"breakdown__{node}__0") for i, node in enumerate(tie_breakers)}
    columns = ["id", "candidate_id", "result_digest", "rank", "total", "vetoed", "ineligible"]
    rows = queryset.annotate(**annotations).values_list(*columns, *annotations)
    current: dict[int, _Current] = {}
    for snapshot_id, candidate_id, digest, rank, total, vetoed, ineligible, *tie in rows:
        tie_break = tuple(
            quantize(Decimal(value)) if value is not None else Decimal(0) for value in tie
        )
        entry = RankEntry(candidate_id, total, tie_break, vetoed or ineligible)
        current[candidate_id] = _Current(snapshot_id, digest, rank, entry)
    return current


# --- one pinned rubric -----------------------------------------------------------------------


@dataclass
class _PinPlan:
    pin: CampaignRubric
    rubric: Rubric
    full: bool
    subject_ids: set[int] = field(default_factory=set)  # incremental: whose facts changed


def _pool(
    candidates: Sequence[tuple[int, int]],
    facts: Mapping[int, Mapping[str, Any]],
    campaign_facts: Mapping[str, Any],
) -> dict[str, Mapping[str, Any]]:
    if campaign_facts:
        return {
            str(cid): ChainMap(facts.get(sid, _EMPTY), campaign_facts)  # type: ignore[arg-type]
            for cid, sid in candidates
        }
    return {str(cid): facts.get(sid, _EMPTY) for cid, sid in candidates}


def pool_facts(
    *,
    campaign: Campaign,
    rubric: Rubric,
    members: Sequence[tuple[int, int]],
    campaign_facts: Mapping[str, Any] | None = None,
) -> dict[str, Mapping[str, Any]]:
    """The pool the engine sees for `members` ((candidate id, unit or officer id)): each one's
    recorded facts over the campaign-wide ones (read here unless given), as a full evaluation
    reads them. One or two queries; the mappings are read-only views."""
    facts = load_facts(
        campaign=campaign, subject=rubric.subject, keys=rubric.facts, subject_ids=None
    )
    if campaign_facts is None:
        campaign_facts = load_campaign_facts(campaign=campaign)
    return _pool(members, facts, campaign_facts)


# Every column of a snapshot but the id, in the order _insert_snapshots writes them.
_INSERT_FIELDS = (
    "run",
    "candidate",
    "campaign_rubric",
    "rubric_version",
    "total",
    "base",
    "bonus",
    "rank",
    "vetoed",
    "veto_reasons",
    "ineligible",
    "ineligible_reasons",
    "warnings",
    "breakdown",
    "result_digest",
    "is_current",
)
if set(_INSERT_FIELDS) != {
    field.name for field in ScoreSnapshot._meta.concrete_fields if not field.primary_key
}:
    raise ImproperlyConfigured("ScoreSnapshot has a column that _insert_snapshots does not write.")


def _insert_snapshots(
    *,
    run: EvaluationRun,
    pin: CampaignRubric,
    rows: Sequence[_Row],
    ranks: Mapping[int, int | None],
) -> None:
    """INSERT the new snapshots without building model instances.

    This is the evaluation's hottest write (80,000 rows of ~3 kB at national scale): bulk_create
    spends three times as long in Python per row as the database spends storing it. The values
    are the ones the model fields would produce: decimals as Decimal, JSON as serialised text
    (the breakdown is serialised once, in _row). SQLite re-uses one prepared statement
    (executemany); PostgreSQL gets one streamed COPY (_copy_rows)."""
    if not rows:
        return
    meta = ScoreSnapshot._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in _INSERT_FIELDS)
    table = quote(meta.db_table)
    values = (
        (
            run.pk,
            row.candidate_id,
            pin.pk,
            run.rubric_version_id,
            row.total,
            row.base,
            row.bonus,
            ranks.get(row.candidate_id),
            bool(row.vetoes),
            _json_list(row.vetoes),
            bool(row.ineligible),
            _json_list(row.ineligible),
            _json_list(row.warnings),
            row.breakdown.decode(),
            row.digest,
            True,
        )
        for row in rows
    )  # a generator: the parameters of one batch exist at a time
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy_rows(cursor, table, columns, values)
            return
        one_row = "(" + ", ".join(["%s"] * len(_INSERT_FIELDS)) + ")"
        # Names from the model's own metadata, quoted; every value goes as a parameter.
        insert = f"INSERT INTO {table} ({columns}) VALUES {one_row}"  # noqa: S608
        # In batches: Django's SQLite wrapper tee()s the parameters, which would keep every
        # row of one big call in memory.
        while batch := list(islice(values, WRITE_BATCH)):
            cursor.executemany(insert, batch)


def _copy_text(value: Any) -> str:
    """One value in COPY's text format: NULL as \\N, booleans as t/f, and the characters
    COPY treats specially escaped (JSON text has no raw control characters, but may have
    backslashes)."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        # str.replace scans in C; str.translate would look up every character in a dict.
        if "\\" in value:
            value = value.replace("\\", "\\\\")
        if "\t" in value or "\n" in value or "\r" in value:
            value = value.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    return str(value)


def _copy_rows(cursor: Any, table: str, columns: str, values: Iterator[tuple[Any, ...]]) -> None:
    """Stream rows into `table` with one COPY … FROM STDIN: no SQL text to parse per value, no
    quoting of 3 kB strings into literals, and the server stores one block of rows while the
    next is being formatted here."""
    copy = f"COPY {table} ({columns}) FROM STDIN"
    cursor.copy_expert(copy, _CopySource(values), COPY_BLOCK_ROWS * 4096)


COPY_BLOCK_ROWS = 250  # rows formatted per read: ≈ 0.7 MB, so memory stays flat


class _CopySource:
    """A read-only file over rows in COPY's text format, formatted as psycopg2 reads them."""

    def __init__(self, rows: Iterator[tuple[Any, ...]]) -> None:
        self.rows = rows
        self.pending = b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self.pending) < size:
            block = list(islice(self.rows, COPY_BLOCK_ROWS))
            if not block:
                break
            text = "".join("\t".join(map(_copy_text, row)) + "\n" for row in block)
            self.pending += text.encode()
        if size < 0:
            data, self.pending = self.pending, b""
        else:
            data, self.pending = self.pending[:size], self.pending[size:]
        return data


def _write(
    *,
    pin: CampaignRubric,
    run: EvaluationRun,
    rows: Mapping[int, _Row],
    current: Mapping[int, _Current],
    ranks: Mapping[int, int | None],
    retired: Iterable[int],
) -> tuple[int, int]:
    """Supersede changed and retired snapshots, insert the changed ones, move ranks.

    Returns (snapshots written, ranks changed on kept snapshots)."""
    changed = [
        row
        for candidate_id, row in rows.items()
        if candidate_id not in current or current[candidate_id].digest != row.digest
    ]
    superseded = [
        current[row.candidate_id].snapshot_id for row in changed if row.candidate_id in current
    ]
    superseded += [current[cid].snapshot_id for cid in retired if cid in current]
    for chunk in _chunks(superseded, ID_CHUNK):
        ScoreSnapshot.objects.filter(id__in=chunk).update(is_current=False)
    _insert_snapshots(run=run, pin=pin, rows=changed, ranks=ranks)
    # Kept snapshots whose rank moved. One candidate moving shifts everyone it passes by the
    # same step, so grouping by the step turns thousands of rank changes into a few UPDATEs.
    rewritten = {row.candidate_id for row in changed} | set(retired)
    by_step: dict[int, list[int]] = {}
    moved: list[tuple[int, int | None]] = []
    for candidate_id, kept in current.items():
        if candidate_id in rewritten:
            continue
        new_rank = ranks.get(candidate_id)
        if new_rank == kept.rank:
            continue
        moved.append((kept.snapshot_id, new_rank))
        if new_rank is not None and kept.rank is not None:
            by_step.setdefault(new_rank - kept.rank, []).append(kept.snapshot_id)
    if len(by_step) <= MAX_RANK_STEPS and sum(map(len, by_step.values())) == len(moved):
        for step, ids in by_step.items():
            for chunk in _chunks(ids, ID_CHUNK):
                ScoreSnapshot.objects.filter(id__in=chunk).update(rank=F("rank") + step)
    else:  # a reshuffle (a pool-wide rule moved many candidates by different steps)
        ScoreSnapshot.objects.bulk_update(
            [ScoreSnapshot(pk=snapshot_id, rank=rank) for snapshot_id, rank in moved],
            ["rank"],
            batch_size=500,
        )
    return len(changed), len(moved)


def _score_rows(
    rubric: Rubric,
    version_id: int,
    tie_breakers: Sequence[str],
    pool: Mapping[str, Mapping[str, Any]],
) -> dict[int, tuple[Any, ...]]:
    """One chunk of candidates through the engine, serialised: {candidate id: _Row as a plain
    tuple}. Touches no database: it may run in a forked child."""
    result = evaluate(rubric, pool)
    return {
        int(pool_id): tuple(_row(int(pool_id), candidate_result, version_id, tie_breakers))
        for pool_id, candidate_result in result.candidates.items()
    }


class _PinJob:
    """One pinned rubric's evaluation: fed facts (all at once, or chunk by chunk in subject-id
    order), then written. Keeps one compact row per evaluated candidate until the ranks are
    known, and the engine's result objects for at most one chunk."""

    def __init__(
        self,
        plan: _PinPlan,
        *,
        candidates: Sequence[tuple[int, int, bool]],
        campaign_facts: Mapping[str, Any],
        actor: User | None,
    ) -> None:
        self.plan = plan
        self.pin, self.rubric = plan.pin, plan.rubric
        self.pool_wide = needs_pool(plan.rubric)
        self.campaign_facts = campaign_facts
        self.actor = actor
        self.active = {cid for cid, _sid, is_active in candidates if is_active}
        if plan.full:
            self.affected = {cid for cid, _sid, _active in candidates}
        else:
            self.affected = {cid for cid, sid, _active in candidates if sid in plan.subject_ids}
        self.pending = sorted(
            (
                (sid, cid)
                for cid, sid, _active in candidates
                if cid in self.affected and cid in self.active
            ),
            reverse=True,  # popped from the end: lowest subject id first
        )
        # Plain tuples while they wait: CPython stops tracking an exact tuple of strings and
        # numbers, so the garbage collector's full passes skip them (a NamedTuple stays tracked).
        self.rows: dict[int, tuple[Any, ...]] = {}
        self.tie_breakers = list(plan.rubric.tie_breakers)

    @property
    def idle(self) -> bool:
        return not self.affected

    def feed(
        self,
        facts: Mapping[int, Mapping[str, Any]],
        upto: int | None,
        chunks: ForkedChunks | None = None,
    ) -> None:
        """Evaluate the waiting candidates whose subject id is ≤ `upto` (None: all of them), in
        this process or, given `chunks`, in forked children."""
        batch: list[tuple[int, int]] = []
        while self.pending and (upto is None or self.pending[-1][0] <= upto):
            sid, cid = self.pending.pop()
            batch.append((cid, sid))
        if not batch:
            return
        size = len(batch) if self.pool_wide else evaluation_chunk()
        for chunk in _chunks(batch, size):
            work = partial(
                _score_rows,
                self.rubric,
                self.pin.version_id,
                self.tie_breakers,
                _pool(chunk, facts, self.campaign_facts),
            )
            if chunks is None:
                self.rows.update(work())
            else:
                chunks.submit(work, self.rows.update)

    @property
    def waiting(self) -> int:
        return len(self.pending)

    def finish(self) -> EvaluationRun:
        pin = self.pin
        run = EvaluationRun.objects.create(
            campaign_rubric=pin,
            rubric_version=pin.version,
            kind=RunKind.FULL if self.plan.full else RunKind.INCREMENTAL,
            triggered_by=self.actor,
        )
        current = _current_snapshots(pin, self.tie_breakers)
        # In candidate order, however the chunks came back: the same writes in the same order.
        rows = {cid: _Row._make(self.rows[cid]) for cid in sorted(self.rows)}
        self.rows = {}
        if self.plan.full:
            retired = [cid for cid in current if cid not in self.active]
        else:
            retired = [cid for cid in self.affected if cid not in self.active]
        entries = [
            RankEntry(cid, row.total, row.tie_break, row.excluded) for cid, row in rows.items()
        ]
        if self.plan.full:
            kept = [k.entry for cid, k in current.items() if cid not in rows and cid in self.active]
        else:  # a current snapshot belongs to an active candidate unless it is retired now
            kept = [k.entry for cid, k in current.items() if cid not in self.affected]
        entries += kept
        ranks = assign_ranks(entries)
        written, moved = _write(
            pin=pin, run=run, rows=rows, current=current, ranks=ranks, retired=retired
        )
        run.candidates_evaluated = len(rows)
        run.snapshots_written = written
        run.ranks_changed = moved
        run.finished_at = timezone.now()
        run.save(
            update_fields=[
                "candidates_evaluated",
                "snapshots_written",
                "ranks_changed",
                "finished_at",
            ]
        )
        logger.info(
            "evaluated campaign %s rubric %s (%s): %d candidates, %d snapshots written, "
            "%d ranks moved",
            pin.campaign_id,
            pin.rubric_key,
            run.kind,
            len(rows),
            written,
            moved,
        )
        self.rows = {}
        return run


def _plans(
    pins: Sequence[CampaignRubric],
    pending: Sequence[tuple[int, int | None, int | None, str, bool]] | None,
) -> list[_PinPlan]:
    """What each pin needs: None pending means a full evaluation of everything."""
    plans = []
    last_versions: dict[int, int] = {}
    if pending is not None:
        runs = EvaluationRun.objects.filter(campaign_rubric__in=pins).order_by("-started_at", "-pk")
        for pin_id, version_id in runs.values_list("campaign_rubric_id", "rubric_version_id"):
            last_versions.setdefault(pin_id, version_id)
    for pin in pins:
        rubric = rubric_of(pin.version)
        if pending is None:
            plans.append(_PinPlan(pin, rubric, full=True))
            continue
        declared = set(rubric.facts)
        column = 1 if rubric.subject == RubricSubject.COLLECTIVE else 2
        plan = _PinPlan(pin, rubric, full=last_versions.get(pin.pk) != pin.version_id)
        for _id, unit_id, officer_id, key, full in pending:
            if plan.full:
                break
            if key and key not in declared:
                continue
            if full or (unit_id is None and officer_id is None):
                plan.full = True
            subject_id = (_id, unit_id, officer_id)[column]
            if subject_id is not None:
                plan.subject_ids.add(subject_id)
        if plan.subject_ids and needs_pool(rubric):
            plan.full = True  # one value changes everyone's rank-based points
        if plan.full or plan.subject_ids:
            plans.append(plan)
    return plans


def _candidates(plans: Sequence[_PinPlan]) -> dict[int, list[tuple[int, int, bool]]]:
    """(candidate id, subject id, active) per pin: every candidate for a full plan, only those
    whose facts changed for an incremental one (the others keep their current snapshots)."""
    queries = []
    full = [plan.pin.pk for plan in plans if plan.full]
    if full:
        queries.append(Candidate.objects.filter(campaign_rubric__in=full))
    for plan in plans:
        if plan.full:
            continue
        column = "unit_id" if plan.rubric.subject == RubricSubject.COLLECTIVE else "officer_id"
        for chunk in _chunks(sorted(plan.subject_ids), ID_CHUNK):
            queries.append(
                Candidate.objects.filter(campaign_rubric=plan.pin, **{f"{column}__in": chunk})
            )
    by_pin: dict[int, list[tuple[int, int, bool]]] = {}
    for queryset in queries:
        rows = queryset.order_by("pk").values_list(
            "id", "campaign_rubric_id", "unit_id", "officer_id", "is_active"
        )
        for cid, pin_id, unit_id, officer_id, is_active in rows:
            by_pin.setdefault(pin_id, []).append((cid, unit_id or officer_id, is_active))
    return by_pin


def _feed(campaign: Campaign, subject: str, jobs: Sequence[_PinJob], chunks: ForkedChunks) -> None:
    """Give every job the facts it needs, reading them once for all jobs of this subject kind.

    Incremental jobs only: the changed subjects' facts. A full job of a rubric that needs pool
    statistics: every fact in memory at once, scored here. Otherwise the facts are streamed in
    chunks, each scored by `chunks` (in a forked child when it has processes to spare)."""
    keys: set[str] = set().union(*(job.rubric.facts for job in jobs))
    if not any(job.plan.full for job in jobs):
        subject_ids = set().union(*(job.plan.subject_ids for job in jobs))
        facts = load_facts(campaign=campaign, subject=subject, keys=keys, subject_ids=subject_ids)
        for job in jobs:
            job.feed(facts, None)
    elif any(job.pool_wide for job in jobs):
        facts = load_facts(campaign=campaign, subject=subject, keys=keys, subject_ids=None)
        for job in jobs:
            job.feed(facts, None)
    else:
        for chunk, upto in stream_facts(
            campaign=campaign, subject=subject, keys=keys, chunk_subjects=evaluation_chunk()
        ):
            for job in jobs:
                job.feed(chunk, upto, chunks)
        for job in jobs:
            job.feed(_EMPTY, None, chunks)  # candidates with no facts, or ids past the last


def evaluation_chunk() -> int:
    """Candidates per engine call when the rubric needs no pool statistics: the unit of work a
    forked process takes, and what bounds the memory of a streamed evaluation."""
    return max(1, int(getattr(settings, "SCORING_EVALUATION_CHUNK", 5_000)))


def evaluation_processes(candidates: int) -> int:
    """How many forked processes score an evaluation of `candidates`: none (1, the caller
    alone) when one chunk holds them all."""
    if candidates <= evaluation_chunk():
        return 1
    configured = int(getattr(settings, "SCORING_EVALUATION_PROCESSES", 0))
    if configured > 0:
        return configured
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _evaluate(*, campaign: Campaign, actor: User | None, incremental: bool) -> list[EvaluationRun]:
    # Millions of fact values pass through, and hardly any reference cycle is made: without the
    # cyclic collector a national run saves its full passes over the heap (2.4 s of 20), and
    # forked children keep sharing the pages those passes would have written to. What cycles
    # there are wait for the collector until the run ends.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _evaluate_locked(campaign=campaign, actor=actor, incremental=incremental)
    finally:
        if collecting:
            gc.enable()


def _evaluate_locked(
    *, campaign: Campaign, actor: User | None, incremental: bool
) -> list[EvaluationRun]:
    # Serialise evaluations of one campaign (and pin changes): the pins' rows are locked.
    pins = list(
        CampaignRubric.objects.select_for_update(of=("self",))
        .filter(campaign=campaign)
        .select_related("version")
        .order_by("pk")
    )
    # Read the pending changes before the facts: a change committed after this point keeps its
    # row and is evaluated by the next run; one committed in between is simply evaluated twice.
    pending = list(
        PendingChange.objects.filter(campaign=campaign).values_list(
            "id", "unit_id", "officer_id", "key", "full"
        )
    )
    if incremental and not pending:
        return []  # nothing changed since the last run: a repeated task is a no-op
    plans = _plans(pins, pending if incremental else None)
    runs: list[EvaluationRun] = []
    if plans:
        candidates_by_pin = _candidates(plans)
        campaign_facts = load_campaign_facts(campaign=campaign)
        jobs = [
            _PinJob(
                plan,
                candidates=candidates_by_pin.get(plan.pin.pk, []),
                campaign_facts=campaign_facts,
                actor=actor,
            )
            for subject in (RubricSubject.COLLECTIVE, RubricSubject.INDIVIDUAL)
            for plan in plans
            if plan.rubric.subject == subject
        ]
        jobs = [job for job in jobs if not job.idle]
        # One set of forked processes for every kind of subject: the units' chunk is scored in a
        # child while the parent reads the officers' facts. Written once everything is scored.
        processes = evaluation_processes(sum(job.waiting for job in jobs))
        with ForkedChunks(processes=processes) as chunks:
            for subject in (RubricSubject.COLLECTIVE, RubricSubject.INDIVIDUAL):
                of_subject = [job for job in jobs if job.rubric.subject == subject]
                if of_subject:
                    _feed(campaign, subject, of_subject, chunks)
        if chunks.stats.chunks_in_children:
            logger.info("evaluated campaign %s in forked processes: %s", campaign.pk, chunks.stats)
        runs.extend(job.finish() for job in jobs)
    pending_ids = [row[0] for row in pending]
    for chunk in _chunks(pending_ids, ID_CHUNK):
        PendingChange.objects.filter(id__in=chunk).delete()
    return runs


@transaction.atomic
def evaluate_campaign(*, campaign: Campaign, actor: User | None = None) -> list[EvaluationRun]:
    """Evaluate every pinned rubric of `campaign` over all its candidates, in one transaction.

    Returns one EvaluationRun per pinned rubric that has candidates. Candidates whose result
    is unchanged keep their snapshot (same facts → same snapshot); the others get a new one,
    and every current snapshot's rank is brought up to date."""
    return _evaluate(campaign=campaign, actor=actor, incremental=False)


@transaction.atomic
def evaluate_pending_changes(*, campaign: Campaign) -> list[EvaluationRun]:
    """Evaluate what the pending changes touch (the debounced task calls this).

    A rubric is evaluated incrementally — only the candidates whose facts changed, then the
    ranks — unless one of its rules looks at the whole pool, a campaign-wide fact changed, or
    its pinned version changed; then it is evaluated in full. Returns the runs made."""
    return _evaluate(campaign=campaign, actor=None, incremental=True)


# --- reading results -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NodeLine:
    """One line of a score sheet: static facts from the rubric, points from the snapshot."""

    id: str
    title: str
    kind: str  # "indicator" | "item"
    depth: int
    max: Decimal | None
    bonus: bool
    points: Decimal
    explanation: str
    capped: bool
    zeroed: str | None
    cite_seed: str
    cite_quote: str


def expand_breakdown(*, snapshot: ScoreSnapshot) -> list[NodeLine]:
    """The snapshot's breakdown in rubric order, with titles, maxima and citations from the
    version it was computed with (not the version pinned today)."""
    rubric = rubric_of(snapshot.rubric_version)
    lines = []
    for path, node in rubric.walk():
        entry = snapshot.breakdown.get(node.id)
        if entry is None:
            continue
        flags = entry[2] if len(entry) > 2 else {}
        cite = node.cite
        lines.append(
            NodeLine(
                id=node.id,
                title=node.title,
                kind="item" if isinstance(node, Item) else "indicator",
                depth=path.count("."),
                max=node.max,
                bonus=node.bonus,
                points=Decimal(entry[0]),
                explanation=entry[1],
                capped=bool(flags.get("capped")),
                zeroed=flags.get("zeroed"),
                cite_seed=cite.seed if cite else "",
                cite_quote=cite.quote if cite else "",
            )
        )
    return lines
