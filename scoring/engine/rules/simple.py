"""Rules on one value: a bounded manual score, yes/no, tiers (catalogue 1-3)."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..decimals import ZERO, Num
from ..display import fmt_num
from .base import (
    BoolFact,
    Ctx,
    NumericFact,
    Outcome,
    Rule,
    engine_error,
    missing_fact,
    pts,
    register,
)


@register
class ManualRule(Rule):
    """1. A panel's score taken as is, clamped to [min, max] ("酌情得1—2分")."""

    type: Literal["manual"]
    fact: NumericFact
    min: Num = ZERO
    max: Num

    @model_validator(mode="after")
    def _ordered(self) -> ManualRule:
        if self.min > self.max:
            raise engine_error(f"min {fmt_num(self.min)} 大于 max {fmt_num(self.max)}", "min")
        return self

    def evaluate(self, ctx: Ctx) -> Outcome:
        fact = self.fact
        if fact in ctx.missing:
            return missing_fact(ctx, fact)
        value = ctx.values[fact]
        shown = f"{ctx.label(fact)} {ctx.show(fact, value)}"
        if value < self.min:
            return self.min, f"{shown} 低于下限 {fmt_num(self.min)}，按 {pts(self.min)}"
        if value > self.max:
            return self.max, f"{shown} 高于上限 {fmt_num(self.max)}，按 {pts(self.max)}"
        return value, f"{shown} → {pts(value)}"

    def max_points(self) -> Decimal:
        return self.max

    def inputs(self) -> tuple[str, ...]:
        return (self.fact,)


@register
class BooleanRule(Rule):
    """2. Yes -> points ("建设并使用电量监管系统的，得3分")."""

    type: Literal["boolean"]
    fact: BoolFact
    points: Num

    def evaluate(self, ctx: Ctx) -> Outcome:
        fact = self.fact
        if fact in ctx.missing:
            return missing_fact(ctx, fact)
        if ctx.values[fact]:
            return self.points, f"{ctx.label(fact)}：是 → {pts(self.points)}"
        return ZERO, f"{ctx.label(fact)}：否 → 0 分"

    def max_points(self) -> Decimal:
        return max(self.points, ZERO)

    def inputs(self) -> tuple[str, ...]:
        return (self.fact,)


class Tier(BaseModel):
    """One threshold of a tiers rule."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min: Num
    points: Num


@register
class TiersRule(Rule):
    """3. The first tier whose threshold the value meets ("95% 以上、不足 100% 的，得 2 分")."""

    type: Literal["tiers"]
    fact: NumericFact
    tiers: list[Tier] = Field(min_length=1)
    strict: bool = False

    @model_validator(mode="after")
    def _descending(self) -> TiersRule:
        for i in range(1, len(self.tiers)):
            if self.tiers[i].min >= self.tiers[i - 1].min:
                raise engine_error(
                    f"tiers 的门槛必须从高到低排列：{fmt_num(self.tiers[i].min)} "
                    f"不小于上一档 {fmt_num(self.tiers[i - 1].min)}",
                    "tiers",
                    i,
                    "min",
                )
        return self

    def evaluate(self, ctx: Ctx) -> Outcome:
        fact = self.fact
        if fact in ctx.missing:
            return missing_fact(ctx, fact)
        value = ctx.values[fact]
        head = f"{ctx.label(fact)} {ctx.show(fact, value)}"
        for tier in self.tiers:
            if value > tier.min if self.strict else value >= tier.min:
                sign = ">" if self.strict else "≥"
                return tier.points, f"{head} {sign} {ctx.show(fact, tier.min)} → {pts(tier.points)}"
        lowest = self.tiers[-1].min
        return ZERO, f"{head} {'≤' if self.strict else '<'} {ctx.show(fact, lowest)} → 0 分"

    def max_points(self) -> Decimal:
        return max(ZERO, *(tier.points for tier in self.tiers))

    def inputs(self) -> tuple[str, ...]:
        return (self.fact,)
