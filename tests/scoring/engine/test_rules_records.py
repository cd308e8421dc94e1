"""monthly and aggregate: rules over structured facts (catalogue 12-13)."""

from __future__ import annotations

from scoring.engine import fmt_points

from .builders import D, one_rule, outcome, score

WINDOW = {"from": "2023-11", "to": "2024-10"}
MONTHS = ["2023-11", "2023-12", *(f"2024-{m:02d}" for m in range(1, 11))]
# 002: "2023年11月至2024年10月期间，每个月统计辖区内所有在编在岗持证人员录入移动执法系统的比例，
# 统计比例在90%以上的，得0.2分；每月统计比例均达90%以上的，得3分。"
MONTHLY = {"type": "monthly", "fact": "share", "window": WINDOW, "min": 0.9, "each": 0.2, "all": 3}
SHARE = {"share": {"type": "monthly", "label": "录入比例", "value_type": "ratio"}}


def test_monthly_each_qualifying_month():
    # 5 of 12 months at ≥ 90% → 5 × 0.2 = 1
    facts = {"share": {m: D("0.95") if i < 5 else D("0.5") for i, m in enumerate(MONTHS)}}
    assert outcome(one_rule(SHARE, MONTHLY), facts) == (
        D(1),
        "录入比例：12 个月中 5 个月 ≥ 90%：5 × 0.2 = 1 分",
    )


def test_monthly_every_month_gives_all_instead():
    # all 12 months ≥ 90% (exactly 90% counts: "90%以上") → 3, not 12 × 0.2 = 2.4
    facts = {"share": dict.fromkeys(MONTHS, D("0.9"))}
    assert outcome(one_rule(SHARE, MONTHLY), facts) == (
        D(3),
        "录入比例：12 个月中每月均 ≥ 90% → 3 分",
    )


def test_monthly_missing_month_counts_as_not_met():
    facts = {"share": dict.fromkeys(MONTHS[:-1], D("0.99"))}  # October absent
    assert outcome(one_rule(SHARE, MONTHLY), facts)[0] == D("2.2")


def test_monthly_explicit_months_and_counts():
    # 002 individual: "每月上传2条及以上的得0.3分，每月均上传2条及以上的得4分" over 3 listed months
    rub = one_rule(
        {"uploads": {"type": "monthly", "label": "上传检查记录", "unit": "条"}},
        {"type": "monthly", "fact": "uploads", "months": ["2024-01", "2024-02", "2024-03"],
         "min": 2, "each": 0.3, "all": 4},
    )  # fmt: skip
    assert outcome(rub, {"uploads": {"2024-01": 2, "2024-02": 1, "2024-03": 5}}) == (
        D("0.6"),
        "上传检查记录：3 个月中 2 个月 ≥ 2 条：2 × 0.3 = 0.6 分",
    )
    assert outcome(rub, {"uploads": {"2024-01": 2, "2024-02": 2, "2024-03": 2}})[0] == D(4)


FILES = {
    "files": {
        "type": "records",
        "label": "抽查案卷",
        "fields": {"score": "number", "grave": "bool", "type": "text"},
    }
}


def test_aggregate_sum_scaled():
    # 000 individual: "随机抽取 2 份...每份案卷占 10 分" → scores 90 and 75 of 100 → 9 + 7.5 = 16.5
    rub = one_rule(
        FILES,
        {"type": "aggregate", "fact": "files", "field": "score", "how": "sum", "expected": 2,
         "scale": {"from": 100, "to": 10}},
    )  # fmt: skip
    assert outcome(rub, {"files": [{"score": 90}, {"score": 75}]}) == (
        D("16.5"),
        "抽查案卷 2 份，合计 16.5 → 16.5 分",
    )


def test_aggregate_mean_missing_zero():
    # 003: "根据提供的行政区域内所有案卷(7 份)得分的平均值计算。未提供的,该案卷按零分计"
    # five files of 70 → 350 / 7 = 50
    rub = one_rule(
        FILES, {"type": "aggregate", "fact": "files", "field": "score", "how": "mean_missing_zero",
                "expected": 7},
    )  # fmt: skip
    assert outcome(rub, {"files": [{"score": 70}] * 5})[0] == D(50)
    # with all seven the plain mean: 7 × 70 / 7 = 70
    assert outcome(rub, {"files": [{"score": 70}] * 7})[0] == D(70)


