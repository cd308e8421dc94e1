"""怀化 2016 先进个人评选细则 (seed 003) end to end: scoring/rubrics/s003-individual.yaml.

Default params (the seed gives no point values; see the rubric's notes): 案件数量 20,
案卷质量 20 + 案件调查情况 20, 个人事迹 40; a presided case counts twice its type weight.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from scoring.engine import check_rubric, evaluate, load_rubric

RUBRIC_PATH = Path(__file__).resolve().parents[3] / "scoring" / "rubrics" / "s003-individual.yaml"


@pytest.fixture(scope="module")
def rubric():
    return load_rubric(RUBRIC_PATH)


def officer(presided=None, participated=None, **overrides: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "cases_presided": presided or {},
        "cases_participated": participated or {},
        "case_file_score": D("18"),
        "investigation_score": D("15.5"),
        "story_score": D("33"),
        "integrity_certificate_attached": True,
        "integrity_violation_found": False,
        "has_valid_certificate": True,
        "basic_conditions_confirmed": True,
    }
    facts.update(overrides)
    return facts


# weighted 200: presided (50 × 1 + 25 × 2) × 2 = 200 — the best of the pool below
BEST = {"penalty": 50, "daily_penalty": 25}


def pts(result, cid: str, node: str = "weighted_case_count") -> D:
    return result.candidates[cid].nodes[node].points


def test_loads(rubric) -> None:
    assert [n.id for n in rubric.indicators] == ["case_count", "case_quality", "story"]


def test_check_rubric_is_clean(rubric) -> None:
    # 20 + (20 + 20) + 40 = 100; the manual items reach exactly their maxima
    assert check_rubric(rubric) == []


def test_full_candidate_end_to_end(rubric) -> None:
    pool = {
        "best": officer(presided=BEST),
        # 主持: 行政处罚 10 × 1, 查封扣押 2 × 1, 按日连续处罚 3 × 2, 涉嫌犯罪移送 1 × 2 = 20,
        #   "每主持办理，按 2 个案件加权计算" → 40;
        # 参与: 行政处罚 20 × 1, 限产停产 4 × 1, 行政拘留移送 2 × 3, 涉嫌犯罪移送 1 × 2 = 32;
        # 加权数量 = 40 + 32 = 72
        "x": officer(
            presided={"penalty": 10, "seal_seize": 2, "daily_penalty": 3, "crime_transfer": 1},
            participated={
                "penalty": 20,
                "restrict_production": 4,
                "detention_transfer": 2,
                "crime_transfer": 1,
            },
        ),
    }
    result = evaluate(rubric, pool)
    x = result.candidates["x"]
    assert x.vetoes == [] and x.ineligible == [] and x.errors == []
    # "办理案件加权数量最多者得满分；其他候选人查处案件数量每低 1%，减 0.2 分":
    #   best 200, x 72: (200 − 72) / 200 = 64% below → 64 × 0.2 = 12.8 → 20 − 12.8 = 7.2
    assert x.nodes["weighted_case_count"].points == D("7.2")
    assert pts(result, "best") == D("20")
    # 查处违法案件质量: 案卷质量 18 + 案件调查情况 15.5 = 33.5 (panel scores)
    assert x.nodes["case_file_quality"].points == D("18")
    assert x.nodes["investigation"].points == D("15.5")
    assert x.nodes["case_quality"].points == D("33.5")
    # 个人事迹 33 (anonymised panel)
    assert x.nodes["story"].points == D("33")
    # total 7.2 + 33.5 + 33 = 73.7
    assert x.total == D("73.7")
    assert x.base == D("73.7") and x.bonus == D("0")
    # best: 20 + 33.5 + 33 = 86.5
    assert result.candidates["best"].total == D("86.5")
    assert result.ranking == ["best", "x"]
    assert x.rank == 2


def test_relative_to_best_steps(rubric) -> None:
    pool = {
        "best": officer(presided=BEST),  # 200 → 20
        # 199: 0.5% below the best, not a full 1% → no deduction
        "half": officer(presided={"penalty": 99}, participated={"penalty": 1}),
        # 198: exactly 1% below → −0.2
        "one": officer(presided={"penalty": 99}),
        # 197: 1.5% below → one full 1% → −0.2
        "one_half": officer(presided={"penalty": 98}, participated={"penalty": 1}),
        # 196: 2% below → −0.4
        "two": officer(presided={"penalty": 98}),
        # 100: 50% below → −10
        "fifty": officer(presided={"penalty": 50}),
        # no cases: 100% below → 0, never negative
        "none": officer(),
    }
    result = evaluate(rubric, pool)
    assert {cid: pts(result, cid) for cid in pool} == {
        "best": D("20"),
        "half": D("20"),
        "one": D("19.8"),
        "one_half": D("19.8"),
        "two": D("19.6"),
        "fifty": D("10"),
        "none": D("0"),
    }


def test_type_weights(rubric) -> None:
    # each alone against a best of 6 (participated detention transfer 2 × 3 = 6)
    pool = {
        "best": officer(participated={"detention_transfer": 2}),  # 6
        "daily": officer(participated={"daily_penalty": 3}),  # 3 × 2 = 6
        "crime": officer(participated={"crime_transfer": 3}),  # 3 × 2 = 6
        "mixed": officer(participated={"penalty": 1, "seal_seize": 1, "restrict_production": 1}),
        # presided detention transfer: 3 × 2 = 6
        "presided": officer(presided={"detention_transfer": 1}),
    }
    result = evaluate(rubric, pool)
    for cid in ("best", "daily", "crime", "presided"):
        assert pts(result, cid) == D("20"), cid
    # mixed: 3 of 6 = 50% below → 20 − 10 = 10
    assert pts(result, "mixed") == D("10")


def test_same_case_counted_under_several_types(rubric) -> None:
    # "同一案件既有行政处罚，又有移送公安机关，可分别计算": one case with a penalty and a crime
    # transfer is entered under both types: 1 + 2 = 3
    pool = {
        "a": officer(participated={"penalty": 1, "crime_transfer": 1}),  # 3
        "b": officer(participated={"penalty": 3}),  # 3
        "c": officer(participated={"penalty": 2}),  # 2: 1/3 below → 33 full % → 20 − 6.6
    }
    result = evaluate(rubric, pool)
    assert pts(result, "a") == pts(result, "b") == D("20")
    assert pts(result, "c") == D("13.4")


def test_manual_scores_are_clamped(rubric) -> None:
    r = evaluate(
        rubric,
        {"x": officer(presided=BEST, story_score=D("45"), case_file_score=D("-1"))},
    ).candidates["x"]
    assert r.nodes["story_score"].points == D("40")
    assert r.nodes["case_file_quality"].points == D("0")


@pytest.mark.parametrize(
    ("overrides", "reason_part"),
    [
        ({"integrity_certificate_attached": False}, "证明"),
        ({"integrity_violation_found": True}, "不廉洁"),
    ],
)
def test_integrity_vetoes(rubric, overrides: dict, reason_part: str) -> None:
    # "未附相关材料的，直接移出候选名单"; "经查确实存在不廉洁行为的候选人，直接移出候选名单"
    result = evaluate(
        rubric,
        {"v": officer(presided={"penalty": 5}, **overrides), "ok": officer(presided=BEST)},
    )
    v = result.candidates["v"]
    assert len(v.vetoes) == 1 and reason_part in v.vetoes[0]
    assert v.rank is None
    assert result.ranking == ["ok"]
    assert result.excluded == ["v"]


def test_missing_certificate_fact_is_a_veto(rubric) -> None:
    facts = officer(presided=BEST)
    del facts["integrity_certificate_attached"]
    r = evaluate(rubric, {"x": facts}).candidates["x"]
    assert len(r.vetoes) == 1


def test_best_is_taken_over_the_whole_pool(rubric) -> None:
    # rubric note: the best includes a candidate later vetoed; the veto does not re-score others
    pool = {
        "vetoed": officer(presided=BEST, integrity_violation_found=True),  # 200
        "x": officer(presided={"penalty": 50}),  # 100: 50% below 200 → 10
    }
    result = evaluate(rubric, pool)
    assert pts(result, "x") == D("10")
    assert result.ranking == ["x"]


@pytest.mark.parametrize("flag", ["has_valid_certificate", "basic_conditions_confirmed"])
def test_eligibility(rubric, flag: str) -> None:
    # "持有有效的省行政执法证或全国环境监察执法证"; "应具备以下基本条件"
    result = evaluate(rubric, {"x": officer(presided=BEST, **{flag: False})})
    x = result.candidates["x"]
    assert len(x.ineligible) == 1
    assert x.rank is None and result.ranking == []


def test_pool_ranking(rubric) -> None:
    pool = {
        # 20 + 33.5 + 33 = 86.5
        "张": officer(presided=BEST),
        # weighted 198 → 19.8; story 34 → 19.8 + 33.5 + 34 = 87.3
        "李": officer(presided={"penalty": 99}, story_score=D("34")),
        # weighted 100 → 10; quality 20 + 20, story 40 → 90
        "王": officer(
            presided={"penalty": 50},
            case_file_score=D("20"),
            investigation_score=D("20"),
            story_score=D("40"),
        ),
        # weighted 196 → 19.6; 19.6 + 33.5 + 33.4 = 86.5 — ties with 张
        "赵": officer(presided={"penalty": 98}, story_score=D("33.4")),
        # vetoed: no integrity certificate
        "钱": officer(presided=BEST, integrity_certificate_attached=False),
    }
    result = evaluate(rubric, pool)
    totals = {k: v.total for k, v in result.candidates.items()}
    assert totals == {
        "张": D("86.5"),
        "李": D("87.3"),
        "王": D("90"),
        "赵": D("86.5"),
        "钱": D("86.5"),
    }
    ranks = {k: v.rank for k, v in result.candidates.items()}
    assert ranks == {"王": 1, "李": 2, "张": 3, "赵": 3, "钱": None}
    assert result.ranking[:2] == ["王", "李"]
    assert set(result.ranking[2:]) == {"张", "赵"}
    assert result.excluded == ["钱"]
