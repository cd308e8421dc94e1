"""manual, boolean and tiers (catalogue 1-3): worked examples from the seeds."""

from __future__ import annotations

from .builders import D, one_rule, outcome

EQUIP_TIERS = {
    "type": "tiers",
    "fact": "equip",
    "tiers": [{"min": 1, "points": 3}, {"min": 0.95, "points": 2}, {"min": 0.9, "points": 1}],
}


def equip_rubric():
    return one_rule({"equip": {"type": "ratio", "label": "配备比例"}}, EQUIP_TIERS)


def test_tiers_middle_tier():
    # 000: "配备比例 95% 以上、不足 100% 的，得 2 分" → 0.96 ≥ 0.95 and < 1 → 2
    assert outcome(equip_rubric(), {"equip": D("0.96")}) == (D(2), "配备比例 96% ≥ 95% → 2 分")


def test_tiers_exactly_at_threshold_counts():
    # "以上" includes the threshold: 0.95 ≥ 0.95 → 2; "100% 配备" → 3
    assert outcome(equip_rubric(), {"equip": D("0.95")})[0] == D(2)
    assert outcome(equip_rubric(), {"equip": 1})[0] == D(3)


def test_tiers_just_below_threshold_falls_to_next_tier():
    # "不足 95%" excludes 95%: 0.9499 → the 90% tier → 1
    assert outcome(equip_rubric(), {"equip": D("0.9499")})[0] == D(1)


def test_tiers_below_every_tier_gives_zero():
    # 000 lists nothing below 90%: 0.89 → 0
    assert outcome(equip_rubric(), {"equip": D("0.89")}) == (D(0), "配备比例 89% < 90% → 0 分")


def test_tiers_missing_fact_gives_zero():
    assert outcome(equip_rubric(), {}) == (D(0), "配备比例未提供 → 0 分")


def test_tiers_strict_needs_more_than_threshold():
    # 000: "在编在岗执法人员每月人均上报检查记录数量大于2条的,得3分" → "大于" is strict
    rub = one_rule(
        {"records": {"type": "number", "label": "人均检查记录"}},
        {"type": "tiers", "fact": "records", "tiers": [{"min": 2, "points": 3}], "strict": True},
    )
    assert outcome(rub, {"records": 2}) == (D(0), "人均检查记录 2 ≤ 2 → 0 分")
    assert outcome(rub, {"records": D("2.1")}) == (D(3), "人均检查记录 2.1 > 2 → 3 分")


def test_tiers_on_counts():
    # 002: "配备 6 项及以上选配装备的，得 1 分；配备 3-5 项的，得 0.5 分；配备不足 3 项的，不得分"
    rub = one_rule(
        {"optional": {"type": "count", "label": "选配装备", "unit": "项"}},
        {
            "type": "tiers",
            "fact": "optional",
            "tiers": [{"min": 6, "points": 1}, {"min": 3, "points": 0.5}],
        },
    )
    assert outcome(rub, {"optional": 6}) == (D(1), "选配装备 6 项 ≥ 6 项 → 1 分")
    assert outcome(rub, {"optional": 5})[0] == D("0.5")
    assert outcome(rub, {"optional": 2})[0] == D(0)


def test_boolean_true_gives_points():
    # 000: "候选集体建设并使用电量监管系统的，得3分" → built → 3
    rub = one_rule(
        {"power": {"type": "bool", "label": "建设并使用电量监管系统"}},
        {"type": "boolean", "fact": "power", "points": 3},
    )
    assert outcome(rub, {"power": True}) == (D(3), "建设并使用电量监管系统：是 → 3 分")
    assert outcome(rub, {"power": False}) == (D(0), "建设并使用电量监管系统：否 → 0 分")
    assert outcome(rub, {}) == (D(0), "建设并使用电量监管系统未提供 → 0 分")


def test_boolean_negative_points_are_a_penalty():
    # 002: "未按要求查办并及时反馈的，扣1分" → true → −1
    rub = one_rule({"late": "bool"}, {"type": "boolean", "fact": "late", "points": -1})
    assert outcome(rub, {"late": True})[0] == D(-1)


def test_manual_within_bounds_taken_as_is():
    # 000: "根据组织的次数和类别，酌情得1—2分" → panel gives 1.5 → 1.5
    rub = one_rule(
        {"panel": {"type": "score", "label": "学习活动评分"}},
        {"type": "manual", "fact": "panel", "min": 1, "max": 2},
    )
    assert outcome(rub, {"panel": D("1.5")}) == (D("1.5"), "学习活动评分 1.5 → 1.5 分")


def test_manual_outside_bounds_is_clamped_and_says_so():
    # "1—2分": a panel entry of 3 is clamped to 2, of 0.5 to 1
    rub = one_rule(
        {"panel": {"type": "score", "label": "学习活动评分"}},
        {"type": "manual", "fact": "panel", "min": 1, "max": 2},
    )
    assert outcome(rub, {"panel": 3}) == (D(2), "学习活动评分 3 高于上限 2，按 2 分")
    assert outcome(rub, {"panel": D("0.5")}) == (D(1), "学习活动评分 0.5 低于下限 1，按 1 分")


def test_manual_missing_gives_zero_not_minimum():
    # no panel score at all is not "酌情得1分": missing → 0
    rub = one_rule({"panel": "score"}, {"type": "manual", "fact": "panel", "min": 1, "max": 2})
    assert outcome(rub, {})[0] == D(0)
