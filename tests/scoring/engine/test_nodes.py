"""Node features: caps at every level, floors, zero_if, bonus, bonus_cap, precedence."""

from __future__ import annotations

from .builders import CITE, D, item, node, rubric, score

PER = {"type": "per_occurrence", "fact": "n", "each": 1}


def per(fact: str, each: int = 1) -> dict:
    return {"type": "per_occurrence", "fact": fact, "each": each}


def test_item_max_caps_the_rule():
    # a rule reaching 7 under an item stated at 6 → 6, capped
    rub = rubric({"n": "count"}, node("a", item("x", PER, max=6)))
    result = score(rub, {"n": 7}).nodes["x"]
    assert (result.points, result.capped) == (D(6), True)
    assert result.explanation == "n 7 个 × 1 = 7 分；本项最高 6 分"


def test_node_max_caps_the_sum():
    # 002: "本项累计得分不得超过27分": 22 + 5 + 3 = 30 → 27
    rub = rubric(
        {"a": "count", "b": "count", "c": "count"},
        node("review", item("a", per("a")), item("b", per("b")), item("c", per("c")), max=27),
    )
    result = score(rub, {"a": 22, "b": 5, "c": 3}).nodes["review"]
    assert (result.points, result.capped, result.kind) == (D(27), True, "indicator")
    assert result.explanation == "小计 30，封顶 27 分"


def test_node_cap_hit_exactly_is_not_capped():
    rub = rubric({"a": "count"}, node("n", item("a", per("a")), max=27))
    result = score(rub, {"a": 27}).nodes["n"]
    assert (result.points, result.capped) == (D(27), False)


def test_nested_nodes_cap_at_each_level():
    # child capped at 5 (7 → 5), parent sums 5 + 4 = 9 and caps at 8
    rub = rubric(
        {"a": "count", "b": "count"},
        {
            "id": "top",
            "title": "top",
            "max": 8,
            "children": [node("child", item("a", per("a")), max=5)],
            "items": [item("b", per("b"))],
        },
    )
    nodes = score(rub, {"a": 7, "b": 4}).nodes
    assert (nodes["child"].points, nodes["top"].points) == (D(5), D(8))


def test_rubric_max_caps_the_base_total():
    rub = rubric({"a": "count"}, node("n", item("a", per("a"))), max=10)
    result = score(rub, {"a": 12})
    assert (result.base, result.total) == (D(10), D(10))


def test_floor_default_zero_and_custom_floor():
    # "扣完为止": deductions past zero stop at the floor (default 0); a floor of −2 lets it go to −2
    ded = {"type": "deduction", "fact": "d", "each": 1}
    zero = rubric({"d": "count"}, node("n", item("d", ded)))
    assert score(zero, {"d": 3}).nodes["n"].points == D(0)
    below = rubric({"d": "count"}, node("n", item("d", ded), floor=-2))
    result = score(below, {"d": 3}).nodes["n"]
    assert (result.points, result.explanation) == (D(-2), "小计 -3，不低于 -2 分")


def test_zero_if_on_node():
    # 002: "行政处罚案卷被生态环境部评查认定为零分案卷的，“案卷评查”考核项不得分。"
    rub = rubric(
        {"a": "count", "ministry_zero": "bool"},
        node(
            "review",
            item("a", per("a")),
            max=22,
            zero_if=[{"when": "ministry_zero", "reason": "被生态环境部评查认定为零分案卷"}],
        ),
    )
    result = score(rub, {"a": 10, "ministry_zero": True})
    assert result.nodes["review"].points == D(0)
    assert result.nodes["review"].zeroed == "被生态环境部评查认定为零分案卷"
    assert result.nodes["review"].explanation == "小计 10 分；被生态环境部评查认定为零分案卷 → 0 分"
    assert result.total == D(0)
    assert score(rub, {"a": 10, "ministry_zero": False}).total == D(10)


