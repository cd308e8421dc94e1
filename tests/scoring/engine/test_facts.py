"""Fact coercion: Decimal everywhere, missing facts, invalid values."""

from __future__ import annotations

from .builders import D, one_rule, outcome, score

PER = {"type": "per_occurrence", "fact": "n", "each": 1}


def test_facts_floats_become_exact_decimals():
    rub = one_rule({"n": "number"}, {"type": "per_occurrence", "fact": "n", "each": 3})
    points, _ = outcome(rub, {"n": 0.1})
    assert points == D("0.3") and isinstance(points, D)


def test_facts_strings_and_ints_accepted():
    rub = one_rule({"n": "number"}, PER)
    assert outcome(rub, {"n": " 2.5 "})[0] == D("2.5")
    assert outcome(rub, {"n": 2})[0] == D(2)


def test_facts_unknown_keys_ignored():
    rub = one_rule({"n": "count"}, PER)
    assert outcome(rub, {"n": 1, "other": "whatever"})[0] == D(1)


def test_facts_none_is_missing():
    rub = one_rule({"n": "count"}, PER)
    assert outcome(rub, {"n": None})[1] == "n未提供 → 0 分"


def test_facts_invalid_value_is_reported_and_treated_as_missing():
    rub = one_rule({"n": {"type": "count", "label": "案件数"}}, PER)
    for bad in ("abc", -1, D("1.5"), True, [1]):
        result = score(rub, {"n": bad})
        assert result.nodes["x"].points == D(0)
        assert len(result.errors) == 1 and result.errors[0].startswith("案件数（n）的值无效")


def test_facts_bool_accepts_zero_and_one():
    rub = one_rule({"b": "bool"}, {"type": "boolean", "fact": "b", "points": 2})
    assert outcome(rub, {"b": 1})[0] == D(2)
    assert outcome(rub, {"b": 0})[0] == D(0)
    assert score(rub, {"b": "yes"}).errors


def test_facts_rank_must_be_a_positive_integer():
    rub = one_rule(
        {"r": "rank"},
        {"type": "rank", "fact": "r", "source": "external", "mode": "table", "table": {1: 5}},
    )
    assert outcome(rub, {"r": "1"})[0] == D(5)
    assert score(rub, {"r": 0}).errors


def test_facts_monthly_keys_checked():
    rub = one_rule(
        {"m": "monthly"},
        {"type": "monthly", "fact": "m", "months": ["2024-01"], "min": 1, "each": 1},
    )
    assert outcome(rub, {"m": {"2024-01": 1}})[0] == D(1)
    assert score(rub, {"m": {"January": 1}}).errors
    assert score(rub, {"m": [1, 2]}).errors


def test_facts_categories_missing_category_counts_zero():
    rub = one_rule(
        {"c": "categories"}, {"type": "weighted_count", "fact": "c", "weights": {"a": 1, "b": 2}}
    )
    assert outcome(rub, {"c": {"b": 2}})[0] == D(4)
    assert score(rub, {"c": {"a": -1}}).errors
