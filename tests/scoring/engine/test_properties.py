"""Properties over random pools, on a rubric using most rule types and node features."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scoring.engine.evaluation as evaluation
import scoring.engine.expressions as expressions
from scoring.engine import evaluate, parse_rubric

from .builders import item, node, rubric_data

MONTHS = ["2024-01", "2024-02", "2024-03"]
FACTS = {
    "ratio": "ratio",
    "cases": "count",
    "problems": "count",
    "flag": "bool",
    "panel": "score",
    "drill": "number",
    "reference": "number",
    "honours": {"type": "categories", "label": "荣誉", "categories": ["a", "b"]},
    "monthly": "monthly",
    "files": {"type": "records", "label": "案卷", "fields": {"score": "number", "grave": "bool"}},
    "bad": "bool",
    "certified": "bool",
    "zero": "bool",
}
TIERS = {
    "type": "tiers",
    "fact": "ratio",
    "tiers": [{"min": 1, "points": 3}, {"min": 0.9, "points": 1}],
}
LINEAR = {
    "type": "linear",
    "fact": "ratio",
    "start": 0.9,
    "start_points": 1,
    "per": 0.01,
    "per_points": 0.2,
    "max": 2,
    "otherwise": {"type": "boolean", "fact": "flag", "points": 0.5},
}
DEDUCTIONS = ("ded",)


def _rubric_data() -> dict:
    return rubric_data(
        FACTS,
        node(
            "basics",
            item("tiers", TIERS, max=3),
            item("per", {"type": "per_occurrence", "fact": "cases", "each": 0.5, "cap": 4}, max=4),
            item("ded", {"type": "deduction", "fact": "problems", "each": 0.5, "cap": 2}),
            item("bool", {"type": "boolean", "fact": "flag", "points": 3}, max=3),
            item("manual", {"type": "manual", "fact": "panel", "min": 1, "max": 2}, max=2),
            item("linear", LINEAR, max=2),
            max=12,
        ),
        node(
            "pool",
            item("rank", {"type": "rank", "fact": "drill", "source": "pool", "mode": "linear",
                          "best": 10, "worst": 1}, max=10),
            item("bands", {"type": "rank", "fact": "drill", "source": "pool", "mode": "bands",
                           "best": 8, "band": 0.1, "decrement": 0.8}, max=8),
            item("best", {"type": "relative_to_best", "fact": "cases", "max": 5, "per": 0.01,
                          "per_points": 0.2}, max=5),
            item("steps", {"type": "steps_above", "fact": "drill", "reference": "reference",
                           "step": 0.1, "points": 2, "cap": 6}, max=6),
            max=25,
            zero_if=[{"when": "zero", "reason": "归零"}],
        ),
        node(
            "structured",
            item("hon", {"type": "weighted_occurrences", "fact": "honours",
                         "weights": {"a": 5, "b": 1}, "once": ["a"], "cap": 6}, max=6),
            item("mon", {"type": "monthly", "fact": "monthly", "months": MONTHS, "min": 2,
                         "each": 0.5, "all": 2}, max=2),
            item("agg", {"type": "aggregate", "fact": "files", "field": "score", "how": "sum",
                         "expected": 2, "scale": {"from": 100, "to": 5}, "grave_field": "grave",
                         "grave_penalty": 1}, max=10),
            item("ex", {"type": "expr", "expr": "min(cases * 0.3, 2)", "max": 2}, max=2),
            max=15,
        ),
        node(
            "extra",
            item("plus", {"type": "per_occurrence", "fact": "cases", "each": 1, "cap": 3}, max=3),
            bonus=True,
        ),
        max=50,
        bonus_cap=2,
        vetoes=[{"when": "bad", "reason": "否决"}],
        eligibility=[{"require": "certified or cases >= 3", "reason": "不合格"}],
        tie_breakers=["pool", "per"],
    )  # fmt: skip


RUBRIC = parse_rubric(_rubric_data())

decimals = st.decimals(min_value=0, max_value=200, places=2, allow_nan=False, allow_infinity=False)
facts = st.fixed_dictionaries(
    {},
    optional={
        "ratio": st.decimals(min_value=0, max_value=Decimal("1.2"), places=3),
        "cases": st.integers(0, 20),
        "problems": st.integers(0, 10),
        "flag": st.booleans(),
        "panel": st.decimals(min_value=-1, max_value=5, places=1),
        "drill": decimals,
        "reference": decimals,
        "honours": st.dictionaries(st.sampled_from(["a", "b"]), st.integers(0, 4)),
        "monthly": st.dictionaries(st.sampled_from(MONTHS), st.integers(0, 4)),
        "files": st.lists(
            st.fixed_dictionaries(
                {"score": st.integers(0, 100)}, optional={"grave": st.booleans()}
            ),
            max_size=3,
        ),
        "bad": st.booleans(),
        "certified": st.booleans(),
        "zero": st.booleans(),
    },
)
pools = st.dictionaries(st.text("abcdefgh", min_size=1, max_size=3), facts, max_size=8)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(pools)
def test_properties_total_within_max_plus_bonus_cap(pool):
    for result in evaluate(RUBRIC, pool).candidates.values():
        assert result.base <= RUBRIC.max
        assert 0 <= result.bonus <= RUBRIC.bonus_cap
        assert result.total == result.base + result.bonus <= RUBRIC.max + RUBRIC.bonus_cap


@SETTINGS
@given(pools)
def test_properties_no_negative_item_unless_deduction(pool):
    for result in evaluate(RUBRIC, pool).candidates.values():
        for node_id, node_result in result.nodes.items():
            if node_id in DEDUCTIONS:
                assert node_result.points <= 0
            elif node_id != "agg":  # a grave defect subtracts grave_penalty
                assert node_result.points >= 0, (node_id, node_result.explanation)
            if node_result.max is not None:
                assert node_result.points <= node_result.max


@SETTINGS
@given(pools)
def test_properties_ranking_is_a_permutation_of_the_eligible(pool):
    result = evaluate(RUBRIC, pool)
    eligible = {cid for cid, c in result.candidates.items() if not c.vetoes and not c.ineligible}
    assert sorted(result.ranking) == sorted(eligible)
    assert set(result.excluded) == set(pool) - eligible
    totals = [result.candidates[cid].total for cid in result.ranking]
    assert totals == sorted(totals, reverse=True)
    for cid in result.ranking:
        better = sum(1 for other in result.ranking if _key(result, other) < _key(result, cid))
        assert result.candidates[cid].rank == better + 1


def _key(result, cid):
    candidate = result.candidates[cid]
    return (-candidate.total, -candidate.nodes["pool"].points, -candidate.nodes["per"].points)


@SETTINGS
@given(pools, st.randoms(use_true_random=False))
def test_properties_independent_of_input_order(pool, random):
    shuffled = list(pool.items())
    random.shuffle(shuffled)
    assert evaluate(RUBRIC, dict(shuffled)) == evaluate(RUBRIC, pool)


@SETTINGS
@given(pools, facts)
def test_properties_identical_facts_identical_results(pool, twin):
    pool = {**pool, "twin1": twin, "twin2": dict(twin)}
    result = evaluate(RUBRIC, pool)
    first, second = result.candidates["twin1"], result.candidates["twin2"]
    assert first.nodes == second.nodes
    assert (first.total, first.rank, first.vetoes) == (second.total, second.rank, second.vetoes)


@SETTINGS
@given(pools)
def test_properties_reuse_of_results_changes_nothing(pool):
    # evaluation reuses item results and expression values across candidates with equal inputs;
    # turning that off must not change a single result
    reused = evaluate(RUBRIC, pool)
    limits = evaluation._MEMO_LIMIT, expressions._MEMO_LIMIT
    evaluation._MEMO_LIMIT = expressions._MEMO_LIMIT = 0
    try:
        fresh = evaluate(RUBRIC, pool)
    finally:
        evaluation._MEMO_LIMIT, expressions._MEMO_LIMIT = limits
    assert fresh == reused
