"""Rules scaling a value: linear with clamp, steps above a reference (catalogue 7-8)."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Literal

from ..decimals import ONE, ZERO, NonNegative, Num, Positive
from ..display import fmt_num, fmt_pct
from .base import Ctx, NumericFact, Outcome, Rule, missing_fact, pts, register


@register
class LinearRule(Rule):
    """7. value >= start -> start_points + per_points x (full) pers above start, at most max."""

    type: Literal["linear"]
    fact: NumericFact
    start: Num
    start_points: Num
    per: Positive
    per_points: Num
    max: Num | None = None
    stepwise: bool = True
    otherwise: AnyRule | None = None  # noqa: F821 - resolved when the registry is complete

    def evaluate(self, ctx: Ctx) -> Outcome:
        fact = self.fact
        value = ctx.values[fact]
        if fact not in ctx.missing and value >= self.start:
            return self._above(ctx, value)
        head = (
            f"{ctx.label(fact)}未提供"
            if fact in ctx.missing
            else f"{ctx.label(fact)} {ctx.show(fact, value)} < {ctx.show(fact, self.start)}"
        )
        if self.otherwise is None:
            return ZERO, f"{head} → 0 分"
        points, explanation = self.otherwise.evaluate(ctx)
        return points, f"{head}；{explanation}"

    def _above(self, ctx: Ctx, value: Decimal) -> Outcome:
        fact = self.fact
        steps = (value - self.start) / self.per
        if self.stepwise:
            steps = steps.to_integral_value(rounding=ROUND_FLOOR)
        raw = self.start_points + self.per_points * steps
        head = (
            f"{ctx.label(fact)} {ctx.show(fact, value)} ≥ {ctx.show(fact, self.start)}："
            f"{fmt_num(self.start_points)} + {fmt_num(self.per_points)} × {fmt_num(steps)}"
        )
        if self.max is not None and raw > self.max:
            return self.max, f"{head} = {fmt_num(raw)}，封顶 {pts(self.max)}"
        return raw, f"{head} = {pts(raw)}"

    def max_points(self) -> Decimal | None:
        own = self.max if self.max is not None or self.per_points > 0 else self.start_points
        if self.otherwise is None:
            return own
        other = self.otherwise.max_points()
        return None if own is None or other is None else max(own, other)

    def needs_pool(self) -> bool:
        return self.otherwise is not None and self.otherwise.needs_pool()

    def subrules(self) -> tuple[Rule, ...]:
        return () if self.otherwise is None else (self.otherwise,)

    def inputs(self) -> tuple[str, ...] | None:
        if self.otherwise is None:
            return (self.fact,)
        other = self.otherwise.inputs()
        return None if other is None else (self.fact, *other)


@register
class StepsAboveRule(Rule):
    """8. points x number of `step`s by which value exceeds reference, at most cap.

    ``strict: true`` (超过): a step counts only when exceeded, so exactly +10% is 0 steps of 10%.
    """

    type: Literal["steps_above"]
    fact: NumericFact
    reference: NumericFact
    step: Positive
    points: Num
    cap: NonNegative | None = None
    strict: bool = True

    def evaluate(self, ctx: Ctx) -> Outcome:
        fact, ref = self.fact, self.reference
        if fact in ctx.missing:
            return missing_fact(ctx, fact)
        value, base = ctx.values[fact], ctx.values[ref]
        if ref in ctx.missing or base <= 0:
            return ZERO, f"{ctx.label(ref)}未提供或不大于 0，无法比较 → 0 分"
        head = f"{ctx.label(fact)} {ctx.show(fact, value)}"
        above = value / base - ONE
        if above <= 0:
            return ZERO, f"{head} 未超过{ctx.label(ref)} {ctx.show(ref, base)} → 0 分"
        steps = self._steps(above)
        raw = steps * self.points
        shown = f"{fmt_num(raw)}，封顶 {pts(self.cap)}" if self._over(raw) else pts(raw)
        if self._over(raw):
            raw = self.cap  # type: ignore[assignment]
        return raw, (
            f"{head} 比{ctx.label(ref)} {ctx.show(ref, base)} 高 {fmt_pct(above)}，"
            f"每 {fmt_pct(self.step)} 一档共 {fmt_num(steps)} 档 × {fmt_num(self.points)} = {shown}"
        )

    def _steps(self, above: Decimal) -> Decimal:
        ratio = above / self.step
        if self.strict:
            return ratio.to_integral_value(rounding=ROUND_CEILING) - ONE
        return ratio.to_integral_value(rounding=ROUND_FLOOR)

    def _over(self, raw: Decimal) -> bool:
        return self.cap is not None and raw > self.cap

    def max_points(self) -> Decimal | None:
        if self.points <= 0:
            return ZERO
        return self.cap

    def inputs(self) -> tuple[str, ...]:
        return (self.fact, self.reference)
