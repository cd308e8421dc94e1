"""Plausible, complete, reproducible fact values for any rubric (benchmark data only)."""

from __future__ import annotations

import random
from typing import Any

# Facts whose truth vetoes or disqualifies a candidate: true for about 1 in 200.
RARE_TRUE = (
    "integrity",
    "falsification",
    "lost_lawsuit",
    "negative_public_opinion",
    "shares_case_file",
    "zero_case",
)
MONTHS = [f"2023-{m:02d}" for m in (11, 12)] + [f"2024-{m:02d}" for m in range(1, 11)]


def _decimal_text(rng: random.Random, low: float, high: float, places: int = 2) -> str:
    return f"{rng.uniform(low, high):.{places}f}"


def _field(rng: random.Random, kind: str, name: str) -> Any:
    if kind == "bool":
        return rng.random() < (0.005 if "grave" in name else 0.5)
    if kind == "count":
        return rng.randint(0, 5)
    if kind == "ratio":
        return _decimal_text(rng, 0.6, 1.0, 3)
    if kind == "text":
        return f"记录{rng.randint(1, 999)}"
    return _decimal_text(rng, 55, 100, 1)  # number / score: a 100-point review score


def fact_value(rng: random.Random, name: str, spec: Any) -> Any:
    kind = spec.type
    if kind == "bool":
        rare = any(part in name for part in RARE_TRUE)
        return rng.random() < (0.005 if rare else 0.5)
    if kind == "count":
        return (
            rng.choice((0, 0, 0, 1, 1, 2, 3, 5, 8, 13))
            if "issue" in name or "lapse" in name
            else rng.randint(0, 12)
        )
    if kind == "ratio":
        return _decimal_text(rng, 0.85, 1.0, 3)
    if kind == "rank":
        return rng.randint(1, 300)
    if kind in ("number", "score"):
        return _decimal_text(rng, 0, 100, 1)
    if kind == "monthly":
        if "ratio" in name:
            return {month: _decimal_text(rng, 0.8, 1.0, 3) for month in MONTHS}
        return {month: rng.randint(0, 6) for month in MONTHS}
    if kind == "categories":
        return {category: rng.choice((0, 0, 0, 1, 2)) for category in spec.categories or {}}
    if kind == "records":
        count = 2 if "sampled" in name else rng.randint(1, 3)
        return [
            {
                field: _field(rng, field_kind, field)
                for field, field_kind in (spec.fields or {}).items()
            }
            for _ in range(count)
        ]
    raise ValueError(f"no generator for fact type {kind}")
