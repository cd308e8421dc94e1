"""per_occurrence, weighted_occurrences, deduction, weighted_count (catalogue 4-6, 15)."""

from __future__ import annotations

from .builders import D, node, one_rule, outcome, rubric, score
from .builders import item as make_item

ADOPTED = {"type": "per_occurrence", "fact": "adopted", "each": 0.5, "cap": 6}
ADOPTED_FACT = {"adopted": {"type": "count", "label": "被采纳案例", "unit": "件"}}


def test_per_occurrence_counts_times_each():
    # 000: "典型案例等学习资料被采纳的，每件得0.5分，最高得6分" → 3 × 0.5 = 1.5
    rub = one_rule(ADOPTED_FACT, ADOPTED)
    assert outcome(rub, {"adopted": 3}) == (D("1.5"), "被采纳案例 3 件 × 0.5 = 1.5 分")


def test_per_occurrence_cap_hit_exactly():
    # 12 × 0.5 = 6 = the cap → 6, not reported as capped
    rub = one_rule(ADOPTED_FACT, ADOPTED)
    assert outcome(rub, {"adopted": 12}) == (D(6), "被采纳案例 12 件 × 0.5 = 6 分")


def test_per_occurrence_beyond_cap():
    # 14 × 0.5 = 7 > 6 → "最高得6分" → 6
    rub = one_rule(ADOPTED_FACT, ADOPTED)
    assert outcome(rub, {"adopted": 14}) == (D(6), "被采纳案例 14 件 × 0.5 = 7，封顶 6 分")


def test_per_occurrence_without_cap():
    # 002: "办理涉嫌犯罪移送公安机关且立案的案件，每件得3分" → 4 × 3 = 12
    rub = one_rule({"crime": "count"}, {"type": "per_occurrence", "fact": "crime", "each": 3})
    assert outcome(rub, {"crime": 4})[0] == D(12)


def test_per_occurrence_missing_gives_zero():
    assert outcome(one_rule(ADOPTED_FACT, ADOPTED), {}) == (D(0), "被采纳案例未提供 → 0 分")


HONOURS = {
    "honours": {
        "type": "categories",
        "label": "表扬表彰",
        "categories": {
            "prov_commend": "省级及以上表彰",
            "city_commend": "市级及以下表彰",
            "national_praise": "国家级表扬",
            "prov_praise": "省级表扬",
            "city_praise": "市级及以下表扬",
        },
    }
}
HONOUR_RULE = {
    "type": "weighted_occurrences",
    "fact": "honours",
    "weights": {
        "prov_commend": 10,
        "city_commend": 5,
        "national_praise": 3,
        "prov_praise": 2,
        "city_praise": 1,
    },
    "once": ["prov_commend"],
    "cap": 10,
}


def test_weighted_occurrences_sum_of_weights():
    # 000: "每获得 1 次国家级表扬的，得 3 分；每获得 1 次省级表扬的，得 2 分；
    #       每获得 1 次市级及以下表扬的，得 1 分" → 1 × 3 + 2 × 2 + 1 × 1 = 8
    rub = one_rule(HONOURS, HONOUR_RULE)
    points, text = outcome(
        rub, {"honours": {"national_praise": 1, "prov_praise": 2, "city_praise": 1}}
    )
    assert points == D(8)
    assert text == "表扬表彰：国家级表扬 1 × 3 + 省级表扬 2 × 2 + 市级及以下表扬 1 × 1 = 8 分"


def test_weighted_occurrences_once_and_cap():
    # 000: "获得省级及以上表彰的，得 10 分" (once, not per commendation) and "得 1—10 分":
    # two provincial commendations + one city praise → 10 + 1 = 11 → capped at 10
    rub = one_rule(HONOURS, HONOUR_RULE)
    points, text = outcome(rub, {"honours": {"prov_commend": 2, "city_praise": 1}})
    assert points == D(10)
    assert text.endswith("= 11，封顶 10 分")


def test_weighted_occurrences_none_reported():
    rub = one_rule(HONOURS, HONOUR_RULE)
    assert outcome(rub, {"honours": {}}) == (D(0), "表扬表彰：无 → 0 分")