def test_zero_if_on_item():
    # 003: "存在因行政复议纠正行政处罚或案卷造假单位,该项指标按零分计。"
    rub = rubric(
        {"a": "count", "overturned": "bool"},
        node(
            "n",
            item(
                "a", per("a"), zero_if=[{"when": "overturned", "reason": "因行政复议纠正行政处罚"}]
            ),
        ),
    )
    result = score(rub, {"a": 5, "overturned": True}).nodes["a"]
    assert (result.points, result.zeroed) == (D(0), "因行政复议纠正行政处罚")
    assert result.explanation == "a 5 个 × 1 = 5 分；因行政复议纠正行政处罚 → 0 分"


def test_bonus_node_counts_outside_the_maximum():
    # 000: "党建工作（附加项）": the base stays ≤ max, the bonus is added on top
    rub = rubric(
        {"a": "count", "party": "count"},
        node("main", item("a", per("a")), max=10),
        node("party_building", item("p", per("party"), max=2), bonus=True),
        max=10,
    )
    result = score(rub, {"a": 10, "party": 1})
    assert (result.base, result.bonus, result.total) == (D(10), D(1), D(11))


def test_bonus_item_inside_a_normal_node():
    # 002: "执法处罚一体化建设（加分项）...加1分" inside a 14-point node whose other items fill it
    rub = rubric(
        {"a": "count", "integrated": "bool"},
        node(
            "info",
            item("a", per("a")),
            item("plus", {"type": "boolean", "fact": "integrated", "points": 1}, max=1, bonus=True),
            max=14,
        ),
        max=14,
    )
    result = score(rub, {"a": 14, "integrated": True})
    assert result.nodes["info"].points == D(14)
    assert "另有加分 1 分计入附加分" in result.nodes["info"].explanation
    assert (result.base, result.bonus, result.total) == (D(14), D(1), D(15))


def test_bonus_cap_limits_all_bonus_points():
    # 002: "加0.5分...加0.5分" plus "加1分" = 2, with bonus_cap 1 → 1
    rub = rubric(
        {"a": "bool", "b": "bool", "c": "bool"},
        node(
            "extras",
            item("a", {"type": "boolean", "fact": "a", "points": 0.5}, max=0.5),
            item("b", {"type": "boolean", "fact": "b", "points": 0.5}, max=0.5),
            item("c", {"type": "boolean", "fact": "c", "points": 1}, max=1),
            bonus=True,
        ),
        max=0,
        bonus_cap=1,
    )
    result = score(rub, {"a": True, "b": True, "c": True})
    assert (result.bonus, result.total) == (D(1), D(1))


def test_bonus_zeroed_with_its_node():
    rub = rubric(
        {"a": "count", "extra": "bool", "stop": "bool"},
        node(
            "n",
            item("a", per("a")),
            item("plus", {"type": "boolean", "fact": "extra", "points": 1}, max=1, bonus=True),
            zero_if=[{"when": "stop", "reason": "廉政纪律问题"}],
        ),
    )
    result = score(rub, {"a": 3, "extra": True, "stop": True})
    assert (result.base, result.bonus) == (D(0), D(0))


def test_precedence_takes_the_provincial_value():
    # 000: "重复指标以省级评价标准为准，不再重复计分。" → the provincial score replaces the rule
    prec = {"fact": "prov_score", "note": "重复指标以省级评价标准为准"}
    rub = rubric(
        {"a": "count", "prov_score": {"type": "score", "label": "省级评价得分"}},
        node("n", item("a", per("a"), max=5, precedence=prec)),
    )
    result = score(rub, {"a": 1, "prov_score": 4}).nodes["a"]
    assert result.points == D(4)
    assert result.explanation == "以省级评价得分为准（重复指标以省级评价标准为准）：4 分"
    # absent provincial value → the rule: 1 × 1 = 1; above the item max → clamped to 5
    assert score(rub, {"a": 1}).nodes["a"].points == D(1)
    assert score(rub, {"a": 1, "prov_score": 9}).nodes["a"].points == D(5)


def test_node_results_carry_metadata():
    rub = rubric({"a": "count"}, node("n", item("a", per("a"), max=3), max=3, cite=CITE))
    nodes = score(rub, {"a": 1}).nodes
    assert nodes["a"].kind == "item" and nodes["n"].kind == "indicator"
    assert nodes["a"].max == D(3) and nodes["a"].cite.seed == CITE["seed"]
    assert nodes["n"].cite.quote == CITE["quote"]
