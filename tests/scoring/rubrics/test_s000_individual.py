"""Seed 000 (泰安 2021) 附件4 表现突出个人评选细则, encoded in s000-individual.yaml.

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
RUBRIC = ROOT / "scoring" / "rubrics" / "s000-individual.yaml"
SEED = ROOT / "docs" / "seeds" / "000_624614c78872d090.txt"

# 基本条件（一）—（四）, attested by the nominating unit
BASIC = {
    "conduct_ok": True,
    "has_valid_certificate": True,
    "legal_competence_ok": True,
    "backbone_role_ok": True,
}


@pytest.fixture(scope="module")
def rubric() -> Rubric:
    return load_rubric(RUBRIC)


# --- (a) loading and the source's own inconsistencies -------------------------------------


def test_loads_and_check_reports_exactly_the_source_inconsistencies(rubric: Rubric) -> None:
    items = [node for _, node in rubric.walk() if type(node).__name__ == "Item"]
    assert len(items) == 9
    assert rubric.max == D("100")
    warnings = [(w.kind, w.path) for w in check_rubric(rubric)]
    # “执法实战比武表现”指标（30 分）, but its two ways to score give “1—14 分” and “1—8 分”:
    # at most 22 of the stated 30.
    assert warnings == [("node_sum", "indicators[0]")]


def test_every_quote_is_verbatim_in_the_seed() -> None:
    seed = squeeze(SEED.read_text(encoding="utf-8"))
    quotes = cites(yaml.safe_load(RUBRIC.read_text(encoding="utf-8")))
    assert len(quotes) == 19
    assert [q for q in quotes if squeeze(q) not in seed] == []


def test_veto_and_eligibility_are_declared(rubric: Rubric) -> None:
    assert [v.reason for v in rubric.vetoes] == ["出现违反廉洁纪律问题"]
    # 基本条件（二）“持有有效行政执法证件” among the four 基本条件
    assert "未持有有效行政执法证件" in [e.reason for e in rubric.eligibility]
    assert len(rubric.eligibility) == 4


# --- (b) one full candidate ----------------------------------------------------------------

FULL = {
    **BASIC,
    "integrity_violation": False,
    "prov_drill_rank": 3,
    "city_drill_team_rank": 3,
    "mobile_field_records": 135,
    "prov_avg_field_records": 100,
    "mobile_cases": {"general_penalty": 3, "supporting_measures": 2},
    "learning_points_rank": 1,
    "theory_exam_rank": 200,
    "adopted_materials": 3,
    "sampled_case_files": [{"score": 92}, {"score": 78}],
    "honours": {"city_commendation": 1, "prov_praise": 1, "city_praise": 2},
}


def test_full_candidate_end_to_end(rubric: Rubric) -> None:
    result = evaluate(rubric, {"zhang": FULL}).candidates["zhang"]
    p = points(result)

    # (一) 执法实战比武表现（30）
    # “根据个人单项成绩排名得 1—14 分”: 14 ranks, rank 3 → 14 − 13 × 2/13 = 12
    assert p["prov_drill"] == D("12")
    # “集体排名第一的参赛队员得 8 分，之后每 10%依次递减 0.8 分”: team rank 3 of 10 →
    # position (3 − 1)/10 = 20% → 2 bands → 8 − 1.6 = 6.4
    assert p["city_drill"] == D("6.4")
    assert p["drill"] == D("18.4")

    # (二) 移动执法系统使用（20）
    # “超过全省人均数的，每超过 10%得 2 分”: 135 vs 100 → 35% → 3 full steps → 6
    assert p["field_records"] == D("6")
    # “每办理 1 起一般处罚案卷得 1 分，每办理 1 起适用四个配套办法案件得 2 分”: 3 + 2 × 2 = 7
    assert p["mobile_case_files"] == D("7")
    assert p["mobile"] == D("13")

    # (三) 执法业务学习活动表现（20）
    # “位列全省前 200 名的，根据排名得 1—5 分”: rank 1 → 5;  exam rank 200 → 1
    assert p["learning_points"] == D("5")
    assert p["theory_exam"] == D("1")
    # “每件得 2 分，累计得分不超过 10 分”: 3 × 2 = 6
    assert p["adopted"] == D("6")
    assert p["learning"] == D("12")

    # (四) 执法案卷质量（20）: “每份案卷占 10 分”: 92 → 9.2, 78 → 7.8 → 17
    assert p["case_quality"] == D("17")

    # (五) 个人荣誉（10）: “每获得 1 次市级及以下表彰的，得 5 分；……省级表扬的，得 2 分；
    # ……市级及以下表扬的，得 1 分”: 5 + 2 + 2 × 1 = 9
    assert p["honours"] == D("9")

    # 18.4 + 13 + 12 + 17 + 9 = 69.4
    assert result.total == D("69.4")
    assert result.base == D("69.4")
    assert result.bonus == D("0")
    assert result.vetoes == []
    assert result.ineligible == []
    assert result.rank == 1
    assert result.errors == []


# --- (c) boundaries, caps and eligibility ---------------------------------------------------

BOUNDARY = {
    **BASIC,
    "has_valid_certificate": False,
    "prov_drill_rank": 15,
    "city_drill_team_rank": 10,
    "mobile_field_records": 110,
    "prov_avg_field_records": 100,
    "mobile_cases": {"supporting_measures": 6},
    "learning_points_rank": 201,
    "theory_exam_rank": 200,
    "adopted_materials": 6,
    "sampled_case_files": [{"score": 100}],
    "honours": {"prov_commendation": 2, "city_praise": 3},
}


def test_boundary_candidate(rubric: Rubric) -> None:
    pool = evaluate(rubric, {"li": BOUNDARY})
    result = pool.candidates["li"]
    p = points(result)

    # rank 15 is outside the 14 ranks worth “1—14 分” → 0
    assert p["prov_drill"] == D("0")
    # team rank 10 of 10: position 90% → 9 bands → 8 − 7.2 = 0.8, but “得 1—8 分” → 1
    assert p["city_drill"] == D("1")
    # exactly 10% above the average: one full step of 10% → 2 (note in the rubric)
    assert p["field_records"] == D("2")
    # 6 × 2 = 12, “累计得分不超过 10 分” → 10
    assert p["mobile_case_files"] == D("10")
    # rank 201 is outside “前 200 名” → 0;  rank 200 exactly → 1
    assert p["learning_points"] == D("0")
    assert p["theory_exam"] == D("1")
    # 6 × 2 = 12 → 10
    assert p["adopted"] == D("10")
    # only one of the 2 sampled files exists: 10 + 0
    assert p["case_quality"] == D("10")
    # “获得省级及以上表彰的，得 10 分” once (2 commendations still 10) + 3 × 1 = 13 → 10
    assert p["honours"] == D("10")

    # 1 + 12 + 11 + 10 + 10 = 44, scored but ineligible: 基本条件（二）“持有有效行政执法证件”
    assert result.total == D("44")
    assert result.ineligible == ["未持有有效行政执法证件"]
    assert result.vetoes == []
    assert result.rank is None
    assert pool.excluded == ["li"]


# --- (d) a pool: external ranks, ties, a veto and an ineligible candidate -------------------


def test_pool_ranking(rubric: Rubric) -> None:
    pool = {
        # prov rank 1 → 14; team rank 1 → 8                               = 22
        "i1": {**BASIC, "prov_drill_rank": 1, "city_drill_team_rank": 1},
        # team rank 2 of 10 → 10% → 1 band → 7.2; two perfect files → 20     = 27.2
        "i2": {
            **BASIC,
            "city_drill_team_rank": 2,
            "sampled_case_files": [{"score": 100}, {"score": 100}],
        },
        # prov rank 8 → 14 − 13 × 7/13 = 7; team rank 1 → 8; one city commendation → 5;
        # one adopted case → 2                                              = 22 (ties i1)
        "i3": {
            **BASIC,
            "prov_drill_rank": 8,
            "city_drill_team_rank": 1,
            "honours": {"city_commendation": 1},
            "adopted_materials": 1,
        },
        # the best score, but “对出现违反廉洁纪律问题的候选人，取消其表现突出个人参评资格”
        "i4": {
            **BASIC,
            "integrity_violation": True,
            "prov_drill_rank": 1,
            "city_drill_team_rank": 1,
            "sampled_case_files": [{"score": 100}, {"score": 100}],
        },
        # team rank 6 of 10 → 50% → 5 bands → 8 − 4 = 4; 基本条件（四） not attested
        "i5": {**BASIC, "backbone_role_ok": False, "city_drill_team_rank": 6},
    }
    result = evaluate(rubric, pool)
    totals = {cid: c.total for cid, c in result.candidates.items()}
    assert totals == {
        "i1": D("22"),
        "i2": D("27.2"),
        "i3": D("22"),
        "i4": D("42"),
        "i5": D("4"),
    }
    assert result.ranking[0] == "i2"
    assert set(result.ranking[1:]) == {"i1", "i3"}
    ranks = {cid: c.rank for cid, c in result.candidates.items()}
    assert ranks == {"i1": 2, "i2": 1, "i3": 2, "i4": None, "i5": None}
    assert result.excluded == ["i4", "i5"]
    assert result.candidates["i4"].vetoes == ["出现违反廉洁纪律问题"]
    assert result.candidates["i5"].ineligible == ["不符合基本条件（四）在大练兵活动中起到骨干作用"]
