"""Formatting numbers for people. Rounding happens here and nowhere else."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .decimals import HUNDRED

_CENT = Decimal("0.01")


def fmt_points(points: Decimal) -> str:
    """Points with exactly two decimals, rounded half-up: ``Decimal("2.5")`` -> ``"2.50"``."""
    rounded = points.quantize(_CENT, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0.00"
    return f"{rounded:f}"


def fmt_num(value: Decimal | int) -> str:
    """A compact number for explanations: at most 2 decimals, no trailing zeros (``1.5``)."""
    kind = type(value)
    if kind is int or (kind is Decimal and value.is_finite()):
        # The text is a function of the numeric value (equal Decimals give equal text), and a
        # rubric's explanations show few distinct values: remember them.
        text = _NUM_TEXT.get(value)
        if text is None:
            text = _fmt_num(value)
            if len(_NUM_TEXT) < _MEMO_LIMIT:
                _NUM_TEXT[value] = text
        return text
    return _fmt_num(value)


_NUM_TEXT: dict[Decimal | int, str] = {}
_PCT_TEXT: dict[Decimal, str] = {}
_MEMO_LIMIT = 50_000


def _fmt_num(value: Decimal | int) -> str:
    if not value:
        return "0"
    text = str(value)
    # Fast path: plain notation with at most two decimals.
    if "E" not in text:
        head, _, tail = text.partition(".")
        if len(tail) <= 2:
            tail = tail.rstrip("0")
            return f"{head}.{tail}" if tail else head
    rounded = value.quantize(_CENT, rounding=ROUND_HALF_UP)
    if rounded == 0:
        return "0"
    text = f"{rounded:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def fmt_pct(ratio: Decimal) -> str:
    """A fraction as a percentage: ``Decimal("0.955")`` -> ``"95.5%"``."""
    if type(ratio) is Decimal and ratio.is_finite():
        text = _PCT_TEXT.get(ratio)
        if text is None:
            text = f"{fmt_num(ratio * HUNDRED)}%"
            if len(_PCT_TEXT) < _MEMO_LIMIT:
                _PCT_TEXT[ratio] = text
        return text
    return f"{fmt_num(ratio * HUNDRED)}%"