def test_aggregate_best_round():
    # 002 individual: "参加多轮次的，取各轮次最好成绩；未参加的，该项不得分。" → best of 18, 25, 21
    rub = one_rule(FILES, {"type": "aggregate", "fact": "files", "field": "score", "how": "best"})
    assert outcome(rub, {"files": [{"score": 18}, {"score": 25}, {"score": 21}]})[0] == D(25)
    assert outcome(rub, {"files": []})[0] == D(0)
    assert outcome(rub, {}) == (D(0), "抽查案卷未提供 → 0 分")


def test_aggregate_mean():
    # 002: "参加多个轮次的，得分取平均值。" → (3 + 4 + 2) / 3 = 3
    rub = one_rule(FILES, {"type": "aggregate", "fact": "files", "field": "score", "how": "mean"})
    assert outcome(rub, {"files": [{"score": 3}, {"score": 4}, {"score": 2}]})[0] == D(3)


def test_aggregate_top_half_mean():
    # 002: "综合评分排名前 50% 人员的平均成绩为该项得分。"
    # 4 people 90, 80, 60, 50 → top 2 → 85; 5 people → top 3 (half rounded up) of 90, 80, 70 → 80
    rub = one_rule(
        FILES, {"type": "aggregate", "fact": "files", "field": "score", "how": "top_half_mean"}
    )
    four = [{"score": s} for s in (60, 90, 50, 80)]
    assert outcome(rub, {"files": four})[0] == D(85)
    assert outcome(rub, {"files": [*four, {"score": 70}]})[0] == D(80)


def test_aggregate_grave_defect_zero_and_penalty():
    # 002 individual: "抽取案卷中出现以下 5 种情形之一的，在该案卷不得分基础上，另扣 1 分"
    # two files, 80 and (grave) 95, each worth 10 of 100 → 8 + 0 − 1 = 7
    rub = one_rule(
        FILES,
        {"type": "aggregate", "fact": "files", "field": "score", "how": "sum",
         "scale": {"from": 100, "to": 10}, "grave_field": "grave", "grave_penalty": 1},
    )  # fmt: skip
    points, text = outcome(rub, {"files": [{"score": 80}, {"score": 95, "grave": True}]})
    assert points == D(7)
    assert text == "抽查案卷 2 份，合计 8；1 份存在严重问题按 0 分计，另扣 1 分 → 7 分"


def test_aggregate_per_record_max_and_cap():
    # 000 collective: "每个案卷占 4 分，共计 12 分" → points per file, at most 4 each, 12 in all
    rub = one_rule(
        FILES,
        {"type": "aggregate", "fact": "files", "field": "score", "how": "sum",
         "per_record_max": 4, "cap": 12},
    )  # fmt: skip
    files = [{"score": 5}, {"score": 4}, {"score": 3}, {"score": 4}]
    # 4 + 4 + 3 + 4 = 15 → 12
    points, text = outcome(rub, {"files": files})
    assert points == D(12)
    assert text.endswith("= 15，封顶 12 分")


def test_aggregate_per_record_expression():
    # a per-record expression over declared fields: r.score scaled by type
    rub = one_rule(
        FILES,
        {"type": "aggregate", "fact": "files", "how": "sum",
         "expr": "r.score * 2 if r.type == 'daily' else r.score"},
    )  # fmt: skip
    files = [{"score": D("1.5"), "type": "daily"}, {"score": 1, "type": "general"}]
    assert outcome(rub, {"files": files})[0] == D(4)


def test_aggregate_records_coerced_from_floats_exactly():
    rub = one_rule(FILES, {"type": "aggregate", "fact": "files", "field": "score", "how": "sum"})
    points, _ = outcome(rub, {"files": [{"score": 0.1}, {"score": 0.2}]})
    assert points == D("0.3")  # not 0.30000000000000004
    assert fmt_points(points) == "0.30"


def test_aggregate_bad_record_is_reported():
    rub = one_rule(FILES, {"type": "aggregate", "fact": "files", "field": "score", "how": "sum"})
    result = score(rub, {"files": [{"score": "abc"}]})
    assert result.nodes["x"].points == D(0)
    assert result.errors and "抽查案卷" in result.errors[0]
