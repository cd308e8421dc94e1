"""Seed 000 (泰安 2021) 附件3 县级表现突出集体评选细则, encoded in s000-collective.yaml.

Every expected number below is computed by hand from the seed's sentences (quoted in the
comments), not read back from the engine.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml

from scoring.engine import Rubric, check_rubric, evaluate, load_rubric
from tests.scoring.rubrics.helpers import ROOT, cites, points, squeeze

D = Decimal
RUBRIC = ROOT / "scoring" / "rubrics" / "s000-collective.yaml"
SEED = ROOT / "docs" / "seeds" / "000_624614c78872d090.txt"


@pytest.fixture(scope="module")
def rubric() -> Rubric:
    return load_rubric(RUBRIC)


# --- (a) loading and the source's own inconsistencies -------------------------------------


def test_loads_and_check_reports_exactly_the_source_inconsistencies(rubric: Rubric) -> None:
    items = [node for _, node in rubric.walk() if type(node).__name__ == "Item"]
    assert len(items) == 21
    assert rubric.max == D("100")
    warnings = {(w.kind, w.path) for w in check_rubric(rubric)}
    assert warnings == {
        # “执法工作规范性”：“出现1个扣0.5分,最高扣2分;本项指标最高扣5分” — two caps in one sentence.
        ("conflict", "indicators[2].children[0].items[1]"),
        # “铁军风采着装演练”指标（10分）, but “根据成绩排名得1—4分”: the rule reaches only 4.
        ("item_max", "indicators[4].items[0]"),
    }


def test_every_quote_is_verbatim_in_the_seed() -> None:
    seed = squeeze(SEED.read_text(encoding="utf-8"))
    quotes = cites(yaml.safe_load(RUBRIC.read_text(encoding="utf-8")))
    assert len(quotes) == 30
    assert [q for q in quotes if squeeze(q) not in seed] == []


def test_precedence_veto_and_bonus_are_declared(rubric: Rubric) -> None:
    [veto] = rubric.vetoes
    assert "廉洁纪律" in veto.reason
    by_id = {node.id: node for _, node in rubric.walk()}
    assert by_id["uniform_drill_pts"].precedence.fact == "prov_uniform_drill_points"
    assert by_id["party_building"].bonus is True
    assert rubric.params["party_bonus_max"] == D("2")
    assert by_id["norm_deduction"].conflict


# --- (b) one full candidate ----------------------------------------------------------------

FULL = {
    "integrity_violation": False,
    "drill_rank": 2,
    "drill_review_problems": 3,
    "terminal_equip_ratio": D("0.96"),
    "terminal_report_ratio": D("1.00"),
    "daily_inspections": 1200,
    "random_inspections": 300,
    "monthly_records_per_officer": D("2.5"),
    "docs_without_mobile": 2,
    "power_monitoring_in_use": True,
    "power_alarm_resolution_ratio": D("0.92"),
    "basic_data_completeness": D("0.93"),
    "unrectified_inspection_issues": 3,
    "case_self_reviews": 4,
    "sampled_case_files": [
        {"score": 85},
        {"score": 90},
        {"score": 70, "decision_only_or_unpublished": True},
    ],
    "learning_participation_ratio": D("0.95"),
    "learning_points_ratio": D("0.85"),
    "adopted_materials": 5,
    "learning_activities_score": D("1.5"),
    "exam_avg_score": 88,
    "uniform_drill_score": 3,
    "party_building_bonus": 1,
}


def test_full_candidate_end_to_end(rubric: Rubric) -> None:
    result = evaluate(rubric, {"daiyue": FULL}).candidates["daiyue"]
    p = points(result)

    # 一、执法实战比武（30）
    # “根据成绩排名得 1—30 分”: rank 2 of drill_participants = 6 → 30 − (30 − 1) × 1/5 = 24.2
    assert p["drill_rank_pts"] == D("24.2")
    # “点评结果中发现 1 个问题的，扣 0.5 分”: 3 problems → −1.5
    assert p["drill_review_deduction"] == D("-1.5")
    assert p["drill"] == D("22.7")

    # 二、移动执法系统建设与运用（20）
    # “配备比例 95% 以上、不足 100% 的，得 2 分”: 96% → 2
    assert p["terminal_equip"] == D("2")
    # “对于县级集体,每月上报现场检查数据终端占比100%的,得3分”: 100% → 3
    assert p["terminal_report"] == D("3")
    # “日常检查次数大于“双随机、一公开”数量的,得3分”: 1200 > 300 → 3
    assert p["daily_vs_random"] == D("3")
    # “每月人均上报检查记录数量大于2条的,得3分”: 2.5 > 2 → 3
    assert p["records_per_officer"] == D("3")
    # “每发现1件扣0.5分,最高扣5分”: 2 documents → −1
    assert p["docs_without_mobile_deduction"] == D("-1")
    # “建设并使用电量监管系统的,得3分” → 3; “解决率达到90%以上的,得2分”: 92% → 2
    assert p["power_monitoring"] == D("3")
    assert p["power_alarm_resolution"] == D("2")
    # “占比90%以上、不足95%的,得1分”: completeness 93% → 1
    assert p["basic_data"] == D("1")
    # 2 + 3 + 3 + 3 − 1 + 3 + 2 + 1 = 16
    assert p["mobile"] == D("16")

    # 三、执法规范性和质量（20）
    # “执法工作规范性”指标(5分), “出现1个扣0.5分,最高扣2分”: 5 − 3 × 0.5 = 3.5
    assert p["norm_full"] == D("5")
    assert p["norm_deduction"] == D("-1.5")
    assert p["norm"] == D("3.5")
    # “每开展一次得1分，最高得3分”: 4 self-reviews → 3
    assert p["self_review"] == D("3")
    # “每个案卷占4分”: 85 → 3.4, 90 → 3.6; “仅录入行政处罚决定书或者处罚情况未在门户网站公开的，
    # 该案卷按0分计”: the third file → 0.  3.4 + 3.6 + 0 = 7
    assert p["sampled_files"] == D("7")
    assert p["case_quality"] == D("10")
    assert p["quality"] == D("13.5")

    # 四、执法业务学习活动（20）
    # “参与度为90%以上、不足100%的，得1分”: 95% → 1
    assert p["participation"] == D("1")
    # “占比80%以上、不足90%的，得3分”: 85% → 3
    assert p["learning_points"] == D("3")
    # “被采纳的，每件得0.5分，最高得6分”: 5 × 0.5 = 2.5
    assert p["adopted_materials_pts"] == D("2.5")
    # “酌情得1—2分”: panel enters 1.5
    assert p["learning_activities"] == D("1.5")
    # “根据成绩排名得1—6分”: alone in the pool → rank 1 → 6
    assert p["exam_rank"] == D("6")
    # 1 + 3 + 2.5 + 1.5 + 6 = 14
    assert p["learning"] == D("14")

    # 五、铁军风采着装演练（10）: “根据成绩排名得1—4分”: panel entered 3, no provincial score
    assert p["uniform_drill"] == D("3")

    # 六、党建工作（附加项）: “视表扬级别酌情加分”: 1
    assert p["party_building"] == D("1")

    # base 22.7 + 16 + 13.5 + 14 + 3 = 69.2; bonus 1; total 70.2
    assert result.base == D("69.2")
    assert result.bonus == D("1")
    assert result.total == D("70.2")
    assert result.vetoes == []
    assert result.ineligible == []
    assert result.rank == 1
    assert result.errors == []


# --- (c) boundaries, caps, floors, precedence and the veto ---------------------------------

BOUNDARY = {
    "integrity_violation": True,
    "drill_rank": 7,
    "drill_review_problems": 100,
    "terminal_equip_ratio": D("0.95"),
    "terminal_report_ratio": D("0.90"),
    "daily_inspections": 300,
    "random_inspections": 300,
    "monthly_records_per_officer": 2,
    "docs_without_mobile": 20,
    "power_monitoring_in_use": True,
    "power_alarm_resolution_ratio": D("0.90"),
    "basic_data_completeness": D("0.8999"),
    "unrectified_inspection_issues": 10,
    "case_self_reviews": 3,
    "sampled_case_files": [{"score": 100}, {"score": 100}],
    "learning_participation_ratio": D("0.8999"),
    "learning_points_ratio": D("0.60"),
    "adopted_materials": 20,
    "learning_activities_score": 5,
    "exam_avg_score": D("72.5"),
    "uniform_drill_score": 4,
    "prov_uniform_drill_points": D("8.5"),
    "party_building_bonus": 5,
}


def test_boundary_candidate(rubric: Rubric) -> None:
    pool = evaluate(rubric, {"taishan": BOUNDARY})
    result = pool.candidates["taishan"]
    p = points(result)

    # Rank 7 is beyond the 6 participating teams → 0; 100 problems × 0.5 = −50 → 扣完为止, 0.
    assert p["drill_rank_pts"] == D("0")
    assert p["drill_review_deduction"] == D("-50")
    assert p["drill"] == D("0")

    # “95% 以上”: exactly 95% → 2;  “占比90%以上”: exactly 90% → 1
    assert p["terminal_equip"] == D("2")
    assert p["terminal_report"] == D("1")
    # “大于”: 300 = 300 → 0;  “大于2条”: exactly 2 → 0
    assert p["daily_vs_random"] == D("0")
    assert p["records_per_officer"] == D("0")
    # 20 × 0.5 = 10, “最高扣5分” → −5
    assert p["docs_without_mobile_deduction"] == D("-5")
    # “达到90%以上”: exactly 90% → 2;  89.99% < 90% → 0
    assert p["power_alarm_resolution"] == D("2")
    assert p["basic_data"] == D("0")
    # 2 + 1 + 0 + 0 − 5 + 3 + 2 + 0 = 3
    assert p["mobile"] == D("3")

    # 10 × 0.5 = 5, but “最高扣2分” (the recorded conflict's first figure) → 5 − 2 = 3
    assert p["norm_deduction"] == D("-2")
    assert p["norm"] == D("3")
    # exactly 3 self-reviews → 3 (cap reached, not exceeded)
    assert p["self_review"] == D("3")
    # only 2 of 3 sampled files: 4 + 4 + (missing) 0 = 8
    assert p["sampled_files"] == D("8")
    assert p["quality"] == D("14")

    # 89.99% “不足90%的，不得分” → 0;  exactly 60% → 1;  20 × 0.5 = 10 → “最高得6分”
    assert p["participation"] == D("0")
    assert p["learning_points"] == D("1")
    assert p["adopted_materials_pts"] == D("6")
    # panel entered 5, clamped to “1—2分” → 2
    assert p["learning_activities"] == D("2")
    assert p["exam_rank"] == D("6")
    assert p["learning"] == D("15")

    # “重复指标以省级评价标准为准”: the provincial score 8.5 replaces the 1—4 panel score
    assert p["uniform_drill_pts"] == D("8.5")
    assert "以省厅评价" in result.nodes["uniform_drill_pts"].explanation

    # 党建 bonus entered 5, capped by param party_bonus_max = 2
    assert p["party_building"] == D("2")

    # base 0 + 3 + 14 + 15 + 8.5 = 40.5; bonus 2; total 42.5 — scored, but vetoed:
    # “本单位执法人员出现违反廉洁纪律问题的，取消该单位表现突出集体评选资格。”
    assert result.base == D("40.5")
    assert result.bonus == D("2")
    assert result.total == D("42.5")
    assert result.vetoes == ["本单位执法人员出现违反廉洁纪律问题"]
    assert result.rank is None
    assert pool.ranking == []
    assert pool.excluded == ["taishan"]


def test_conflicting_cap_is_a_param(rubric: Rubric) -> None:
    # An admin who reads “本项指标最高扣5分” as the cap can change the param.
    result = evaluate(rubric.with_params({"norm_deduction_cap": 5}), {"x": BOUNDARY})
    assert result.candidates["x"].nodes["norm"].points == D("0")


# --- (d) a pool: the pool-based exam rank and the external drill rank ----------------------


def test_pool_ranks(rubric: Rubric) -> None:
    pool = {
        "p1": {"exam_avg_score": 90, "drill_rank": 1},
        "p2": {"exam_avg_score": 86, "drill_rank": 3},
        "p3": {"exam_avg_score": 86, "drill_rank": 2},
        "p4": {"exam_avg_score": 79, "drill_rank": 6},
        "p5": {"exam_avg_score": 65},
    }
    result = evaluate(rubric, pool)
    exam = {cid: c.nodes["exam_rank"].points for cid, c in result.candidates.items()}
    drill = {cid: c.nodes["drill"].points for cid, c in result.candidates.items()}
    # Exam ranks among the candidates: 90 → 1, 86 → 2, 86 → 2 (tie), 79 → 4, 65 → 5 (last).
    # “根据成绩排名得1—6分”: 6 − 5 × (rank − 1)/4 → 6, 4.75, 4.75, 2.25, 1
    assert exam == {
        "p1": D("6"),
        "p2": D("4.75"),
        "p3": D("4.75"),
        "p4": D("2.25"),
        "p5": D("1"),
    }
    # External drill rank of 6 teams: 30 − 5.8 × (rank − 1) → 30, 18.4, 24.2, 1; no rank → 0
    assert drill == {
        "p1": D("30"),
        "p2": D("18.4"),
        "p3": D("24.2"),
        "p4": D("1"),
        "p5": D("0"),
    }
    # Every candidate also gets 执法工作规范性 5 (a deduction-only indicator starts full).
    totals = {cid: c.total for cid, c in result.candidates.items()}
    assert totals == {
        "p1": D("41"),  # 30 + 5 + 6
        "p2": D("28.15"),  # 18.4 + 5 + 4.75
        "p3": D("33.95"),  # 24.2 + 5 + 4.75
        "p4": D("8.25"),  # 1 + 5 + 2.25
        "p5": D("6"),  # 0 + 5 + 1
    }
    assert result.ranking == ["p1", "p3", "p2", "p4", "p5"]
    assert [result.candidates[cid].rank for cid in result.ranking] == [1, 2, 3, 4, 5]
    # A candidate without an exam average is not ranked on the exam: 0 points there.
    alone = evaluate(rubric, {**pool, "p6": {}}).candidates["p6"]
    assert alone.nodes["exam_rank"].points == D("0")


def test_party_building_cap_is_a_param(rubric: Rubric) -> None:
    # “视表扬级别酌情加分” gives no figure: the cap is the param party_bonus_max (default 2).
    raised = rubric.with_params({"party_bonus_max": 3})
    result = evaluate(raised, {"x": BOUNDARY}).candidates["x"]
    assert result.nodes["party_building"].points == D("3")
    assert result.bonus == D("3")
