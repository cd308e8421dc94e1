"""Template helpers of the scoring pages: points for display (rounded here, never before),
sortable column headers, and a candidate's name."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from scoring.engine import fmt_points

register = template.Library()


@register.filter
def points(value: Any) -> str:
    """`{{ snapshot.total|points }}` → "87.50"; "—" when there are no points."""
    if value is None or value == "":
        return "—"
    return fmt_points(value if isinstance(value, Decimal) else Decimal(str(value)))


@register.filter
def signed(value: Any) -> str:
    """A change of points: "+1.50", "−0.50", "±0.00"; "—" when there is nothing to compare."""
    if value is None:
        return "—"
    text = fmt_points(value)
    if text == "0.00":
        return "±0.00"
    return f"+{text}" if value > 0 else f"−{text.lstrip('-')}"


@register.simple_tag
def next_sort(current: str, key: str) -> str:
    """The `?sort=` a column header links to: points sort highest first on the first click,
    the rank best first; clicking the active column again reverses it."""
    first = key if key == "rank" else f"-{key}"
    if current == first:
        return first.lstrip("-") if first.startswith("-") else f"-{first}"
    return first


@register.simple_tag
def aria_sort(current: str, key: str) -> str:
    if current.lstrip("-") != key:
        return "none"
    return "descending" if current.startswith("-") else "ascending"


@register.filter
def candidate_name(candidate: Any) -> str:
    """A unit's name, or an officer's name (their unit shows in its own column)."""
    if candidate.unit_id:
        return candidate.unit.name
    return candidate.officer.name
