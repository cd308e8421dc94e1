"""Rules on counts: per occurrence, deductions, weighted categories (catalogue 4-6, 15)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import Field, ValidationInfo, model_validator

from ..decimals import ZERO, NonNegative, Num
from ..display import fmt_num
from .base import (
    CategoriesFact,
    Ctx,
    NumericFact,
    Outcome,
    Rule,
    context_of,
    engine_error,
    missing_fact,
    pts,
    register,
)


def _capped(raw: Decimal, cap: Decimal | None) -> tuple[Decimal, str]:
    if cap is not None and raw > cap:
        return cap, f"{fmt_num(raw)}，封顶 {pts(cap)}"
    return raw, pts(raw)


@register
class PerOccurrenceRule(Rule):
    """4. count x each, at most cap ("每件得0.5分，最高得6分")."""

    type: Literal["per_occurrence"]
    fact: NumericFact
    each: Num
    cap: NonNegative | None = None

    def evaluate(self, ctx: Ctx) -> Outcome:
        fact = self.fact
        if fact in ctx.missing:
            return missing_fact(ctx, fact)
        count = ctx.values[fact]
        points, shown = _capped(count * self.each, self.cap)
        return points, f"{ctx.label(fact)} {ctx.show(fact, count)} × {fmt_num(self.each)} = {shown}"

    def max_points(self) -> Decimal | None:
        if self.each <= 0:
            return ZERO
        return self.cap

    def inputs(self) -> tuple[str, ...]:
        return (self.fact,)


@register
class DeductionRule(Rule):
    """6. -min(count x each, cap); the enclosing node's floor makes it "扣完为止"."""

    type: Literal["deduction"]
    fact: NumericFact
    each: NonNegative
    cap: NonNegative | None = None

    def evaluate(self, ctx: Ctx) -> Outcome:
        fact = self.fact
        label = ctx.label(fact)
        if fact in ctx.missing:
            return ZERO, f"{label}未提供 → 不扣分"
        count = ctx.values[fact]
        raw = count * self.each
        if raw <= 0:
            return ZERO, f"{label} {ctx.show(fact, count)} → 不扣分"
        head = f"{label} {ctx.show(fact, count)} × {fmt_num(self.each)} = {fmt_num(raw)}"
        if self.cap is not None and raw > self.cap:
            return -self.cap, f"{head}，最多扣 {fmt_num(self.cap)} 分，扣 {pts(self.cap)}"
        return -raw, f"{head}，扣 {pts(raw)}"

    def max_points(self) -> Decimal:
        return ZERO

    def inputs(self) -> tuple[str, ...]:
        return (self.fact,)


class _WeightedCategories(Rule):
    """Shared by the two rules that weigh category counts."""

    fact: CategoriesFact
    weights: dict[str, Num] = Field(min_length=1)
    cap: NonNegative | None = None

    @model_validator(mode="after")
    def _known_categories(self, info: ValidationInfo) -> Any:
        declared = context_of(info).get("categories", {}).get(self.fact)
        if declared is not None:
            for key in self.weights:
                if key not in declared:
                    raise engine_error(f"事实 {self.fact!r} 没有声明类别 {key!r}", "weights", key)
        return self

    def _once(self) -> frozenset[str]:
        return frozenset()

    def inputs(self) -> tuple[str, ...]:
        return (self.fact,)  # category counts are hashable (facts.Counts)

    def evaluate(self, ctx: Ctx) -> Outcome:
        fact = self.fact
        if fact in ctx.missing:
            return missing_fact(ctx, fact)
        counts, info, once = ctx.values[fact], ctx.info[fact], self._once()
        terms, raw = [], ZERO
        for key, weight in self.weights.items():
            count = counts[key]
            if count > 0 and key in once:
                count = min(count, Decimal(1))
            if count > 0:
                raw += count * weight
                terms.append(f"{info.category(key)} {fmt_num(count)} × {fmt_num(weight)}")
        if not terms:
            return ZERO, f"{info.label}：无 → 0 分"
        points, shown = _capped(raw, self.cap)
        return points, f"{info.label}：{' + '.join(terms)} = {shown}"


@register
class WeightedOccurrencesRule(_WeightedCategories):
    """5. sum of count x weight; a category in `once` counts at most once; at most cap."""

    type: Literal["weighted_occurrences"]
    once: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _once_weighted(self) -> WeightedOccurrencesRule:
        for i, key in enumerate(self.once):
            if key not in self.weights:
                raise engine_error(f"once 中的类别 {key!r} 不在 weights 中", "once", i)
        return self

    def _once(self) -> frozenset[str]:
        return frozenset(self.once)

    def max_points(self) -> Decimal | None:
        if all(key in self.once or w <= 0 for key, w in self.weights.items()):
            reach = sum((w for w in self.weights.values() if w > 0), ZERO)
            return reach if self.cap is None else min(reach, self.cap)
        return self.cap


@register
class WeightedCountRule(_WeightedCategories):
    """15. sum of count x weight (often as a derived fact feeding another rule)."""

    type: Literal["weighted_count"]

    def max_points(self) -> Decimal | None:
        if all(w <= 0 for w in self.weights.values()):
            return ZERO
        return self.cap
