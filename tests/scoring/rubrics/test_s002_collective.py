"""Seed 002 (如东 2024) 附件3 表现突出集体评审细则 (tables), encoded in s002-collective.yaml.

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
RUBRIC = ROOT / "scoring" / "rubrics" / "s002-collective.yaml"
SEED = ROOT / "docs" / "seeds" / "002_8f44051f6a2aebe3.txt"

# The evaluation window “2023年11月至2024年10月”
MONTHS = ["2023-11", "2023-12"] + [f"2024-{m:02d}" for m in range(1, 11)]


@pytest.fixture(scope="module")
def rubric() -> Rubric:
    return load_rubric(RUBRIC)


# --- (a) loading and the source's own inconsistencies -------------------------------------


def test_loads_and_check_reports_exactly_the_source_inconsistencies(rubric: Rubric) -> None:
    items = [node for _, node in rubric.walk() if type(node).__name__ == "Item"]
    assert len(items) == 48
    assert rubric.max == D("100")
    warnings = [(w.kind, w.path) for w in check_rubric(rubric)]
    assert warnings == [
        # “一、队伍建设与管理（25 分）” in the first table, “（30分）” in the next two; encoded 30,
        # its level-2 values 队伍建设 11 + 信息化建设与应用 14 = 25.
        ("node_sum", "indicators[0]"),
        # “二、日常监督执法工作（42分）”, but 专项行动 12 + 案件查办 4 + 执法稽查及案卷评查 27
        # + 典型案例发布 4 = 47.
        ("node_sum", "indicators[1]"),
    ]


def test_every_quote_is_verbatim_in_the_seed() -> None:
    seed = squeeze(SEED.read_text(encoding="utf-8"))
    quotes = cites(yaml.safe_load(RUBRIC.read_text(encoding="utf-8")))
    assert len(quotes) == 69
    assert [q for q in quotes if squeeze(q) not in seed] == []


def test_vetoes_bonus_and_zeroing_are_declared(rubric: Rubric) -> None:
    # “五、廉政纪律 … 取消评审资格” with two conditions
    assert len(rubric.vetoes) == 2
    by_id = {node.id: node for _, node in rubric.walk()}
    assert by_id["training_effect"].bonus is True  # 练兵成效: “该指标为加分项”
    assert by_id["integration"].bonus is True  # 执法处罚一体化建设（加分项）, +1
    assert by_id["inspection_review"].zero_if  # 部评查零分案卷 → “案卷评查”考核项不得分
    assert by_id["air_support"].zero_if  # 监督帮扶期间廉政纪律问题 → 该项不得分


# --- (b) one full candidate ----------------------------------------------------------------

FULL = {
    "prov_pilot_accepted": True,
    "national_pilot": False,
    "standard_equipment_items": 22,
    "optional_equipment_items": 4,
    "vehicle_marking_done": True,
    "other_marking_done": False,
    "collective_honours": {"prov_department": 1, "city_level": 2},
    "commendations": {"prov_env_award": 1},
    "county_leader_praise": True,
    "uniform_certificate_lapses": 3,
    "realtime_transmission_rate": D("0.934"),
    "backfill_transmission_rate": D("0.99"),
    "fake_monitoring_data_found": 1,
    "offsite_clue_identification": True,
    "clues_pushed": True,
    "clues_handled": 4,
    "clues_not_fed_back": 0,
    "clue_feedback_false": 2,
    "monthly_officer_entry_ratio": {
        m: D("0.85") if m in ("2024-02", "2024-07") else D("0.95") for m in MONTHS
    },
    "monthly_records_per_officer": dict.fromkeys(MONTHS, D("2.4")),
    "sampled_files_with_inspection_info": 2,
    "data_quality_deduction": D("0.5"),
    "inspection_form_issues": 1,
    "cases_missing_inspection_info": 0,
    "enforcement_penalty_integration": True,
    "crime_transfers_filed": 1,
    "penalty_cases": 3,
    "major_cases": 2,
    "new_equipment_cases": 3,
    "new_domain_cases": {"soil": 2, "groundwater": 1},
    "linkage_established": True,
    "linkage_executed": False,
    "case_review_score": 18,
    "ministry_zero_case": False,
    "prov_zero_cases": 0,
    "ministry_notices": 0,
    "prov_notices": 1,
    "city_notices": 2,
    "unrectified_review_issues": 0,
    "refused_rectification_refound": 0,
    "major_issues_missed": 0,
    "inspection_unrectified": {"city": 1},
    "excellent_case_files": {"province": 1, "city": 1},
    "typical_cases_published": {"province": 1, "city": 2},
    "typical_case_types": {"hazardous_waste": 1, "minor_exemption": 1},
    "onsite_support_staff": [
        {"task_score": 90, "problem_score": 80, "material_score": 70},
        {"task_score": 70, "problem_score": 60, "material_score": 50},
        {"task_score": 95, "problem_score": 90, "material_score": 100},
        {"task_score": 60, "problem_score": 40, "material_score": 20},
    ],
    "remote_support_included": True,
    "remote_support_rounds": [{"problem_score": 70}, {"problem_score": 80}, {"problem_score": 90}],
    "support_integrity_issue": False,
    "organised_skill_contest": True,
    "contest_awards": {"city_advanced_individual": 1},
    "awarded_outstanding_collective": True,
    "staff_awarded_outstanding_individual": False,
    "leader_integrity_issue": False,
    "serious_falsification": False,
    "negative_public_opinion": False,
}


def test_full_candidate_end_to_end(rubric: Rubric) -> None:
    result = evaluate(rubric, {"rudong": FULL}).candidates["rudong"]
    p = points(result)

    # 一、队伍建设与管理 — 队伍建设（11）
    # “列入省级机构规范化建设试点并通过验收的，得 1 分” → 1; national pilot no → 0
    assert p["institution"] == D("1")
    # “完成 20 项类别配备的，得 2 分” (22 ≥ 20) → 2; “配备 3-5 项的，得 0.5 分” (4) → 0.5
    assert p["equipment"] == D("2.5")
    # “完成执法执勤车辆统一标识的，得 0.8 分” → 0.8
    assert p["marking"] == D("0.8")
    # 集体荣誉: “每项得1分” × 1 + “每项得0.8分” × 2 = 2.6 → (2分) → 2
    assert p["collective_honours_pts"] == D("2")
    # 表扬嘉奖: “获得省级生态环境部门单独奖励表扬的，得1分” → 1
    assert p["commendations_pts"] == D("1")
    # “获得各县（市、区）政府主要负责同志奖励表扬的，得1分” → 1
    assert p["incentives"] == D("4")
    # “每发现一次扣0.2分，最多扣2分”: 3 × 0.2 → −0.6
    assert p["uniform_certificate"] == D("-0.6")
    # 1 + 2.5 + 0.8 + 4 − 0.6 = 7.7
    assert p["team_building"] == D("7.7")

    # 信息化建设与应用（14）
    # “即时有效传输率达到90%的，得1分，每增加1%多得0.2分”: 93.4% → 3 full points → 1.6
    assert p["transmission"] == D("1.6")
    # “每发现1次扣0.5分”: 1 → −0.5;  自动监测运行管理 = 1.1
    assert p["auto_monitoring"] == D("1.1")
    # 线索识别 “得2分”; 线索查办 “每依法查办1件得0.5分”: 4 → 2; “每件扣 0.2 分”: 2 → −0.4
    assert p["clue_identification"] == D("2")
    assert p["clue_handling"] == D("2")
    assert p["offsite"] == D("3.6")
    # “统计比例在90%以上的，得0.2分”: 10 of 12 months → 2 (not every month, so not 3)
    assert p["officer_entry_ratio"] == D("2")
    # “每月人均检查记录数均达到2条以上的，得3分”: 2.4 every month → 3
    assert p["data_submission"] == D("3")
    # “每一份案卷得0.5分”: 2 → 1
    assert p["sampled_file_inspection_info"] == D("1")
    # “根据问题占比按月扣分” (entered 0.5) → −0.5;  “每发现1起扣0.5分”: 1 → −0.5
    assert p["data_quality"] == D("-0.5")
    assert p["inspection_form_issues_pts"] == D("-0.5")
    # 2 + 3 + 1 − 0.5 − 0.5 = 5; the +1 “执法处罚一体化建设（加分项）” goes to the bonus
    assert p["records"] == D("5")
    assert p["integration"] == D("1")
    assert p["informatization"] == D("9.7")
    assert p["team_management"] == D("17.4")

    # 二、日常监督执法工作（42）
    # “每件得3分” × 1 + “每件得2分” × 3 + 重大案件 “每件得2分，该小项最高得2分” (2 → 2) = 11
    assert p["special_actions"] == D("11")
    # 新装备 “每件得0.5分” × 3 = 1.5; 新领域 “每类得1分”: 2 categories → (1分) → 1;
    # “建立跨区域跨流域联动机制的，得0.5分” → 0.5
    assert p["case_handling"] == D("3")
    # 得分项 18; 省厅通报 “每有一起扣3分” × 1; 市局通报 “每有一起扣1分” × 2; 市局稽查 “2 分” × 1;
    # 优秀案卷 “分别加 5 分、3 分、2 分”: 3 + 2.   18 − 3 − 2 − 2 + 5 = 16
    assert p["inspection_review"] == D("16")
    # 典型案例发布: 省级 “每个得 1 分” + 市 “每个得 0.5 分” × 2 = 2 (2分);
    # 类别: 危险废物 “每一类得 1 分” + 轻微免罚 “每一类得 0.5 分” = 1.5
    assert p["typical_cases"] == D("3.5")
    # 11 + 3 + 16 + 3.5 = 33.5
    assert p["daily_enforcement"] == D("33.5")

    # 三、实战练兵（28）
    # composite = 40% task + 50% problems + 10% materials: 83, 63, 93, 46;
    # “综合评分排名前 50% 人员的平均成绩”: (93 + 83)/2 = 88 → 88% of 20 = 17.6
    assert p["onsite_support"] == D("17.6")
    # “参加多个轮次的，得分取平均值”: (70 + 80 + 90)/3 = 80 → 80% of 4 = 3.2
    assert p["remote_support"] == D("3.2")
    assert p["air_support"] == D("20.8")
    # 比武内容 “得1分”; 比武成绩 “获得比武先进个人的得1分”
    assert p["skill_contest"] == D("2")
    assert p["field_training"] == D("22.8")

    # 四、练兵成效（加分项）: “县级候选集体获得表现突出集体的，加0.5分”
    assert p["training_effect"] == D("0.5")

    # base 17.4 + 33.5 + 22.8 = 73.7; bonus 1 (一体化) + 0.5 (练兵成效) = 1.5; total 75.2
    assert result.base == D("73.7")
    assert result.bonus == D("1.5")
    assert result.total == D("75.2")
    assert result.vetoes == []
    assert result.rank == 1
    assert result.errors == []


# --- (c) boundaries, caps, floors, zeroing, the remote fallback and a veto -----------------

BOUNDARY = {
    "prov_pilot_accepted": True,
    "national_pilot": True,
    "standard_equipment_items": 19,
    "optional_equipment_items": 6,
    "vehicle_marking_done": True,
    "other_marking_done": True,
    "collective_honours": {"national_or_prov_gov": 2},
    "commendations": {"merit_award": 1, "prov_joint_award": 1, "prov_env_award": 1},
    "county_leader_praise": True,
    "uniform_certificate_lapses": 15,
    "realtime_transmission_rate": D("0.89"),
    "backfill_transmission_rate": D("0.95"),
    "fake_monitoring_data_found": 3,
    "offsite_clue_identification": False,
    "clues_pushed": False,
    "clues_handled": 0,
    "clues_not_fed_back": 2,
    "clue_feedback_false": 0,
    "monthly_officer_entry_ratio": dict.fromkeys(MONTHS, D("0.90")),
    "monthly_records_per_officer": dict.fromkeys(MONTHS, 2),
    "sampled_files_with_inspection_info": 3,
    "data_quality_deduction": 10,
    "inspection_form_issues": 5,
    "cases_missing_inspection_info": 5,
    "enforcement_penalty_integration": False,
    "crime_transfers_filed": 3,
    "penalty_cases": 2,
    "major_cases": 0,
    "new_equipment_cases": 10,
    "new_domain_cases": {"ods": 1},
    "linkage_established": True,
    "linkage_executed": True,
    "case_review_score": 22,
    "ministry_zero_case": True,
    "excellent_case_files": {"ministry": 2},
    "typical_cases_published": {"ministry": 3},
    "typical_case_types": {
        "third_party_fraud": 1,
        "hazardous_waste": 1,
        "monitoring_data_fraud": 1,
        "positive_list": 1,
        "nature_reserve": 1,
    },
    "onsite_support_staff": [{"task_score": 100, "problem_score": 100, "material_score": 100}],
    "remote_support_included": False,
    "support_integrity_issue": False,
    "organised_skill_contest": False,
    "contest_awards": {"prov_advanced": 1, "city_advanced_collective": 1},
    "awarded_outstanding_collective": True,
    "staff_awarded_outstanding_individual": True,
    "negative_public_opinion": True,
}


def test_boundary_candidate(rubric: Rubric) -> None:
    pool = evaluate(rubric, {"juegang": BOUNDARY})
    result = pool.candidates["juegang"]
    p = points(result)

    # 19 standard items: “配备不足 20 项的，不得分” → 0;  exactly 6 optional → 1
    assert p["equipment"] == D("1")
    # “得2分” for national/provincial-government honours counts once: 2 honours → 2
    assert p["collective_honours_pts"] == D("2")
    # 2 + 1.5 + 1 = 4.5 → (2分) → 2
    assert p["commendations_pts"] == D("2")
    # 15 × 0.2 = 3 → “最多扣2分” → −2
    assert p["uniform_certificate"] == D("-2")
    # 2 + 1 + 1 + 5 − 2 = 7
    assert p["team_building"] == D("7")

    # realtime 89% < 90%: “但补全有效传输率达到95%以上的，得0.5分” (exactly 95%) → 0.5;
    # 3 × 0.5 = 1.5 deducted, “扣完该项分值为止” → 0
    assert p["transmission"] == D("0.5")
    assert p["auto_monitoring"] == D("0")
    # no clues pushed: “不参与本项考核” → 0 (param clue_no_push_points);
    # “未按要求查办并及时反馈的，扣1分” (once, not per clue) → −1 → 扣完为止 → 0
    assert p["clue_handling"] == D("0")
    assert p["clue_not_fed_back"] == D("-1")
    assert p["offsite"] == D("0")
    # exactly 90% every month → 3;  exactly 2 every month → 3;  3 files × 0.5 → (2 份) → 1
    assert p["officer_entry_ratio"] == D("3")
    assert p["data_submission"] == D("3")
    assert p["sampled_file_inspection_info"] == D("1")
    # deductions: 10 → param cap 7; 5 × 0.5 → “最多扣2分”; 5 × 0.5 → “该小项最多扣2分”
    assert p["data_quality"] == D("-7")
    assert p["inspection_form_issues_pts"] == D("-2")
    assert p["missing_inspection_info"] == D("-2")
    # 3 + 3 + 1 − 7 − 2 − 2 = −4 → floor 0
    assert p["records"] == D("0")
    assert p["team_management"] == D("7")

    # 3 × 3 + 2 × 2 = 13 → “两打”专项行动（12分） → 12
    assert p["special_actions"] == D("12")
    # 10 × 0.5 = 5 → “最高得2分”; ODS → 1; both linkage items → 1
    assert p["case_handling"] == D("4")
    # 22 + 10 = 32 (“本项累计得分不得超过 27 分”), but
    # “行政处罚案卷被生态环境部评查认定为零分案卷的，“案卷评查”考核项不得分” → 0
    assert p["inspection_review"] == D("0")
    assert result.nodes["inspection_review"].zeroed == "行政处罚案卷被生态环境部评查认定为零分案卷"
    # 3 × 2 = 6 → 2;  1 + 1 + 1 + 0.5 + 0.5 = 4 → 2
    assert p["typical_cases"] == D("4")
    assert p["daily_enforcement"] == D("20")

    # one perfect officer: 100 → 20; “未纳入远程监督帮扶的候选集体，不参与此项评审，相应分值纳入
    # 现场监督帮扶表现分值”: the same composite 100 → 4
    assert p["onsite_support"] == D("20")
    assert p["remote_support"] == D("4")
    assert p["air_support"] == D("24")
    # 3 + 2 = 5 → (3分) → 3
    assert p["skill_contest"] == D("3")
    assert p["field_training"] == D("27")

    # both “加0.5分” → 1
    assert p["training_effect"] == D("1")

    # base 7 + 20 + 27 = 54; bonus 1; total 55 — scored, but vetoed:
    # “2.因环境污染问题造成较大负面舆论影响的。”
    assert result.base == D("54")
    assert result.bonus == D("1")
    assert result.total == D("55")
    assert result.vetoes == ["因环境污染问题造成较大负面舆论影响"]
    assert result.rank is None
    assert pool.excluded == ["juegang"]


def test_support_integrity_issue_zeroes_air_support(rubric: Rubric) -> None:
    # “监督帮扶期间发现存在廉政纪律问题的，该项不得分。”
    facts = {**BOUNDARY, "support_integrity_issue": True}
    result = evaluate(rubric, {"x": facts}).candidates["x"]
    assert result.nodes["air_support"].points == D("0")
    assert result.nodes["field_training"].points == D("3")


# --- (d) a pool: level caps, transmission thresholds, a tie and a veto ---------------------


def test_pool_ranking(rubric: Rubric) -> None:
    pool = {
        # exactly 90% → 1.  两打 4 × 3 = 12; 案件查办 2 + 1 + 0.5 + 0.5 = 4; 案卷 22 + 5 = 27;
        # 典型案例 2 + (1 + 1) = 4 → 47 → “日常监督执法工作（42分）” → 42.   1 + 42 = 43
        "c1": {
            "realtime_transmission_rate": D("0.90"),
            "crime_transfers_filed": 4,
            "new_equipment_cases": 4,
            "new_domain_cases": {"soil": 1},
            "linkage_established": True,
            "linkage_executed": True,
            "case_review_score": 22,
            "excellent_case_files": {"ministry": 1},
            "typical_cases_published": {"ministry": 1},
            "typical_case_types": {"third_party_fraud": 1, "hazardous_waste": 1},
        },
        # 95% → 1 + 5 × 0.2 = 2;  22 + 2 × 5 = 32 → 27.   2 + 27 = 29
        "c2": {
            "realtime_transmission_rate": D("0.95"),
            "case_review_score": 22,
            "excellent_case_files": {"ministry": 2},
        },
        # 99.9% → 1 + 9 × 0.2 = 2.8 → “最高得2分” → 2;  22 + 3 = 25;  2 × 1 = 2.   2 + 27 = 29
        "c3": {
            "realtime_transmission_rate": D("0.999"),
            "case_review_score": 22,
            "excellent_case_files": {"province": 1},
            "typical_cases_published": {"province": 2},
        },
        # “候选集体在练兵活动中严重弄虚作假的” → vetoed (2 + 22 = 24 still computed)
        "c4": {
            "realtime_transmission_rate": D("1"),
            "case_review_score": 22,
            "serious_falsification": True,
        },
    }
    result = evaluate(rubric, pool)
    totals = {cid: c.total for cid, c in result.candidates.items()}
    assert totals == {"c1": D("43"), "c2": D("29"), "c3": D("29"), "c4": D("24")}
    assert result.candidates["c1"].nodes["daily_enforcement"].capped
    assert result.ranking[0] == "c1"
    ranks = {cid: c.rank for cid, c in result.candidates.items()}
    assert ranks == {"c1": 1, "c2": 2, "c3": 2, "c4": None}
    assert result.excluded == ["c4"]
    assert result.candidates["c4"].vetoes == [
        "候选集体主要负责人存在廉政纪律问题或在练兵活动中严重弄虚作假"
    ]
