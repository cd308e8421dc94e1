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
    if not value:
        return "0"
    text = str(value)
    # Fast path (millions of calls per evaluation): plain notation with at most two decimals.
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
    return f"{fmt_num(ratio * HUNDRED)}%"
