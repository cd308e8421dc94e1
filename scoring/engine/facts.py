"""Fact declarations and the coercion of raw candidate values into typed values."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, field_validator, model_validator

from .decimals import ZERO, _from_int, to_decimal
from .display import fmt_num, fmt_pct
from .expressions import valid_name

FactType = Literal[
    "number", "count", "ratio", "bool", "rank", "score", "monthly", "records", "categories"
]
FieldType = Literal["number", "count", "ratio", "score", "bool", "text"]
FACT_TYPES: tuple[str, ...] = FactType.__args__  # type: ignore[attr-defined]

NUMERIC = frozenset({"number", "count", "ratio", "score", "rank"})
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


def _check_name(name: str) -> str:
    if not _NAME.match(name) or not valid_name(name):
        raise ValueError(f"名称 {name!r} 无效：只能用小写字母、数字和下划线，且不能以数字开头")
    return name


# Names used in expressions: facts, derived facts, params, record fields.
Name = Annotated[str, AfterValidator(_check_name)]


class FactSpec(BaseModel):
    """One input a rubric reads (``facts:`` entry)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: FactType
    label: str
    unit: str | None = None
    value_type: Literal["number", "ratio", "count"] | None = None  # monthly: how to show values
    fields: dict[Name, FieldType] | None = None  # records
    categories: dict[str, str] | None = None  # categories: key -> label
    notes: list[str] = []

    @field_validator("categories", mode="before")
    @classmethod
    def _list_to_labels(cls, value: Any) -> Any:
        return {str(key): str(key) for key in value} if isinstance(value, list) else value

    @model_validator(mode="after")
    def _fits_type(self) -> FactSpec:
        if (self.type == "records") != (self.fields is not None):
            raise ValueError("fields 必须且只能用于 records 类型的事实")
        if self.categories is not None and self.type != "categories":
            raise ValueError("categories 只能用于 categories 类型的事实")
        if self.value_type is not None and self.type != "monthly":
            raise ValueError("value_type 只能用于 monthly 类型的事实")
        return self


class Counts(dict[str, Decimal]):
    """Category counts; a category nobody reported counts 0.

    Hashable, so that an item scored from category counts can reuse the result of an earlier
    candidate with equal counts: a Counts is built once by coercion and never changed after."""

    __slots__ = ("_hash",)

    def __missing__(self, key: str) -> Decimal:
        return ZERO

    def __hash__(self) -> int:  # type: ignore[override]
        try:
            return self._hash
        except AttributeError:
            self._hash: int = hash(frozenset(self.items()))
            return self._hash


def _count(value: object) -> Decimal:
    if type(value) is int and value >= 0:
        return _from_int(value)  # the common case: a JSON integer
    number = to_decimal(value)
    if number < 0 or number != number.to_integral_value():
        raise ValueError(f"应为非负整数，实际为 {value!r}")
    return number


def _bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | Decimal) and value in (0, 1):
        return bool(value)
    raise ValueError(f"应为布尔值，实际为 {value!r}")


def _rank(value: object) -> int:
    number = to_decimal(value)
    if number < 1 or number != number.to_integral_value():
        raise ValueError(f"名次应为 ≥ 1 的整数，实际为 {value!r}")
    return int(number)


def _monthly(value: object) -> dict[str, Decimal]:
    if not isinstance(value, Mapping):
        raise ValueError(f"应为 月份 -> 数值 的映射，实际为 {type(value).__name__}")
    months: dict[str, Decimal] = {}
    for month, amount in value.items():
        if month not in _KNOWN_MONTHS:
            if not isinstance(month, str) or not _MONTH.match(month):
                raise ValueError(f"月份应为 YYYY-MM，实际为 {month!r}")
            _KNOWN_MONTHS.add(month)
        months[month] = to_decimal(amount)
    return months


# Month keys already checked: every candidate reports the same dozen months.
_KNOWN_MONTHS: set[str] = set()


