"""relative_to_best and baseline_share: rules that look at the whole pool (catalogue 10-11)."""

from __future__ import annotations

from scoring.engine import evaluate

from .builders import D, one_rule, pool_points

# 003: "办理案件加权数量最多者得满分；其他候选人查处案件数量每低 1%，减 0.2 分。"
RELATIVE = {
    "type": "relative_to_best",
    "fact": "weighted",
    "max": 20,
    "per": 0.01,
    "per_points": 0.2,
}
WEIGHTED = {"weighted": {"type": "number", "label": "加权案件数"}}


def test_relative_to_best_full_marks_for_the_best():
    pool = {"a": {"weighted": 50}, "b": {"weighted": 40}}
    assert pool_points(one_rule(WEIGHTED, RELATIVE), pool)["a"] == D(20)


def test_relative_to_best_per_full_percent_below():
    # best 50; 40 is 20% below → 20 − 0.2 × 20 = 16; 49.6 is 0.8% below → no full 1% → 20;
    # 49.5 is exactly 1% below → 19.8
    pool = {"a": {"weighted": 50}, "b": {"weighted": 40}, "c": {"weighted": D("49.6")},
            "d": {"weighted": D("49.5")}}  # fmt: skip
    points = pool_points(one_rule(WEIGHTED, RELATIVE), pool)
    assert (points["b"], points["c"], points["d"]) == (D(16), D(20), D("19.8"))


def test_relative_to_best_floor_zero():
    # 0 cases is 100% below → 20 − 20 = 0; never negative
    pool = {"a": {"weighted": 50}, "b": {"weighted": 0}, "c": {}}
    points = pool_points(one_rule(WEIGHTED, {**RELATIVE, "per_points": 0.5}), pool)
    assert points["b"] == D(0) and points["c"] == D(0)


def test_relative_to_best_explanation():
    pool = {"a": {"weighted": 50}, "b": {"weighted": 40}}
    text = evaluate(one_rule(WEIGHTED, RELATIVE), pool).candidates["b"].nodes["x"].explanation
    assert text == "加权案件数 40，最高 50，低 20%：20 − 0.2 × 20 → 16 分"


def test_relative_to_best_when_nobody_scored():
    pool = {"a": {"weighted": 0}}
    result = evaluate(one_rule(WEIGHTED, RELATIVE), pool).candidates["a"].nodes["x"]
    assert (result.points, result.explanation) == (D(0), "加权案件数：全体最高值为 0 → 0 分")


# 003: "各单位基准值=全市查处案件总数×各单位基准比例" and
# "查处的环境违法案件数超过基准值50%时，得满分，查处案件数低于基准值50%时，得0分。"
BASELINE_FACTS = {
    "cases": {"type": "count", "label": "查处案件数", "unit": "件"},
    "share": {"type": "ratio", "label": "基准比例"},
    "city_total": {"type": "count", "label": "全市查处案件总数", "unit": "件"},
}
BASELINE = {"type": "baseline_share", "fact": "cases", "share_fact": "share", "total": "city_total",
            "threshold": 0.5, "points": 5}  # fmt: skip


def test_baseline_share_met():
    # 200 cases city-wide × 10% share = baseline 20; half of it is 10; 12 ≥ 10 → 5
    rub = one_rule(BASELINE_FACTS, BASELINE)
    pool = {"u": {"cases": 12, "share": D("0.1"), "city_total": 200}}
    result = evaluate(rub, pool).candidates["u"].nodes["x"]
    assert result.points == D(5)
    assert result.explanation == (
        "查处案件数 12 件 ≥ 50% × 基准值 20（全市查处案件总数 200 × 基准比例 10%）→ 5 分"
    )


def test_baseline_share_exactly_half_counts():
    # 10 = 50% of 20 → "以上" reading (≥) → 5; 9 < 10 → 0
    rub = one_rule(BASELINE_FACTS, BASELINE)
    pool = {
        "u": {"cases": 10, "share": D("0.1"), "city_total": 200},
        "v": {"cases": 9, "share": D("0.1"), "city_total": 200},
    }
    assert pool_points(rub, pool) == {"u": D(5), "v": D(0)}


def test_baseline_share_strict():
    rub = one_rule(BASELINE_FACTS, {**BASELINE, "strict": True})
    assert pool_points(rub, {"u": {"cases": 10, "share": D("0.1"), "city_total": 200}}) == {
        "u": D(0)
    }


def test_baseline_share_pool_sum():
    # total: pool_sum → the city total is the sum over the pool: 30 + 10 = 40
    # a: share 0.5 → baseline 20 → half 10 → 30 ≥ 10 → 5; b: share 0.5 → 10 ≥ 10 → 5
    # c: share 0 of 40... with cases 0 → baseline 0 → 0 ≥ 0 → 5 (a unit with no key enterprises)
    rub = one_rule(BASELINE_FACTS, {**BASELINE, "total": "pool_sum"})
    pool = {
        "a": {"cases": 30, "share": D("0.5")},
        "b": {"cases": 10, "share": D("0.5")},
        "c": {"cases": 0, "share": 0},
    }
    assert pool_points(rub, pool) == {"a": D(5), "b": D(5), "c": D(5)}
    pool["b"]["cases"] = 9  # total 39 → b's half-baseline 9.75 → 9 < 9.75 → 0
    assert pool_points(rub, pool)["b"] == D(0)
