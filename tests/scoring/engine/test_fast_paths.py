"""The memos and fast paths of coercion and formatting change no result."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.engine import evaluate
from scoring.engine.decimals import to_decimal
from scoring.engine.display import _fmt_num, fmt_num, fmt_pct
from scoring.engine.facts import Counts, _categories, _count

from .builders import D, item, node, rubric

decimals = st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**6), max_value=10**6)


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(decimals, st.integers(-(10**6), 10**6)))
def test_fmt_num_memo_matches_the_formatting(value):
    first, again = fmt_num(value), fmt_num(value)
    assert first == again == _fmt_num(value)


def test_fmt_num_equal_values_share_text_and_bools_are_not_numbers():
    assert fmt_num(Decimal("2.50")) == fmt_num(Decimal("2.5")) == "2.5"
    assert fmt_num(Decimal("1E+1")) == fmt_num(10) == "10"
    assert fmt_num(1) == "1"
    assert fmt_num(True) == _fmt_num(True)  # not the memo entry of 1
    assert fmt_num(Decimal("2.555")) == "2.56"


@settings(max_examples=200, deadline=None)
@given(ratio=st.decimals(min_value=0, max_value=2, places=4))
def test_fmt_pct_memo(ratio):
    assert fmt_pct(ratio) == fmt_pct(ratio) == f"{_fmt_num(ratio * 100)}%"


def test_to_decimal_memo_and_errors_unchanged():
    assert to_decimal("0.953") == Decimal("0.953")
    assert to_decimal("0.953") is to_decimal("0.953")  # remembered
    assert to_decimal(" 1.5 ") == Decimal("1.5")
    assert to_decimal(7) == Decimal(7) and to_decimal(10**30) == Decimal(10**30)
    assert to_decimal(0.95) == Decimal("0.95")
    for bad in ("NaN", "NaN", "Infinity", Decimal("NaN"), float("inf"), "abc", "abc"):
        with pytest.raises(ValueError, match="应为"):
            to_decimal(bad)
    with pytest.raises(ValueError, match="布尔"):
        to_decimal(True)


def test_count_fast_path_keeps_checks():
    assert _count(3) == Decimal(3)
    assert _count("3") == Decimal(3)
    for bad in (-1, "-1", "1.5", True):
        with pytest.raises(ValueError):
            _count(bad)


def test_counts_hash_by_content():
    one, same, other = _categories({"a": 1, "b": 0}), Counts(a=D(1), b=D(0)), Counts(a=D(2))
    assert hash(one) == hash(same) and one == same
    assert one != other
    assert one["missing"] == 0
    assert _categories({"a": 1, "b": 0}) is one  # remembered: candidates share equal counts
    with pytest.raises(ValueError):
        _categories({"a": True, "b": 0})  # equal to (1, 0) as a key, still refused
    with pytest.raises(ValueError):
        _categories({"a": -1})


def test_weighted_items_reused_across_candidates_give_each_own_result():
    # Candidates with equal category counts share one computed result; the others get theirs.
    rule = {"type": "weighted_occurrences", "fact": "honours", "weights": {"a": 2, "b": 1}}
    facts = {"honours": {"type": "categories", "label": "荣誉", "categories": ["a", "b"]}}
    rub = rubric(facts, node("n", item("x", rule)))
    pool = {
        "c1": {"honours": {"a": 1, "b": 2}},
        "c2": {"honours": {"a": 1, "b": 2}},
        "c3": {"honours": {"a": 0, "b": 3}},
        "c4": {},
    }
    result = evaluate(rub, pool)
    alone = {cid: evaluate(rub, {cid: facts}).candidates[cid] for cid, facts in pool.items()}
    for cid, candidate in result.candidates.items():
        assert candidate.nodes["x"] == alone[cid].nodes["x"]
    assert result.candidates["c1"].nodes["x"].points == D(4)
    assert result.candidates["c3"].nodes["x"].points == D(3)
    assert result.candidates["c4"].nodes["x"].explanation.endswith("未提供 → 0 分")
