"""Decimal coercion and the numeric field types that rubric files use.

Numbers never pass through binary floating point on their way in: a float is converted via its
shortest repr (``Decimal(str(x))``), so ``0.95`` stays ``Decimal("0.95")``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, ValidationInfo
from pydantic_core import PydanticCustomError

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)


def to_decimal(value: object) -> Decimal:
    """Coerce an int, float, numeric string or Decimal to a finite Decimal, else ValueError."""
    convert = _CONVERTERS.get(type(value))
    if convert is not None:
        return convert(value)  # each converter checks finiteness itself
    if isinstance(value, bool):
        raise ValueError(f"应为数字，实际为布尔值 {value}")
    if not isinstance(value, int | float | str | Decimal):
        raise ValueError(f"应为数字，实际为 {type(value).__name__} {value!r}")
    return _finite(_from_text(value) if isinstance(value, float | str) else Decimal(value), value)


def _finite(result: Decimal, value: object) -> Decimal:
    if not result.is_finite():
        raise ValueError(f"应为有限数值，实际为 {value!r}")
    return result


def _from_text(value: object) -> Decimal:
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"应为数字，实际为 {value!r}") from None


# Facts arrive as JSON: the same few hundred numeric strings ("0.953") and small integers again
# and again, for every fact of every candidate. Decimals are immutable, so equal inputs can
# share one converted value; only finite results are remembered.
_TEXT_MEMO: dict[str, Decimal] = {}
_TEXT_MEMO_LIMIT = 100_000
_SMALL_INTS = {number: Decimal(number) for number in range(-100, 1001)}


def _from_str(value: str) -> Decimal:
    result = _TEXT_MEMO.get(value)
    if result is None:
        result = _finite(_from_text(value), value)
        if len(_TEXT_MEMO) < _TEXT_MEMO_LIMIT:
            _TEXT_MEMO[value] = result
    return result


def _from_int(value: int) -> Decimal:
    result = _SMALL_INTS.get(value)
    return Decimal(value) if result is None else result


def _from_float(value: float) -> Decimal:
    return _finite(Decimal(repr(value)), value)  # the shortest repr: 0.95 -> Decimal("0.95")


def _same(value: Decimal) -> Decimal:
    return _finite(value, value)


# Dispatch on the exact type: this runs for every fact of every candidate.
_CONVERTERS: dict[type, Any] = {Decimal: _same, int: _from_int, float: _from_float, str: _from_str}


def _resolve_param(value: Any, info: ValidationInfo) -> Any:
    """Replace a ``"$name"`` reference by the declared param's value (validation context)."""
    if not (isinstance(value, str) and value.startswith("$")):
        return value
    params = (info.context or {}).get("params", {})
    name = value[1:]
    if name not in params:
        raise PydanticCustomError(
            "param_undeclared", "未声明的参数 {ref}（请在 params 中声明）", {"ref": value}
        )
    return params[name]


# A number, or "$param". Params are resolved while validating, so evaluation only sees Decimals.
Num = Annotated[Decimal, BeforeValidator(_resolve_param)]
NonNegative = Annotated[Decimal, BeforeValidator(_resolve_param), Field(ge=0)]
Positive = Annotated[Decimal, BeforeValidator(_resolve_param), Field(gt=0)]
PositiveInt = Annotated[int, BeforeValidator(_resolve_param), Field(ge=1)]
