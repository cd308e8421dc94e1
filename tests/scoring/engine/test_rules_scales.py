"""linear and steps_above (catalogue 7-8)."""

from __future__ import annotations

from .builders import D, one_rule, outcome

# 002: "辖区内重点排污单位自动监测数据即时有效传输率未达到90%，但补全有效传输率达到95%以上的，
# 得0.5分；即时有效传输率达到90%的，得1分，每增加1%多得0.2分，最高得2分。"
MONITORING_FACTS = {
    "realtime": {"type": "ratio", "label": "即时有效传输率"},
    "backfilled": {"type": "ratio", "label": "补全有效传输率"},
}
MONITORING = {
    "type": "linear",
    "fact": "realtime",
    "start": 0.9,
    "start_points": 1,
    "per": 0.01,
    "per_points": 0.2,
    "max": 2,
    "otherwise": {
        "type": "tiers",
        "fact": "backfilled",
        "tiers": [{"min": 0.95, "points": 0.5}],
    },
}


def monitoring():
    return one_rule(MONITORING_FACTS, MONITORING)


def test_linear_at_start():
    # "即时有效传输率达到90%的，得1分" → 0.90 ≥ 0.90 → 1
    assert outcome(monitoring(), {"realtime": D("0.90")}) == (
        D(1),
        "即时有效传输率 90% ≥ 90%：1 + 0.2 × 0 = 1 分",
    )


def test_linear_per_full_step():
    # "每增加1%多得0.2分": 0.93 → 3 full 1% steps → 1 + 0.6 = 1.6; 0.935 → still 3 steps
    assert outcome(monitoring(), {"realtime": D("0.93")})[0] == D("1.6")
    assert outcome(monitoring(), {"realtime": D("0.935")})[0] == D("1.6")


def test_linear_clamped_at_max():
    # "最高得2分": 0.95 → 1 + 5 × 0.2 = 2 exactly; 0.99 → 2.8 → 2
    assert outcome(monitoring(), {"realtime": D("0.95")})[0] == D(2)
    assert outcome(monitoring(), {"realtime": D("0.99")}) == (
        D(2),
        "即时有效传输率 99% ≥ 90%：1 + 0.2 × 9 = 2.8，封顶 2 分",
    )


def test_linear_otherwise_rule():
    # "未达到90%，但补全有效传输率达到95%以上的，得0.5分" → 0.89 and backfilled 0.96 → 0.5
    assert outcome(monitoring(), {"realtime": D("0.89"), "backfilled": D("0.96")}) == (
        D("0.5"),
        "即时有效传输率 89% < 90%；补全有效传输率 96% ≥ 95% → 0.5 分",
    )
    assert outcome(monitoring(), {"realtime": D("0.89"), "backfilled": D("0.94")})[0] == D(0)


def test_linear_missing_uses_otherwise():
    assert outcome(monitoring(), {"backfilled": D("0.95")}) == (
        D("0.5"),
        "即时有效传输率未提供；补全有效传输率 95% ≥ 95% → 0.5 分",
    )


def test_linear_continuous():
    # stepwise: false → 0.935 is 3.5 steps → 1 + 0.7 = 1.7
    rule = {**MONITORING, "stepwise": False}
    del rule["otherwise"]
    assert outcome(one_rule(MONITORING_FACTS, rule), {"realtime": D("0.935")})[0] == D("1.7")


def test_linear_below_start_without_otherwise():
    rule = {k: v for k, v in MONITORING.items() if k != "otherwise"}
    assert outcome(one_rule(MONITORING_FACTS, rule), {"realtime": D("0.5")}) == (
        D(0),
        "即时有效传输率 50% < 90% → 0 分",
    )


# 000 individual: "候选人使用移动执法系统制作的现场执法记录数量超过全省人均数的，
# 每超过 10%得 2 分，累计得分不超过 10 分"
STEPS_FACTS = {
    "records": {"type": "number", "label": "现场执法记录数"},
    "province_avg": {"type": "number", "label": "全省人均数"},
}
STEPS = {
    "type": "steps_above",
    "fact": "records",
    "reference": "province_avg",
    "step": 0.1,
    "points": 2,
    "cap": 10,
}


def steps():
    return one_rule(STEPS_FACTS, STEPS)


def test_steps_above_counts_steps_exceeded():
    # 125 vs 100: 25% above → two 10% steps exceeded → 2 × 2 = 4
    assert outcome(steps(), {"records": 125, "province_avg": 100}) == (
        D(4),
        "现场执法记录数 125 比全省人均数 100 高 25%，每 10% 一档共 2 档 × 2 = 4 分",
    )


def test_steps_above_exact_boundary_is_not_exceeded():
    # "每超过 10%" is strict: exactly 20% above has exceeded 10% once, not 20% → 1 × 2 = 2
    assert outcome(steps(), {"records": 120, "province_avg": 100})[0] == D(2)
    # strict: false counts the boundary: 20% → 2 steps → 4
    rub = one_rule(STEPS_FACTS, {**STEPS, "strict": False})
    assert outcome(rub, {"records": 120, "province_avg": 100})[0] == D(4)


def test_steps_above_at_or_below_reference_gives_zero():
    # "超过全省人均数的" — equal is not above
    assert outcome(steps(), {"records": 100, "province_avg": 100}) == (
        D(0),
        "现场执法记录数 100 未超过全省人均数 100 → 0 分",
    )


def test_steps_above_cap():
    # "累计得分不超过 10 分": 180 vs 100 → 80% → 7 steps × 2 = 14 → 10
    points, text = outcome(steps(), {"records": 180, "province_avg": 100})
    assert points == D(10)
    assert text.endswith("7 档 × 2 = 14，封顶 10 分")


def test_steps_above_without_reference():
    assert outcome(steps(), {"records": 180}) == (
        D(0),
        "全省人均数未提供或不大于 0，无法比较 → 0 分",
    )


def test_steps_above_reference_from_param():
    rub = one_rule(
        {"records": {"type": "number", "label": "现场执法记录数"}},
        {**STEPS, "reference": "province_avg"},
        params={"province_avg": 50},
    )
    # 80 vs 50: 60% above → 5 steps exceeded → 10
    assert outcome(rub, {"records": 80})[0] == D(10)
