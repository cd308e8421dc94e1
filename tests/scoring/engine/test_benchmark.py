"""The benchmark's rubric and pool stay valid (the timing itself is run by hand)."""

from __future__ import annotations

from scoring.engine import check_rubric, evaluate, parse_rubric
from scoring.engine.benchmark import bench_pool, bench_rubric


def test_benchmark_small_pool_evaluates():
    rubric = parse_rubric(bench_rubric(), "benchmark")
    result = evaluate(rubric, bench_pool(200))
    assert len(result.candidates) == 200
    assert len(result.ranking) + len(result.excluded) == 200
    items = [n for n in result.candidates["c000000"].nodes.values() if n.kind == "item"]
    assert len(items) == 20
    assert all(not c.errors for c in result.candidates.values())
    assert isinstance(check_rubric(rubric), list)