def test_weighted_occurrences_cases_by_type():
    # 000 individual: "每办理 1 起一般处罚案卷得 1 分，每办理 1 起适用四个配套办法案件得 2 分，
    # 累计得分不超过 10 分" → 3 × 1 + 2 × 2 = 7
    rub = one_rule(
        {"cases": {"type": "categories", "label": "办理案件", "categories": ["general", "four"]}},
        {
            "type": "weighted_occurrences",
            "fact": "cases",
            "weights": {"general": 1, "four": 2},
            "cap": 10,
        },
    )
    assert outcome(rub, {"cases": {"general": 3, "four": 2}})[0] == D(7)
    assert outcome(rub, {"cases": {"general": 4, "four": 4}})[0] == D(10)  # 12 → 10


DEDUCTION = {"type": "deduction", "fact": "problems", "each": 0.5, "cap": 2}
PROBLEMS = {"problems": {"type": "count", "label": "整改不到位问题"}}


def test_deduction_each_problem():
    # 000: "对稽查发现的问题整改不到位的，出现1个扣0.5分，最高扣2分" → 3 × 0.5 = 1.5 → −1.5
    rub = one_rule(PROBLEMS, DEDUCTION)
    assert outcome(rub, {"problems": 3}) == (
        D("-1.5"),
        "整改不到位问题 3 个 × 0.5 = 1.5，扣 1.5 分",
    )


def test_deduction_cap_hit_exactly_and_beyond():
    # 4 × 0.5 = 2 = "最高扣2分" → −2; 6 × 0.5 = 3 → still −2
    rub = one_rule(PROBLEMS, DEDUCTION)
    assert outcome(rub, {"problems": 4})[0] == D(-2)
    assert outcome(rub, {"problems": 6}) == (
        D(-2),
        "整改不到位问题 6 个 × 0.5 = 3，最多扣 2 分，扣 2 分",
    )


def test_deduction_none_found():
    rub = one_rule(PROBLEMS, DEDUCTION)
    assert outcome(rub, {"problems": 0}) == (D(0), "整改不到位问题 0 个 → 不扣分")
    assert outcome(rub, {}) == (D(0), "整改不到位问题未提供 → 不扣分")


def test_deduction_past_the_floor_stops_at_zero():
    # 002: "每发现一次扣0.2分，最多扣2分" inside a 5-point node that earned 1 point:
    # 1 − 2 = −1 → "扣完为止" (floor 0) → 0
    rub = rubric(
        {"honour": "bool", "lapses": "count"},
        node(
            "n",
            make_item("h", {"type": "boolean", "fact": "honour", "points": 1}, max=1),
            make_item("d", {"type": "deduction", "fact": "lapses", "each": 0.2, "cap": 2}),
            max=5,
        ),
    )
    result = score(rub, {"honour": True, "lapses": 10})
    assert result.nodes["d"].points == D(-2)
    assert result.nodes["n"].points == D(0)
    assert result.nodes["n"].explanation == "小计 -1，扣完为止，计 0 分"


def test_weighted_count_as_derived_fact():
    # 003: "按日连续处罚案件、涉嫌环境污染犯罪移送公安机关案件，按 2 个案件加权计算；
    # 适用行政拘留移送公安机关案件按 3 个案件加权计算" → 4 × 1 + 1 × 2 + 1 × 2 + 1 × 3 = 11
    rub = one_rule(
        {
            "cases": {
                "type": "categories",
                "label": "案件",
                "categories": ["penalty", "daily", "crime", "detention"],
            }
        },
        {"type": "per_occurrence", "fact": "weighted", "each": 1},
        derived={
            "weighted": {
                "label": "加权案件数",
                "rule": {
                    "type": "weighted_count",
                    "fact": "cases",
                    "weights": {"penalty": 1, "daily": 2, "crime": 2, "detention": 3},
                },
            }
        },
    )
    facts = {"cases": {"penalty": 4, "daily": 1, "crime": 1, "detention": 1}}
    assert outcome(rub, facts) == (D(11), "加权案件数 11 × 1 = 11 分")


def test_weighted_count_as_points():
    rub = one_rule(
        {"cases": "categories"},
        {"type": "weighted_count", "fact": "cases", "weights": {"a": 2, "b": D("0.5")}, "cap": 3},
    )
    assert outcome(rub, {"cases": {"a": 1, "b": 1}}) == (
        D("2.5"),
        "cases：a 1 × 2 + b 1 × 0.5 = 2.5 分",
    )
    assert outcome(rub, {"cases": {"a": 2}})[0] == D(3)