def _categories(value: object) -> Counts:
    if not isinstance(value, Mapping):
        raise ValueError(f"应为 类别 -> 次数 的映射，实际为 {type(value).__name__}")
    key: tuple[Any, ...] | None = tuple(value.items())
    # Only plain integer counts are remembered: True == 1 would otherwise find 1's entry.
    if all(type(count) is int for _name, count in key):  # type: ignore[union-attr]
        known = _KNOWN_COUNTS.get(key)  # type: ignore[arg-type]
        if known is not None:
            return known
    else:
        key = None
    counts = Counts({str(name): _count(count) for name, count in value.items()})
    if key is not None and len(_KNOWN_COUNTS) < _KNOWN_COUNTS_LIMIT:
        _KNOWN_COUNTS[key] = counts
    return counts


# Category counts already coerced, by their raw items: candidates report the same few small
# counts. A Counts is never changed after coercion, so candidates can share one.
_KNOWN_COUNTS: dict[tuple[Any, ...], Counts] = {}
_KNOWN_COUNTS_LIMIT = 50_000


def _text(value: object) -> str:
    return str(value)


_FIELD_COERCERS: dict[str, Callable[[object], Any]] = {
    "number": to_decimal,
    "count": _count,
    "ratio": to_decimal,
    "score": to_decimal,
    "bool": _bool,
    "text": _text,
}
_FIELD_DEFAULTS: dict[str, Any] = {
    "number": ZERO,
    "count": ZERO,
    "ratio": ZERO,
    "score": ZERO,
    "bool": False,
    "text": "",
}


def _records(fields: Mapping[str, str]) -> Callable[[object], list[dict[str, Any]]]:
    plan = [(name, _FIELD_COERCERS[kind], _FIELD_DEFAULTS[kind]) for name, kind in fields.items()]

    def coerce(value: object) -> list[dict[str, Any]]:
        if not isinstance(value, list | tuple):
            raise ValueError(f"应为记录列表，实际为 {type(value).__name__}")
        rows = []
        for row in value:
            if not isinstance(row, Mapping):
                raise ValueError(f"每条记录应为映射，实际为 {type(row).__name__}")
            rows.append(
                {
                    name: default if row.get(name) is None else coerce_field(row[name])
                    for name, coerce_field, default in plan
                }
            )
        return rows

    return coerce


_COERCERS: dict[str, Callable[[object], Any]] = {
    "number": to_decimal,
    "count": _count,
    "ratio": to_decimal,
    "bool": _bool,
    "rank": _rank,
    "score": to_decimal,
    "monthly": _monthly,
    "categories": _categories,
}

# What a missing fact reads as (SCHEMA "missing means"); rules treat a missing rank as "no rank".
DEFAULTS: dict[str, Any] = {
    "number": ZERO,
    "count": ZERO,
    "ratio": ZERO,
    "bool": False,
    "rank": 0,
    "score": ZERO,
    "monthly": {},
    "records": [],
    "categories": Counts(),
}


def coercer(spec: FactSpec) -> Callable[[object], Any]:
    """The function turning a raw pool value into the fact's typed value (or ValueError)."""
    if spec.type == "records":
        return _records(spec.fields or {})
    return _COERCERS[spec.type]


class FactInfo:
    """How to name and show a fact in explanations."""

    __slots__ = ("categories", "label", "show", "type")

    def __init__(
        self,
        label: str,
        type_: str,
        unit: str | None = None,
        value_type: str | None = None,
        categories: Mapping[str, str] | None = None,
    ) -> None:
        self.label = label
        self.type = type_
        self.categories = dict(categories or {})
        if unit is None:
            unit = "个" if type_ == "count" else ""
        # Chosen once: formatting runs for every item of every candidate.
        self.show: Callable[[Any], str] = _shower(value_type or type_, unit)

    def category(self, key: str) -> str:
        """The label of one category."""
        return self.categories.get(key, key)


def _shower(kind: str, unit: str) -> Callable[[Any], str]:
    """A value of a fact, with its unit (``96%``, ``3 件``, ``是``)."""

    def show(value: Any) -> str:
        if isinstance(value, bool):
            return "是" if value else "否"
        if kind == "ratio":
            return fmt_pct(value)
        text = fmt_num(value) if isinstance(value, Decimal | int) else str(value)
        return f"{text} {unit}" if unit else text

    def show_ratio(value: Any) -> str:
        return fmt_pct(value) if type(value) is Decimal else show(value)

    def show_plain(value: Any) -> str:
        return fmt_num(value) if type(value) is Decimal else show(value)

    if kind == "ratio":
        return show_ratio
    return show if unit else show_plain
