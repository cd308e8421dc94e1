"""Template helpers of the submissions pages: points and claimed values for display."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import gettext as _

from scoring.engine import fmt_points
from scoring.engine.display import fmt_num, fmt_pct
from scoring.engine.facts import coercer

register = template.Library()


@register.filter
def points(value: Any) -> str:
    """`{{ claim.claimed_points|points }}` → "2.00"; "—" when there are none."""
    if value is None or value == "":
        return "—"
    return fmt_points(value if isinstance(value, Decimal) else Decimal(str(value)))


def show_value(spec: Any, raw: Any) -> str:
    """One claimed fact value as people read it: 96%, 是/否, 3 件, JSON for lists."""
    if raw is None:
        return "—"
    try:
        value = coercer(spec)(raw)
    except (ValueError, TypeError):
        return str(raw)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if spec.type == "ratio":
        return fmt_pct(value)
    if spec.type == "categories" and spec.categories:
        parts = [f"{spec.categories.get(k, k)} {fmt_num(v)}" for k, v in value.items() if v]
        return "，".join(parts) or "0"
    if spec.type == "records" and isinstance(raw, list):
        parts = [
            "，".join(f"{k} {v}" for k, v in row.items() if v not in ("", None))
            for row in raw
            if isinstance(row, Mapping)
        ]
        return _("%(n)s 条：") % {"n": len(raw)} + "；".join(p or "—" for p in parts)
    if spec.type == "monthly" and isinstance(raw, Mapping):
        return "；".join(f"{month} {raw[month]}" for month in sorted(raw))
    if isinstance(value, Decimal | int):
        return fmt_num(value) + (f" {spec.unit}" if spec.unit else "")
    return json.dumps(raw, ensure_ascii=False)


@register.simple_tag
def claim_values(spec: Any, values: Any) -> list[tuple[str, str]]:
    """[(label, shown value)] of the facts an item reads, for a claim's values dict."""
    if spec is None or not isinstance(values, Mapping) or not values:
        return []
    return [
        (fact.label, show_value(fact, values.get(key)))
        for key, fact in spec.facts
        if values.get(key) is not None
    ]
