"""weighted and expr (catalogue 14, 16)."""

from __future__ import annotations

from .builders import D, one_rule, outcome, score

# 002: "每轮次现场检查任务完成情况得分比重占40%，发现环境问题得分比重占50%，
# 提供符合要求的典型案例和宣传材料得分比重占10%。"
PARTS_FACTS = {
    "tasks": {"type": "score", "label": "任务完成"},
    "problems": {"type": "score", "label": "发现问题"},
    "cases": {"type": "score", "label": "案例宣传"},
}
WEIGHTED = {
    "type": "weighted",
    "parts": [
        {"fact": "tasks", "weight": 0.4},
        {"fact": "problems", "weight": 0.5},
        {"fact": "cases", "weight": 0.1},
    ],
}


def test_weighted_composite():
    # 90 × 0.4 + 80 × 0.5 + 70 × 0.1 = 36 + 40 + 7 = 83
    facts = {"tasks": 90, "problems": 80, "cases": 70}
    assert outcome(one_rule(PARTS_FACTS, WEIGHTED), facts) == (
        D(83),
        "任务完成 90 × 40% + 发现问题 80 × 50% + 案例宣传 70 × 10% = 83 → 83 分",
    )


def test_weighted_scaled_and_capped():
    # 83 of 100 scaled to 20 points → 16.6; a cap of 16 → 16
    facts = {"tasks": 90, "problems": 80, "cases": 70}
    scaled = {**WEIGHTED, "scale": {"from": 100, "to": 20}}
    assert outcome(one_rule(PARTS_FACTS, scaled), facts)[0] == D("16.6")
    capped = {**scaled, "max": 16}
    assert outcome(one_rule(PARTS_FACTS, capped), facts)[0] == D(16)


def test_weighted_part_expression():
    rule = {
        "type": "weighted",
        "parts": [{"expr": "tasks + cases", "weight": 0.5, "label": "合计"}],
    }
    assert outcome(one_rule(PARTS_FACTS, rule), {"tasks": 3, "cases": 1}) == (
        D(2),
        "合计 4 × 50% = 2 → 2 分",
    )


# 002 individual: "公安机关每立案1件环境污染犯罪案件的，得6分，每立案1件行政拘留案件的，得2分，
# 最高得6分。"
EXPR_FACTS = {"crime": "count", "detention": "count"}
EXPR = {"type": "expr", "expr": "6 * crime + 2 * detention", "max": 6}


def test_expr_below_max():
    # two detention cases → 2 × 2 = 4
    assert outcome(one_rule(EXPR_FACTS, EXPR), {"detention": 2}) == (
        D(4),
        "6 * crime + 2 * detention = 4 分",
    )


def test_expr_capped():
    # one crime + one detention → 8 → "最高得6分" → 6
    assert outcome(one_rule(EXPR_FACTS, EXPR), {"crime": 1, "detention": 1}) == (
        D(6),
        "6 * crime + 2 * detention = 8，封顶 6 分",
    )


def test_expr_decimal_literals_are_exact():
    # 0.1 + 0.2 in an expression is 0.3 exactly (Decimal literals), and / divides Decimals
    rub = one_rule({"n": "count"}, {"type": "expr", "expr": "0.1 + 0.2 + n / 3"})
    assert outcome(rub, {"n": 3})[0] == D("1.3")


def test_expr_min_and_functions():
    rub = one_rule(
        {"a": "number", "b": "number"},
        {"type": "expr", "expr": "max(a, b) - min(a, b) + abs(-1)", "min": 0},
    )
    assert outcome(rub, {"a": 2, "b": 5})[0] == D(4)


def test_expr_bool_result_counts_as_one():
    rub = one_rule({"a": "count"}, {"type": "expr", "expr": "a >= 3"})
    assert outcome(rub, {"a": 3})[0] == D(1)


def test_expr_division_by_zero_is_an_error_not_a_crash():
    rub = one_rule({"a": "count", "b": "count"}, {"type": "expr", "expr": "a / b"})
    result = score(rub, {"a": 1, "b": 0})
    assert result.nodes["x"].points == D(0)
    assert result.nodes["x"].explanation.startswith("无法计算")
    assert "x" in result.errors[0]
