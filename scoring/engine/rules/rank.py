"""9. Rank-based points: from the pool's own ranking or an external rank, in four modes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator

from ..decimals import ZERO, NonNegative, Num, Positive, PositiveInt
from ..display import fmt_num, fmt_pct
from .base import Ctx, NumericFact, Outcome, Rule, engine_error, pts, register_union


@dataclass(frozen=True, slots=True)
class RankStats:
    """The pool's ranking: ranks by candidate (pool source), how many ranked, the last rank."""

    ranks: dict[str, int]
    count: int
    last: int


def competition_ranks(values: Sequence[tuple[str, Decimal]]) -> dict[str, int]:
    """Higher is better; ties share a rank and the next rank skips (1, 1, 3)."""
    ordered = sorted(values, key=lambda pair: (-pair[1], pair[0]))
    ranks: dict[str, int] = {}
    previous: Decimal | None = None
    rank = 0
    for position, (cid, value) in enumerate(ordered, start=1):
        if value != previous:
            rank, previous = position, value
        ranks[cid] = rank
    return ranks


class _Rank(Rule):
    type: Literal["rank"]
    fact: NumericFact
    source: Literal["pool", "external"]
    of: PositiveInt | None = None

    def needs_pool(self) -> bool:
        return self.source == "pool" or self.of is None

    def prepare(self, pool: Sequence[Ctx]) -> RankStats:
        fact = self.fact
        present = [ctx for ctx in pool if fact not in ctx.missing]
        if self.source == "pool":
            ranks = competition_ranks([(ctx.cid, ctx.values[fact]) for ctx in present])
        else:
            ranks = {ctx.cid: ctx.values[fact] for ctx in present}
        return RankStats(ranks, len(ranks), max(ranks.values(), default=0))

    def inputs(self) -> tuple[str, ...]:
        return (self.fact,)  # a pool rank depends only on the value: equal values share a rank

    def evaluate(self, ctx: Ctx) -> Outcome:
        fact = self.fact
        if fact in ctx.missing:
            return ZERO, f"{ctx.label(fact)}：无名次 → 0 分"
        stats: RankStats | None = ctx.prepared.get(id(self))
        if self.source == "pool":
            rank = stats.ranks[ctx.cid]  # type: ignore[union-attr]
            head = f"{ctx.label(fact)} {ctx.show(fact, ctx.values[fact])}，第 {rank} 名"
        else:
            rank = int(ctx.values[fact])
            head = f"{ctx.label(fact)}第 {rank} 名"
        points, detail = self.points_at(rank, stats)
        return points, f"{head}{detail} → {pts(points)}"

    def points_at(self, rank: int, stats: RankStats | None) -> tuple[Decimal, str]:
        """Points for a rank, with a short note on how (e.g. "（共 10 名）")."""
        raise NotImplementedError


def _between(best: Decimal, worst: Decimal, rank: int, last: int) -> Decimal:
    if last <= 1:
        return best
    return best - (best - worst) * (rank - 1) / Decimal(last - 1)


class RankLinear(_Rank):
    """Rank 1 -> best, the last rank (or `of`) -> worst, linear between; beyond -> 0."""

    mode: Literal["linear"]
    best: Num
    worst: Num

    def points_at(self, rank: int, stats: RankStats | None) -> tuple[Decimal, str]:
        last = self.of if self.of is not None else stats.last  # type: ignore[union-attr]
        if rank > last:
            return ZERO, f"，在前 {last} 名之外"
        return _between(self.best, self.worst, rank, last), f"（共 {last} 名）"

    def max_points(self) -> Decimal:
        return max(self.best, self.worst, ZERO)


class RankTable(_Rank):
    """Points looked up by rank; any other rank gets `default`."""

    mode: Literal["table"]
    table: dict[PositiveInt, Num] = Field(min_length=1)
    default: Num = ZERO

    def needs_pool(self) -> bool:
        return self.source == "pool"

    def points_at(self, rank: int, stats: RankStats | None) -> tuple[Decimal, str]:
        if rank in self.table:
            return self.table[rank], ""
        return self.default, "，不在名次表中"

    def max_points(self) -> Decimal:
        return max(self.default, *self.table.values())


class RankBands(_Rank):
    """First place gets best; every started band (fraction of the pool) after it loses decrement.

    Position of rank r among N: (r - 1) / N; bands started = ceil(position / band).
    """

    mode: Literal["bands"]
    best: Num
    band: Positive
    decrement: NonNegative
    min: Num = ZERO

    def points_at(self, rank: int, stats: RankStats | None) -> tuple[Decimal, str]:
        size = self.of if self.of is not None else max(stats.count, stats.last)  # type: ignore[union-attr]
        position = Decimal(rank - 1) / Decimal(size)
        bands = (position / self.band).to_integral_value(rounding=ROUND_CEILING)
        points = max(self.best - bands * self.decrement, self.min)
        return points, (
            f"（共 {size} 名，位于前 {fmt_pct(position)} 之后，{fmt_num(bands)} 个 "
            f"{fmt_pct(self.band)} 档：{fmt_num(self.best)} − {fmt_num(self.decrement)} × "
            f"{fmt_num(bands)}）"
        )

    def max_points(self) -> Decimal:
        return max(self.best, self.min)


class RankTopK(_Rank):
    """Rank <= k -> linear best..worst over ranks 1..k; otherwise 0 ("前 200 名...得 1—5 分")."""

    mode: Literal["top_k"]
    k: PositiveInt
    best: Num
    worst: Num

    @model_validator(mode="after")
    def _no_of(self) -> RankTopK:
        if self.of is not None:
            raise engine_error("top_k 模式用 k 表示名单长度，不使用 of", "of")
        return self

    def needs_pool(self) -> bool:
        return self.source == "pool"

    def points_at(self, rank: int, stats: RankStats | None) -> tuple[Decimal, str]:
        if rank > self.k:
            return ZERO, f"，未进入前 {self.k} 名"
        return _between(self.best, self.worst, rank, self.k), f"（前 {self.k} 名内）"

    def max_points(self) -> Decimal:
        return max(self.best, self.worst, ZERO)


register_union(
    "rank",
    Annotated[RankLinear | RankTable | RankBands | RankTopK, Field(discriminator="mode")],
)
