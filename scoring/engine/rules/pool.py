"""Rules comparing a candidate with the pool: relative to the best, baseline share (10-11)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, Decimal
from typing import Any, Literal

from pydantic import ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from ..decimals import ZERO, NonNegative, Num, Positive
from ..display import fmt_num, fmt_pct
from ..facts import NUMERIC
from .base import Ctx, FactName, NumericFact, Outcome, Rule, context_of, pts, register

POOL_SUM = "pool_sum"


@register
class RelativeToBestRule(Rule):
    """10. The pool's best gets max; every full `per` (of the best) below it loses per_points."""

    type: Literal["relative_to_best"]
    fact: NumericFact
    max: NonNegative
    per: Positive
    per_points: NonNegative

    def needs_pool(self) -> bool:
        return True

    def prepare(self, pool: Sequence[Ctx]) -> Decimal:
        fact = self.fact
        return max((ctx.values[fact] for ctx in pool), default=ZERO)

    def evaluate(self, ctx: Ctx) -> Outcome:
        fact = self.fact
        best: Decimal = ctx.prepared[id(self)]
        value = ctx.values[fact]
        if best <= 0:
            return ZERO, f"{ctx.label(fact)}：全体最高值为 {ctx.show(fact, best)} → 0 分"
        short = (best - value) / best
        steps = (short / self.per).to_integral_value(rounding=ROUND_FLOOR)
        points = max(self.max - steps * self.per_points, ZERO)
        return points, (
            f"{ctx.label(fact)} {ctx.show(fact, value)}，最高 {ctx.show(fact, best)}，"
            f"低 {fmt_pct(short)}：{fmt_num(self.max)} − {fmt_num(self.per_points)} × "
            f"{fmt_num(steps)} → {pts(points)}"
        )

    def max_points(self) -> Decimal:
        return self.max

    def inputs(self) -> tuple[str, ...]:
        return (self.fact,)


@register
class BaselineShareRule(Rule):
    """11. baseline = total x share; value >= threshold x baseline -> points, else 0."""

    type: Literal["baseline_share"]
    fact: NumericFact
    share_fact: NumericFact
    total: str
    threshold: Num = Decimal("0.5")
    points: Num
    strict: bool = False

    @field_validator("total")
    @classmethod
    def _total_known(cls, value: str, info: ValidationInfo) -> str:
        kinds = context_of(info).get("kinds")
        if value == POOL_SUM or kinds is None:
            return value
        if kinds.get(value) not in NUMERIC | {"?"}:
            raise PydanticCustomError(
                "fact_undeclared",
                "total 应为 pool_sum 或已声明的数值型事实，实际为 '{name}'",
                {"name": value},
            )
        return FactName(value)

    def needs_pool(self) -> bool:
        return self.total == POOL_SUM

    def prepare(self, pool: Sequence[Ctx]) -> Any:
        if self.total != POOL_SUM:
            return None
        fact = self.fact
        return sum((ctx.values[fact] for ctx in pool), ZERO)

    def evaluate(self, ctx: Ctx) -> Outcome:
        fact, share_fact = self.fact, self.share_fact
        if self.total == POOL_SUM:
            total, total_label = ctx.prepared[id(self)], "全体合计"
        else:
            total, total_label = ctx.values[self.total], ctx.label(self.total)
        share, value = ctx.values[share_fact], ctx.values[fact]
        need = self.threshold * total * share
        met = value > need if self.strict else value >= need
        sign = (">" if self.strict else "≥") if met else ("≤" if self.strict else "<")
        points = self.points if met else ZERO
        return points, (
            f"{ctx.label(fact)} {ctx.show(fact, value)} {sign} {fmt_pct(self.threshold)} × 基准值 "
            f"{fmt_num(total * share)}（{total_label} {fmt_num(total)} × "
            f"{ctx.label(share_fact)} {fmt_pct(share)}）→ {pts(points)}"
        )

    def max_points(self) -> Decimal:
        return max(self.points, ZERO)

    def inputs(self) -> tuple[str, ...]:
        if self.total == POOL_SUM:
            return (self.fact, self.share_fact)
        return (self.fact, self.share_fact, self.total)
