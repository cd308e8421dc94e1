"""Seed 002 (如东 2024) 附件4 表现突出个人评审细则 (tables), encoded in s002-individual.yaml.

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
RUBRIC = ROOT / "scoring" / "rubrics" / "s002-individual.yaml"
SEED = ROOT / "docs" / "seeds" / "002_8f44051f6a2aebe3.txt"

# “2023年11月至2024年10月期间”
MONTHS = ["2023-11", "2023-12"] + [f"2024-{m:02d}" for m in range(1, 11)]


@pytest.fixture(scope="module")
def rubric() -> Rubric:
    return load_rubric(RUBRIC)


# --- (a) loading and the source's own inconsistencies -------------------------------------


def test_loads_and_check_reports_exactly_the_source_inconsistencies(rubric: Rubric) -> None:
    items = [node for _, node in rubric.walk() if type(node).__name__ == "Item"]
    assert len(items) == 18
    assert rubric.max == D("100")  # 8 + 50 + 31 + 11
    warnings = [(w.kind, w.path) for w in check_rubric(rubric)]
    # “获得荣誉称号情况（4分）” contains both the honours (capped at its 4) and
    # “被省级及以上权威媒体平台正向宣传的，加2分”: 4 + 2 = 6 inside a 4-point item.
    assert warnings == [("node_sum", "indicators[0].children[0]")]


def test_every_quote_is_verbatim_in_the_seed() -> None:
    seed = squeeze(SEED.read_text(encoding="utf-8"))
    quotes = cites(yaml.safe_load(RUBRIC.read_text(encoding="utf-8")))
    assert len(quotes) == 36
    assert [q for q in quotes if squeeze(q) not in seed] == []


def test_case_files_use_the_record_aggregate_with_grave_penalty(rubric: Rubric) -> None:
    by_id = {node.id: node for _, node in rubric.walk()}
    rule = by_id["sampled_files"].rule
    assert (rule.type, rule.how, rule.expected) == ("aggregate", "sum", 2)
    assert rule.grave_field == "grave_defect"
    assert rule.grave_penalty == D("1")
    assert rule.scale.to == D("17.5")  # 35 ÷ 2 files
    assert by_id["legal_qualification_bonus"].bonus is True  # 法律资格（加分项）+1
    assert len(rubric.vetoes) == 2
    assert [e.reason for e in rubric.eligibility] == ["与候选集体或其他候选个人共用同一份案卷"]


# --- (b) one full candidate ----------------------------------------------------------------

FULL = {
    "honour_titles": {"city": 1, "county": 1},
    "media_praise": True,
    "talent_pools": {"prov_talent": 1},
    "inspection_secondments": {"provincial": 1},
    "legal_qualification": True,
    "major_case_filings": {"detention": 2},
    "typical_case_releases": {"provincial": 1},
    "key_domain_cases": {"hazardous_waste": 2},
    "sampled_case_files": [{"score": 90}, {"score": 80, "grave_defect": False}],
    "shares_case_file": False,
    "onsite_support_rounds": [
        {"task_score": 80, "problem_score": 70, "material_score": 60},
        {"task_score": 90, "problem_score": 80, "material_score": 100},
    ],
    "discipline_breaches": 0,
    "skill_contest_awards": {"city": 1},
    "monthly_uploads": {m: 1 if m in ("2023-11", "2024-01", "2024-08") else 3 for m in MONTHS},
    "sampled_files_with_inspection_info": 2,
    "inspection_form_issues": 1,
    "cases_missing_inspection_info": 0,
    "new_equipment_case": True,
    "offsite_platform_case": False,
    "integrity_issue": False,
    "serious_falsification": False,
    "lost_lawsuit_or_revoked": False,
}


def test_full_candidate_end_to_end(rubric: Rubric) -> None:
    result = evaluate(rubric, {"wang": FULL}).candidates["wang"]
    p = points(result)

    # 一、荣誉称号（8）
    # “地市级每项得2分；县级每项得1分” → 3; “被省级及以上权威媒体平台正向宣传的，加2分” → 2;
    # “获得荣誉称号情况（4分）”: 5 → 4
    assert p["honour_titles_pts"] == D("3")
    assert p["media_praise_pts"] == D("2")
    assert p["honour_titles_node"] == D("4")
    # “入选省级执法人才库的，得1分”; “被抽调参加省级执法稽查工作的，得1分”
    assert p["talent_pool"] == D("1")
    assert p["inspection_work"] == D("1")
    assert p["honours"] == D("6")
    # “法律资格（加分项）。取得国家统一法律职业资格的，加1分”
    assert p["legal_qualification_bonus"] == D("1")

    # 二、案件办理（50）
    # “每立案1件行政拘留案件的，得2分”: 2 → 4; “被省级生态环境部门作为典型案例发布的，每件得2分” → 2
    assert p["major_cases"] == D("6")
    # “每类得2.5分”: hazardous waste (2 cases, one category) → 2.5
    assert p["key_domains"] == D("2.5")
    # 35 points for 2 files = 17.5 each: 90 → 15.75, 80 → 14 → 29.75
    assert p["sampled_files"] == D("29.75")
    assert p["case_handling"] == D("38.25")

    # 三、实战练兵（31）
    # composites 40/50/10: round 1 = 32 + 35 + 6 = 73, round 2 = 36 + 40 + 10 = 86;
    # “参加多轮次的，取各轮次最好成绩”: 86 → 86% of 28 = 24.08
    assert p["onsite_support"] == D("24.08")
    assert p["air_support"] == D("24.08")
    # “获得市级比武先进个人的，得1分”
    assert p["skill_contest"] == D("1")
    assert p["field_training"] == D("25.08")

    # 四、专业技能（11）
    # “每月上传2条及以上的得0.3分”: 9 of 12 months → 2.7 (not every month, so not 4)
    assert p["monthly_uploads_pts"] == D("2.7")
    # “每一份案卷得1.5分”: 2 → 3; “每发现1起扣0.5分”: 1 → −0.5
    assert p["sampled_file_inspection_info"] == D("3")
    assert p["inspection_form_issues_pts"] == D("-0.5")
    assert p["records"] == D("5.2")
    # “运用FID、PID……新装备依法查办环境违法案件的,得2分”
    assert p["equipment_use"] == D("2")
    assert p["professional_skills"] == D("7.2")

    # base 6 + 38.25 + 25.08 + 7.2 = 76.53; bonus 1; total 77.53
    assert result.base == D("76.53")
    assert result.bonus == D("1")
    assert result.total == D("77.53")
    assert result.vetoes == []
    assert result.ineligible == []
    assert result.rank == 1
    assert result.errors == []


# --- (c) boundaries, caps, the grave-defect penalty, floors and a veto ---------------------

BOUNDARY = {
    "honour_titles": {"provincial_or_above": 2},
    "media_praise": False,
    "talent_pools": {"prov_talent": 1, "prov_trainer": 1, "national_trainer": 1},
    "inspection_secondments": {"national": 1, "provincial": 1},
    "major_case_filings": {"crime": 1, "detention": 1},
    "typical_case_releases": {"ministry": 1, "provincial": 1},
    "key_domain_cases": {
        "third_party_fraud": 1,
        "hazardous_waste": 1,
        "monitoring_data_fraud": 1,
        "whistleblower_reward": 1,
    },
    "sampled_case_files": [{"score": 95, "grave_defect": True}],
    "onsite_support_rounds": [],
    "discipline_breaches": 1,
    "skill_contest_awards": {"provincial": 1, "city": 1},
    "monthly_uploads": dict.fromkeys(MONTHS, 2),
    "sampled_files_with_inspection_info": 2,
    "inspection_form_issues": 10,
    "cases_missing_inspection_info": 10,
    "new_equipment_case": True,
    "offsite_platform_case": True,
    "lost_lawsuit_or_revoked": True,
}


def test_boundary_candidate(rubric: Rubric) -> None:
    pool = evaluate(rubric, {"zhao": BOUNDARY})
    result = pool.candidates["zhao"]
    p = points(result)

    # “省级以上每项得3分”: 2 × 3 = 6 → (4分) → 4;  1 + 1.5 + 2 → (2分) → 2;  2 + 1 → (2分) → 2
    assert p["honours"] == D("8")
    # 6 + 2 = 8 → “最高得6分”;  2 + 4 = 6 → “最高得4分”
    assert p["major_case_filings_pts"] == D("6")
    assert p["typical_releases_pts"] == D("4")
    # 4 categories × 2.5 = 10 → “最高得5分”
    assert p["key_domains"] == D("5")
    # One file has a grave defect:
    # “抽取案卷中出现以下 5 种情形之一的，在该案卷不得分基础上，另扣 1 分” → 0 − 1;
    # the other type is missing: “系统中无候选个人办理对应类型案卷的，该案卷不得分” → 0.
    assert p["sampled_files"] == D("-1")
    # 10 + 5 − 1 = 14
    assert p["case_handling"] == D("14")

    # never took part: “未参加的，该项不得分” → 0; “每次扣5分。扣完该项分值为止” → floor 0
    assert p["onsite_support"] == D("0")
    assert p["discipline"] == D("-5")
    assert p["air_support"] == D("0")
    # 省级 2 + 市级 1 = 3 (exactly the 3-point maximum)
    assert p["skill_contest"] == D("3")

    # exactly 2 uploads every month: “每月均上传2条及以上的得4分” → 4
    assert p["monthly_uploads_pts"] == D("4")
    # 10 × 0.5 = 5 → “最多扣2分” each
    assert p["inspection_form_issues_pts"] == D("-2")
    assert p["missing_inspection_info"] == D("-2")
    assert p["records"] == D("3")
    assert p["equipment_use"] == D("4")

    # 8 + 14 + 3 + 7 = 32 — scored, but vetoed: “2023年、2024年两年内作为主要承办人办理的行政处罚
    # 案件因行政诉讼败诉或因行政复议被撤销行政处罚决定的”
    assert result.total == D("32")
    assert result.bonus == D("0")
    assert result.vetoes == ["主要承办的行政处罚案件因行政诉讼败诉或因行政复议被撤销行政处罚决定"]
    assert result.rank is None
    assert pool.excluded == ["zhao"]


# --- (d) a pool: the case-file aggregate, ties, a veto and an ineligible candidate ----------


def test_pool_ranking(rubric: Rubric) -> None:
    pool = {
        # two perfect files: 17.5 + 17.5 = 35
        "p1": {"sampled_case_files": [{"score": 100}, {"score": 100}]},
        # 17.5 + (grave: 0 − 1) = 16.5; one city honour title 2 → 18.5
        "p2": {
            "sampled_case_files": [{"score": 100}, {"score": 100, "grave_defect": True}],
            "honour_titles": {"city": 1},
        },
        # would have 35, but “候选个人不得与候选集体共用同一份案卷” → ineligible
        "p3": {
            "sampled_case_files": [{"score": 100}, {"score": 100}],
            "shares_case_file": True,
        },
        # “在监督帮扶等工作中存在廉政纪律问题” → vetoed; best round 100 → 28
        "p4": {
            "onsite_support_rounds": [
                {"task_score": 100, "problem_score": 100, "material_score": 100}
            ],
            "integrity_issue": True,
        },
        # best round 100 → 28; every month ≥ 2 → 4; 2 files traceable × 1.5 → 3:  35 (ties p1)
        "p5": {
            "onsite_support_rounds": [
                {"task_score": 100, "problem_score": 100, "material_score": 100}
            ],
            "monthly_uploads": dict.fromkeys(MONTHS, 5),
            "sampled_files_with_inspection_info": 2,
        },
        # both files grave: 0 − 1 − 1 = −2 carried into 案件办理 (floor of 案卷质量 is −2):
        # detention 2 + key domain 2.5 − 2 = 2.5
        "p6": {
            "sampled_case_files": [
                {"score": 90, "grave_defect": True},
                {"score": 90, "grave_defect": True},
            ],
            "major_case_filings": {"detention": 1},
            "key_domain_cases": {"third_party_fraud": 1},
        },
    }
    result = evaluate(rubric, pool)
    totals = {cid: c.total for cid, c in result.candidates.items()}
    assert totals == {
        "p1": D("35"),
        "p2": D("18.5"),
        "p3": D("35"),
        "p4": D("28"),
        "p5": D("35"),
        "p6": D("2.5"),
    }
    assert result.candidates["p6"].nodes["case_quality"].points == D("-2")
    ranks = {cid: c.rank for cid, c in result.candidates.items()}
    assert ranks == {"p1": 1, "p2": 3, "p3": None, "p4": None, "p5": 1, "p6": 4}
    assert set(result.ranking[:2]) == {"p1", "p5"}
    assert result.ranking[2:] == ["p2", "p6"]
    assert result.excluded == ["p3", "p4"]
    assert result.candidates["p3"].ineligible == ["与候选集体或其他候选个人共用同一份案卷"]
    assert result.candidates["p4"].vetoes == [
        "在监督帮扶等工作中存在廉政纪律问题或在练兵活动中严重弄虚作假"
    ]
