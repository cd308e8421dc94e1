"""Rules over structured facts: monthly criteria, aggregates of records (catalogue 12-13)."""

from __future__ import annotations

import re
from decimal import ROUND_CEILING, Decimal
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from ..decimals import ZERO, NonNegative, Num, Positive, PositiveInt, to_decimal
from ..display import fmt_num
from ..expressions import RecordExpr
from .base import (
    Ctx,
    EvaluationError,
    MonthlyFact,
    Outcome,
    RecordsFact,
    Rule,
    context_of,
    engine_error,
    missing_fact,
    pts,
    register,
)

Month = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class Window(BaseModel):
    """An inclusive range of months."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    start: Month = Field(alias="from")
    end: Month = Field(alias="to")

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.start > self.end:
            raise engine_error(f"窗口起始月份 {self.start} 晚于结束月份 {self.end}")
        return self

    def months(self) -> tuple[str, ...]:
        """Every month from start to end, as YYYY-MM."""
        year, month = (int(part) for part in _MONTH.match(self.start).groups())  # type: ignore[union-attr]
        months = []
        while (current := f"{year:04d}-{month:02d}") <= self.end:
            months.append(current)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return tuple(months)


@register
class MonthlyRule(Rule):
    """12. Each month with value >= min earns `each`; every month qualifying earns `all` instead."""

    type: Literal["monthly"]
    fact: MonthlyFact
    months: list[Month] | None = None
    window: Window | None = None
    min: Num
    each: Num
    all: Num | None = None

    @model_validator(mode="after")
    def _one_period(self) -> MonthlyRule:
        if (self.months is None) == (self.window is None):
            raise engine_error("months 和 window 必须且只能给出一个")
        if self.months is not None and not self.months:
            raise engine_error("months 不能为空", "months")
        return self

    @cached_property
    def period(self) -> tuple[str, ...]:
        """The months the rule looks at."""
        return tuple(self.months) if self.months is not None else self.window.months()  # type: ignore[union-attr]

    def evaluate(self, ctx: Ctx) -> Outcome:
        fact = self.fact
        if fact in ctx.missing:
            return missing_fact(ctx, fact)
        data, period, threshold = ctx.values[fact], self.period, self.min
        met = sum(1 for month in period if data.get(month, ZERO) >= threshold)
        head = f"{ctx.label(fact)}：{len(period)} 个月中"
        shown_min = ctx.show(fact, threshold)
        if self.all is not None and met == len(period):
            return self.all, f"{head}每月均 ≥ {shown_min} → {pts(self.all)}"
        points = met * self.each
        each = fmt_num(self.each)
        return points, f"{head} {met} 个月 ≥ {shown_min}：{met} × {each} = {pts(points)}"

    def max_points(self) -> Decimal:
        return max(ZERO, len(self.period) * self.each, self.all or ZERO)


class Scale(BaseModel):
    """Maps a 0..from score to 0..to points (a 100-point case file worth 4)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    source: Positive = Field(alias="from")
    to: NonNegative

    def apply(self, value: Decimal) -> Decimal:
        """The scaled value."""
        return value * self.to / self.source


_HOW = {
    "mean": "平均",
    "mean_missing_zero": "按应交份数平均（缺少的按 0 分）",
    "best": "取最好成绩",
    "sum": "合计",
    "top_half_mean": "取前 50% 平均",
}


@register
class AggregateRule(Rule):
    """13. Reduce a field (or per-record expr) over records: mean, best, sum, top-half mean..."""

    type: Literal["aggregate"]
    fact: RecordsFact
    field: str | None = None
    expr: RecordExpr | None = None
    how: Literal["mean", "mean_missing_zero", "best", "sum", "top_half_mean"]
    expected: PositiveInt | None = None
    scale: Scale | None = None
    per_record_max: NonNegative | None = None
    grave_field: str | None = None
    grave_penalty: NonNegative = ZERO
    cap: NonNegative | None = None

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> AggregateRule:
        if (self.field is None) == (self.expr is None):
            raise engine_error("field 和 expr 必须且只能给出一个")
        if self.how == "mean_missing_zero" and self.expected is None:
            raise engine_error("how: mean_missing_zero 需要 expected（应交份数）", "expected")
        fields = context_of(info).get("fields", {}).get(self.fact)
        if fields is not None:
            self._check_fields(fields)
        return self

    def _check_fields(self, fields: dict[str, str]) -> None:
        for key in ("field", "grave_field"):
            name = getattr(self, key)
            if name is not None and name not in fields:
                raise engine_error(f"记录 {self.fact!r} 没有声明字段 {name!r}", key)
        unknown = sorted(self.expr.fields - fields.keys()) if self.expr is not None else []
        if unknown:
            raise engine_error(f"记录 {self.fact!r} 没有声明字段 {', '.join(unknown)}", "expr")

    def evaluate(self, ctx: Ctx) -> Outcome:
        fact = self.fact
        if fact in ctx.missing:
            return missing_fact(ctx, fact)
        records = ctx.values[fact]
        scores, grave = self._scores(ctx, records)
        reduced = self._reduce(scores)
        points = reduced - grave * self.grave_penalty
        text = f"{ctx.label(fact)} {len(records)} 份，{_HOW[self.how]} {fmt_num(reduced)}"
        if grave:
            text += f"；{grave} 份存在严重问题按 0 分计"
            if self.grave_penalty:
                text += f"，另扣 {fmt_num(grave * self.grave_penalty)} 分"
        if self.cap is not None and points > self.cap:
            return self.cap, f"{text} = {fmt_num(points)}，封顶 {pts(self.cap)}"
        return points, f"{text} → {pts(points)}"

    def _scores(self, ctx: Ctx, records: list[dict[str, Any]]) -> tuple[list[Decimal], int]:
        scores: list[Decimal] = []
        grave = 0
        for record in records:
            if self.grave_field is not None and record[self.grave_field]:
                grave += 1
                scores.append(ZERO)
                continue
            score = self._score(ctx, record)
            if self.scale is not None:
                score = self.scale.apply(score)
            if self.per_record_max is not None:
                score = min(score, self.per_record_max)
            scores.append(score)
        return scores, grave

    def _score(self, ctx: Ctx, record: dict[str, Any]) -> Decimal:
        if self.field is not None:
            return to_decimal(record[self.field])
        try:
            return to_decimal(ctx.calc_record(self.expr, record))  # type: ignore[arg-type]
        except ValueError as exc:
            raise EvaluationError(f"{self.expr.text}：{exc}") from None  # type: ignore[union-attr]

    def _reduce(self, scores: list[Decimal]) -> Decimal:
        if not scores:
            return ZERO
        if self.how == "best":
            return max(scores)
        if self.how == "sum":
            return sum(scores, ZERO)
        if self.how == "mean_missing_zero":
            return sum(scores, ZERO) / max(self.expected or 0, len(scores))
        if self.how == "top_half_mean":
            keep = int((Decimal(len(scores)) / 2).to_integral_value(rounding=ROUND_CEILING))
            scores = sorted(scores, reverse=True)[:keep]
        return sum(scores, ZERO) / len(scores)

    def _per_record(self) -> Decimal | None:
        if self.per_record_max is not None:
            return self.per_record_max
        return self.scale.to if self.scale is not None else None

    def max_points(self) -> Decimal | None:
        each = self._per_record()
        if each is None:
            reach = None
        elif self.how == "sum":
            reach = each * self.expected if self.expected is not None else None
        else:
            reach = each
        if self.cap is not None:
            return self.cap if reach is None else min(reach, self.cap)
        return reach
