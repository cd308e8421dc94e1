"""What every rule type shares: the evaluation context, fact references and the registry."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationInfo
from pydantic_core import PydanticCustomError

from ..decimals import ZERO
from ..display import fmt_num
from ..expressions import Evaluator, Expression, ExpressionError
from ..facts import NUMERIC, FactInfo

Outcome = tuple[Decimal, str]


class EvaluationError(Exception):
    """A rule could not be evaluated for one candidate (bad data, failed expression)."""


class Ctx:
    """One candidate's view during evaluation: coerced values, what was missing, pool statistics."""

    __slots__ = ("cid", "errors", "evaluator", "info", "missing", "prepared", "values")

    def __init__(
        self,
        cid: str,
        values: dict[str, Any],
        missing: set[str],
        info: dict[str, FactInfo],
        evaluator: Evaluator,
    ) -> None:
        self.cid = cid
        self.values = values
        self.missing = missing
        self.info = info
        self.evaluator = evaluator
        self.prepared: dict[int, Any] = {}
        self.errors: list[str] = []

    def label(self, name: str) -> str:
        """The human label of a fact, derived fact or param."""
        return self.info[name].label

    def show(self, name: str, value: Any) -> str:
        """A value formatted the way the named fact is shown."""
        return self.info[name].show(value)

    def calc(self, expression: Expression, names: dict[str, Any] | None = None) -> Any:
        """Evaluate an expression over this candidate's values (or the given names)."""
        try:
            return self.evaluator.value(expression, self.values if names is None else names)
        except ExpressionError as exc:
            raise EvaluationError(str(exc)) from None

    def calc_record(self, expression: Expression, record: dict[str, Any]) -> Any:
        """Evaluate an aggregate.expr over this candidate's values and one record (``r``)."""
        try:
            return self.evaluator.record_value(expression, self.values, record)
        except ExpressionError as exc:
            raise EvaluationError(str(exc)) from None


def missing_fact(ctx: Ctx, name: str) -> Outcome:
    """The outcome when the fact an item rests on was not provided."""
    return ZERO, f"{ctx.label(name)}未提供 → 0 分"


def pts(points: Decimal) -> str:
    """``→ 2 分``-style points for explanations."""
    return f"{fmt_num(points)} 分"


class Rule(BaseModel):
    """Base of every rule type: parameters are the fields, behaviour the methods."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def evaluate(self, ctx: Ctx) -> Outcome:
        """Points for one candidate, with a one-line Chinese explanation."""
        raise NotImplementedError

    def max_points(self) -> Decimal | None:
        """The most this rule can ever give (None: unbounded)."""
        raise NotImplementedError

    def needs_pool(self) -> bool:
        """Whether evaluation needs statistics over the whole pool (see prepare)."""
        return False

    def prepare(self, pool: Sequence[Ctx]) -> Any:
        """Pool statistics for evaluate, computed once per evaluation (ctx.prepared[id(self)])."""
        return None

    def subrules(self) -> tuple[Rule, ...]:
        """Rules nested inside this one."""
        return ()

    def reads_pool(self) -> bool:
        """Whether this rule or any rule nested in it needs the pool: its points then depend
        on the other candidates, and the rubric is evaluated over the whole pool."""
        return self.needs_pool() or any(sub.reads_pool() for sub in self.subrules())

    def inputs(self) -> tuple[str, ...] | None:
        """The facts this rule's outcome is a pure function of (given the pool statistics, which
        are fixed while scoring), or None. Lets evaluation reuse outcomes across candidates."""
        return None


REGISTRY: dict[str, Any] = {}
R = TypeVar("R", bound=type[Rule])


def register(cls: R) -> R:
    """Class decorator: make a rule type available under its ``type`` tag."""
    (tag,) = cls.model_fields["type"].annotation.__args__  # type: ignore[union-attr]
    REGISTRY[tag] = cls
    return cls


def register_union(tag: str, annotation: Any) -> None:
    """Register a type tag whose parameters are a union of classes (rank's modes)."""
    REGISTRY[tag] = annotation


class FactName(str):
    """A name validated against the rubric's declarations (used to find what a rule reads)."""

    __slots__ = ()


def _fact_ref(kinds: frozenset[str], what: str) -> Callable[[str, ValidationInfo], FactName]:
    def check(value: str, info: ValidationInfo) -> FactName:
        declared = (info.context or {}).get("kinds")
        if declared is None:
            return FactName(value)
        kind = declared.get(value)
        if kind is None:
            raise PydanticCustomError(
                "fact_undeclared",
                "未声明的事实 '{name}'（请在 facts 或 derived 中声明）",
                {"name": value},
            )
        if kind not in kinds and kind != "?":
            raise PydanticCustomError(
                "fact_kind",
                "事实 '{name}' 的类型是 {kind}，这里需要{what}",
                {"name": value, "kind": kind, "what": what},
            )
        return FactName(value)

    return check


NumericFact = Annotated[
    str, AfterValidator(_fact_ref(NUMERIC, "数值型事实（number/count/ratio/score/rank）"))
]
BoolFact = Annotated[str, AfterValidator(_fact_ref(NUMERIC | {"bool"}, "布尔型或数值型事实"))]
MonthlyFact = Annotated[str, AfterValidator(_fact_ref(frozenset({"monthly"}), "monthly 类型事实"))]
RecordsFact = Annotated[str, AfterValidator(_fact_ref(frozenset({"records"}), "records 类型事实"))]
CategoriesFact = Annotated[
    str, AfterValidator(_fact_ref(frozenset({"categories"}), "categories 类型事实"))
]


def engine_error(message: str, *subpath: str | int) -> PydanticCustomError:
    """A validation error; ``subpath`` extends the location (e.g. ``"tiers", 2, "min"``)."""
    return PydanticCustomError("engine", "{message}", {"message": message, "subpath": subpath})


def context_of(info: ValidationInfo) -> dict[str, Any]:
    """The rubric-wide validation context (empty when validating outside a rubric)."""
    return info.context or {}
