"""Competition ranking, tie-breakers, exclusions."""

from __future__ import annotations

from scoring.engine import evaluate

from .builders import D, item, node, rubric

PER_A = {"type": "per_occurrence", "fact": "a", "each": 1}
PER_B = {"type": "per_occurrence", "fact": "b", "each": 1}


def two_part_rubric(**extra):
    return rubric(
        {"a": "count", "b": "count", "bad": "bool"},
        node("first", item("ia", PER_A)),
        node("second", item("ib", PER_B)),
        vetoes=[{"when": "bad", "reason": "否决"}],
        **extra,
    )


def test_ranking_ties_share_a_rank():
    # totals 5, 5, 3 → ranks 1, 1, 3 ("并列")
    pool = {"x": {"a": 5}, "y": {"b": 5}, "z": {"a": 3}}
    result = evaluate(two_part_rubric(), pool)
    assert [result.candidates[c].rank for c in ("x", "y", "z")] == [1, 1, 3]
    assert result.ranking == ["x", "y", "z"]  # ties listed by candidate id


def test_ranking_tie_breakers_in_order():
    # totals tie at 5; tie-breaker "second" → y (5) before x (0)
    pool = {"x": {"a": 5}, "y": {"b": 5}, "z": {"a": 1, "b": 4}}
    result = evaluate(two_part_rubric(tie_breakers=["second"]), pool)
    assert result.ranking == ["y", "z", "x"]
    assert [result.candidates[c].rank for c in ("y", "z", "x")] == [1, 2, 3]


def test_ranking_tie_breakers_can_still_tie():
    pool = {"x": {"a": 2, "b": 3}, "y": {"a": 2, "b": 3}}
    result = evaluate(two_part_rubric(tie_breakers=["second", "first"]), pool)
    assert [result.candidates[c].rank for c in ("x", "y")] == [1, 1]


def test_ranking_excludes_vetoed_but_keeps_their_scores():
    pool = {"x": {"a": 9, "bad": True}, "y": {"a": 1}}
    result = evaluate(two_part_rubric(), pool)
    assert result.ranking == ["y"] and result.excluded == ["x"]
    assert result.candidates["x"].total == D(9) and result.candidates["x"].rank is None
    assert result.candidates["y"].rank == 1


def test_ranking_independent_of_input_order():
    pool = {f"c{n}": {"a": n % 4, "b": n % 3, "bad": n == 7} for n in range(12)}
    forward = evaluate(two_part_rubric(tie_breakers=["first"]), pool)
    backward = evaluate(two_part_rubric(tie_breakers=["first"]), dict(reversed(pool.items())))
    assert forward == backward


def test_ranking_empty_pool():
    result = evaluate(two_part_rubric(), {})
    assert (result.candidates, result.ranking, result.excluded) == ({}, [], [])
