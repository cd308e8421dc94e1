"""Rules combining values: weighted composite, free expression (catalogue 14, 16)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..decimals import NonNegative, Num, to_decimal
from ..display import fmt_num, fmt_pct
from ..expressions import Expr
from .base import Ctx, EvaluationError, NumericFact, Outcome, Rule, engine_error, pts, register
from .records import Scale


def _number(ctx: Ctx, value: Any, text: str) -> Decimal:
    if isinstance(value, bool):
        return Decimal(int(value))
    try:
        return to_decimal(value)
    except ValueError as exc:
        raise EvaluationError(f"{text}：{exc}") from None


class Part(BaseModel):
    """One weighted component: a fact or an expression."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fact: NumericFact | None = None
    expr: Expr | None = None
    weight: Num
    label: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Part:
        if (self.fact is None) == (self.expr is None):
            raise engine_error("fact 和 expr 必须且只能给出一个")
        return self

    def value(self, ctx: Ctx) -> tuple[Decimal, str]:
        """The component's value and its label."""
        if self.fact is not None:
            return ctx.values[self.fact], self.label or ctx.label(self.fact)
        text = self.expr.text  # type: ignore[union-attr]
        return _number(ctx, ctx.calc(self.expr), text), self.label or text  # type: ignore[arg-type]


@register
class WeightedRule(Rule):
    """14. sum of value x weight ("任务完成 40% + 发现问题 50% + 宣传 10%"), optionally scaled."""

    type: Literal["weighted"]
    parts: list[Part] = Field(min_length=1)
    scale: Scale | None = None
    max: NonNegative | None = None

    def evaluate(self, ctx: Ctx) -> Outcome:
        total, terms = Decimal(0), []
        for part in self.parts:
            value, label = part.value(ctx)
            total += value * part.weight
            terms.append(f"{label} {fmt_num(value)} × {fmt_pct(part.weight)}")
        text = " + ".join(terms) + f" = {fmt_num(total)}"
        if self.scale is not None:
            total = self.scale.apply(total)
            text += f"，折算 {fmt_num(self.scale.source)} → {fmt_num(self.scale.to)}"
        if self.max is not None and total > self.max:
            return self.max, f"{text}，封顶 {pts(self.max)}"
        return total, f"{text} → {pts(total)}"

    def max_points(self) -> Decimal | None:
        return self.max

    def inputs(self) -> tuple[str, ...]:
        names: set[str] = set()
        for part in self.parts:
            names |= {part.fact} if part.fact is not None else set(part.expr.names)  # type: ignore[union-attr]
        return tuple(sorted(names))


@register
class ExprRule(Rule):
    """16. A safe expression over declared names, for a sentence no other type says plainly."""

    type: Literal["expr"]
    expr: Expr
    max: Num | None = None
    min: Num | None = None

    def evaluate(self, ctx: Ctx) -> Outcome:
        text = self.expr.text
        value = _number(ctx, ctx.calc(self.expr), text)
        if self.max is not None and value > self.max:
            return self.max, f"{text} = {fmt_num(value)}，封顶 {pts(self.max)}"
        if self.min is not None and value < self.min:
            return self.min, f"{text} = {fmt_num(value)}，不低于 {pts(self.min)}"
        return value, f"{text} = {pts(value)}"

    def max_points(self) -> Decimal | None:
        return self.max

    def inputs(self) -> tuple[str, ...]:
        return tuple(sorted(self.expr.names))
