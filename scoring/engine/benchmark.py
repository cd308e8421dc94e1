"""Timing evaluate() on a national-scale pool: ``python -m scoring.engine.benchmark [N]``.

The rubric mixes every common rule type (20 items, pool-aware ranks and relative-to-best
included, a derived fact, a veto and an eligibility rule), so the figure is representative.
"""

from __future__ import annotations

import random
import sys
import time
from typing import Any

from . import evaluate, parse_rubric

_CITE = {"seed": "000_624614c78872d090.txt", "quote": "根据成绩排名得 1—30 分"}


def _item(item_id: str, max_points: float | None, rule: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {"id": item_id, "title": item_id, "cite": _CITE, "rule": rule}
    if max_points is not None:
        item["max"] = max_points
    return item


def _tiers(fact: str) -> dict[str, Any]:
    tiers = [{"min": 1, "points": 3}, {"min": 0.95, "points": 2}, {"min": 0.9, "points": 1}]
    return {"type": "tiers", "fact": fact, "tiers": tiers}


def bench_rubric() -> dict[str, Any]:
    """A 20-item rubric touching most rule types."""
    facts = {
        **{f"ratio{i}": {"type": "ratio", "label": f"比例{i}"} for i in range(5)},
        **{f"count{i}": {"type": "count", "label": f"数量{i}"} for i in range(5)},
        "drill": {"type": "number", "label": "比武成绩"},
        "exam_rank": {"type": "rank", "label": "考试名次"},
        "panel": {"type": "score", "label": "评审分"},
        "power": {"type": "bool", "label": "电量监管"},
        "clean": {"type": "bool", "label": "廉洁"},
        "cert": {"type": "bool", "label": "执法证"},
        "months": {"type": "monthly", "label": "月报", "value_type": "ratio"},
        "honours": {"type": "categories", "label": "荣誉"},
        "files": {"type": "records", "label": "案卷", "fields": {"score": "number"}},
    }
    items = [_item(f"t{i}", 3, _tiers(f"ratio{i}")) for i in range(5)]
    items += [
        _item(f"p{i}", 6, {"type": "per_occurrence", "fact": f"count{i}", "each": 0.5, "cap": 6})
        for i in range(3)
    ]
    items += [
        _item("d0", None, {"type": "deduction", "fact": "count3", "each": 0.5, "cap": 2}),
        _item("w", 10, {"type": "weighted_count", "fact": "honours", "weights": {"a": 2, "b": 1}}),
        _item("drill_pts", 30, {"type": "rank", "fact": "drill", "source": "pool",
                                "mode": "linear", "best": 30, "worst": 1}),
        _item("bands", 8, {"type": "rank", "fact": "drill", "source": "pool", "mode": "bands",
                           "best": 8, "band": 0.1, "decrement": 0.8}),
        _item("topk", 5, {"type": "rank", "fact": "exam_rank", "source": "external",
                          "mode": "top_k", "k": 200, "best": 5, "worst": 1}),
        _item("rel", 20, {"type": "relative_to_best", "fact": "weighted", "max": 20,
                          "per": 0.01, "per_points": 0.2}),
        _item("panel_pts", 4, {"type": "manual", "fact": "panel", "min": 1, "max": 4}),
        _item("power_pts", 3, {"type": "boolean", "fact": "power", "points": 3}),
        _item("lin", 2, {"type": "linear", "fact": "ratio4", "start": 0.9, "start_points": 1,
                         "per": 0.01, "per_points": 0.2, "max": 2}),
        _item("mon", 3, {"type": "monthly", "fact": "months", "min": 0.9, "each": 0.2, "all": 3,
                         "window": {"from": "2023-11", "to": "2024-10"}}),
        _item("files_pts", 20, {"type": "aggregate", "fact": "files", "field": "score",
                                "how": "sum", "expected": 2, "scale": {"from": 100, "to": 10}}),
        _item("ex", 2, {"type": "expr", "expr": "min(count4 * 0.2, 2)", "max": 2}),
    ]  # fmt: skip
    return {
        "id": "bench",
        "title": "benchmark",
        "subject": "individual",
        "source": "000_624614c78872d090.txt",
        "max": 150,
        "facts": facts,
        "derived": {"weighted": {"expr": "count0 + 2 * count1 + 3 * count2", "label": "加权数"}},
        "vetoes": [{"when": "not clean", "reason": "违反廉洁纪律"}],
        "eligibility": [{"require": "cert", "reason": "未持有有效行政执法证件"}],
        "tie_breakers": ["drill_pts"],
        "indicators": [
            {"id": "a", "title": "A", "max": 80, "items": items[:10]},
            {"id": "b", "title": "B", "max": 100, "items": items[10:]},
        ],
    }


def bench_pool(size: int, seed: int = 7) -> dict[str, dict[str, Any]]:
    """Random but reproducible candidates."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    months = [f"2023-{m}" for m in ("11", "12")] + [f"2024-{m:02d}" for m in range(1, 11)]
    pool = {}
    for n in range(size):
        facts: dict[str, Any] = {f"ratio{i}": rng.randint(80, 100) / 100 for i in range(5)}
        facts.update({f"count{i}": rng.randint(0, 12) for i in range(5)})
        facts.update(
            drill=rng.randint(0, 100),
            exam_rank=rng.randint(1, 400),
            panel=rng.randint(0, 5),
            power=rng.random() < 0.7,
            clean=rng.random() < 0.98,
            cert=rng.random() < 0.97,
            months={m: rng.randint(85, 100) / 100 for m in months},
            honours={"a": rng.randint(0, 2), "b": rng.randint(0, 3)},
            files=[{"score": rng.randint(60, 100)} for _ in range(2)],
        )
        pool[f"c{n:06d}"] = facts
    return pool


def main() -> None:
    """Print candidates x items and the seconds evaluate() took."""
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 80_000
    rubric = parse_rubric(bench_rubric(), "benchmark")
    pool = bench_pool(size)
    start = time.perf_counter()
    result = evaluate(rubric, pool)
    seconds = time.perf_counter() - start
    items = sum(1 for node in result.candidates["c000000"].nodes.values() if node.kind == "item")
    print(f"{size} candidates x {items} items: {seconds:.2f} s")


if __name__ == "__main__":
    main()
