"""2022 template (seed 001) end to end: scoring/rubrics/s001-targets.yaml.

Three hard targets as vetoes, the 比武 results as the scored item (mean of the county's
contestants, 100-point scale) and publicity as a bonus (0.5 per article, at most 5: params).
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from scoring.engine import check_rubric, evaluate, load_rubric

RUBRIC_PATH = Path(__file__).resolve().parents[3] / "scoring" / "rubrics" / "s001-targets.yaml"

FOUR_TYPES = (
    "daily_penalty_cases",
    "seal_seize_cases",
    "restrict_production_cases",
    "detention_transfer_cases",
)


@pytest.fixture(scope="module")
def rubric():
    return load_rubric(RUBRIC_PATH)


def results(*scores: int | str) -> list[dict[str, Any]]:
    return [{"score": D(str(s))} for s in scores]


def county(**overrides: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "contest_results": results(88, 92, 75, 85),
        "publicity_articles": 7,
        "penalty_cases": 120,
        "penalty_cases_last_year": 110,
        "env_law_cases": 12,
        "env_law_cases_last_year": 10,
        "daily_penalty_cases": 1,
        "seal_seize_cases": 6,
        "restrict_production_cases": 2,
        "detention_transfer_cases": 3,
    }
    facts.update(overrides)
    return facts


def one(rubric, facts: dict[str, Any]):
    return evaluate(rubric, {"x": facts}).candidates["x"]


def test_loads(rubric) -> None:
    assert [n.id for n in rubric.indicators] == ["contest", "publicity"]


def test_check_rubric_is_clean(rubric) -> None:
    # base max 100 = contest 100; the bonus node (max 5) sits outside it, bonus_cap 5
    assert check_rubric(rubric) == []


def test_full_candidate_end_to_end(rubric) -> None:
    r = one(rubric, county())
    assert r.vetoes == [] and r.ineligible == [] and r.errors == []
    # "比赛成绩进行全市通报，作为该县（区）在市级大练兵评比中的得分依据":
    #   (88 + 92 + 75 + 85) / 4 = 340 / 4 = 85 (100-point scale → 100 points)
    assert r.nodes["contest_mean"].points == D("85")
    assert r.base == D("85")
    # "宣传报道篇数将作为县级突出集体评选加分项": 7 × 0.5 = 3.5 (cap 5)
    assert r.nodes["publicity_articles_pts"].points == D("3.5")
    assert r.nodes["publicity"].bonus is True
    assert r.bonus == D("3.5")
    # total 85 + 3.5 = 88.5
    assert r.total == D("88.5")
    assert r.rank == 1


@pytest.mark.parametrize(("articles", "bonus"), [(0, "0"), (1, "0.5"), (10, "5"), (13, "5")])
def test_publicity_bonus_is_capped(rubric, articles: int, bonus: str) -> None:
    r = one(rubric, county(publicity_articles=articles))
    assert r.bonus == D(bonus)
    assert r.total == D("85") + D(bonus)


def test_publicity_params(rubric) -> None:
    # an admin choosing 0.2 per article, at most 2: 13 × 0.2 = 2.6 → 2
    changed = rubric.with_params({"publicity_points_each": D("0.2"), "publicity_cap": D("2")})
    assert one(changed, county(publicity_articles=13)).bonus == D("2")
    assert one(changed, county(publicity_articles=7)).bonus == D("1.4")


def test_no_contestants_scores_zero(rubric) -> None:
    r = one(rubric, county(contest_results=[]))
    assert r.nodes["contest_mean"].points == D("0")
    assert r.total == D("3.5")


def test_equal_to_last_year_is_not_vetoed(rubric) -> None:
    # "不少于去年总数": equal passes
    r = one(rubric, county(penalty_cases=110, env_law_cases=10))
    assert r.vetoes == [] and r.rank == 1


@pytest.mark.parametrize(
    ("overrides", "reason_part"),
    [
        ({"penalty_cases": 109}, "行政处罚案件数量"),
        ({"env_law_cases": 9}, "四个配套办法"),
        ({"daily_penalty_cases": 0}, "按日计罚"),
        ({"seal_seize_cases": 0}, "查封扣押"),
        ({"restrict_production_cases": 0}, "停产限产"),
        ({"detention_transfer_cases": 0}, "移送行政拘留"),
    ],
)
def test_each_hard_target_vetoes(rubric, overrides: dict, reason_part: str) -> None:
    # "对达不到三项指标要求的生态环境局在先进集体、先进个人和优秀名额分配中一票否决"
    result = evaluate(rubric, {"v": county(**overrides), "ok": county()})
    v = result.candidates["v"]
    assert len(v.vetoes) == 1 and reason_part in v.vetoes[0]
    assert v.rank is None
    assert result.ranking == ["ok"] and result.excluded == ["v"]
    # the scores are kept
    assert v.total == D("88.5")


def test_four_types_all_zero_give_four_reasons(rubric) -> None:
    # "四类案件单项清零": each of the four types must be non-zero
    facts = county()
    for key in FOUR_TYPES:
        del facts[key]
    r = one(rubric, facts)
    assert len(r.vetoes) == 4


def test_missing_last_year_figures_do_not_veto(rubric) -> None:
    facts = county()
    del facts["penalty_cases_last_year"], facts["env_law_cases_last_year"]
    assert one(rubric, facts).vetoes == []


def test_pool_ranking(rubric) -> None:
    pool = {
        # 85 + 3.5 = 88.5
        "甲县": county(),
        # mean (90 + 94) / 2 = 92, 2 articles → 1: 93
        "乙县": county(contest_results=results(90, 94), publicity_articles=2),
        # mean 80, 20 articles → 5 (capped): 85
        "丙县": county(contest_results=results(80, 80, 80), publicity_articles=20),
        # 84.5 + 4 = 88.5: ties with 甲县
        "丁县": county(contest_results=results(84, 85), publicity_articles=8),
        # best score but vetoed: no 查封扣押 case
        "戊县": county(contest_results=results(100), seal_seize_cases=0),
    }
    result = evaluate(rubric, pool)
    totals = {k: v.total for k, v in result.candidates.items()}
    assert totals == {
        "甲县": D("88.5"),
        "乙县": D("93"),
        "丙县": D("85"),
        "丁县": D("88.5"),
        "戊县": D("103.5"),
    }
    ranks = {k: v.rank for k, v in result.candidates.items()}
    assert ranks == {"乙县": 1, "甲县": 2, "丁县": 2, "丙县": 4, "戊县": None}
    assert result.ranking[0] == "乙县" and result.ranking[3] == "丙县"
    assert result.excluded == ["戊县"]
