"""怀化 2016 先进集体评选细则 (seed 003) end to end: scoring/rubrics/s003-collective.yaml.

Default params (the seed gives no point values; see the rubric's notes): 案卷质量 40,
案件数量 20, 罚款金额 20, 重大案件数量 20; baseline threshold 0.5 with "≥" at exactly 50%.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from scoring.engine import check_rubric, evaluate, load_rubric

RUBRIC_PATH = Path(__file__).resolve().parents[3] / "scoring" / "rubrics" / "s003-collective.yaml"


@pytest.fixture(scope="module")
def rubric():
    return load_rubric(RUBRIC_PATH)


def files(*scores: int | str) -> list[dict[str, Any]]:
    return [{"score": D(str(s))} for s in scores]


def county(**overrides: Any) -> dict[str, Any]:
    """A county (县市区) that passes every veto and every sub-indicator but fines."""
    facts: dict[str, Any] = {
        # 7 份案卷: 3 份行政处罚, 1 按日计罚, 1 行政拘留, 1 涉嫌犯罪, 1 申请法院强制执行
        "case_files": files(90, 85, 80, 95, 70, 60, 80),
        "reconsideration_corrected": False,
        "case_file_forged": False,
        # 基准比例 = 10 / 40 = 25%
        "key_enterprises": 10,
        "city_key_enterprises": 40,
        "cases": 30,
        "city_cases": 200,
        "fines": D("100000"),
        "city_fines": D("1000000"),
        "major_cases": 5,
        "city_major_cases": 40,
        "pm10_2015": D("80"),
        "pm10_2016": D("75"),
        "pm25_2015": D("50"),
        "pm25_2016": D("48"),
        "water_sections_degraded": 0,
    }
    facts.update(overrides)
    return facts


def one(rubric, facts: dict[str, Any]):
    return evaluate(rubric, {"x": facts}).candidates["x"]


def test_loads(rubric) -> None:
    assert rubric is not None
    assert [n.id for n in rubric.indicators] == ["case_quality", "case_quantity"]


def test_check_rubric_is_clean(rubric) -> None:
    # maxima are consistent: 40 + (20 + 20 + 20) = 100; every rule reaches its item's max
    assert check_rubric(rubric) == []


def test_full_candidate_end_to_end(rubric) -> None:
    r = one(rubric, county())
    assert r.vetoes == [] and r.ineligible == [] and r.errors == []
    # 案卷质量: "根据提供的行政区域内所有案卷(7 份)得分的平均值计算"
    #   (90+85+80+95+70+60+80) / 7 = 560 / 7 = 80 (of 100) → 80 × 40/100 = 32
    assert r.nodes["case_file_mean"].points == D("32")
    assert r.nodes["case_quality"].points == D("32")
    # 查处案件数量: "各单位基准值=全市查处案件总数×各单位基准比例" = 200 × 25% = 50;
    #   30 ≥ 50 × 50% = 25 → "超过基准值50%时，得满分" → 20
    assert r.nodes["case_count"].points == D("20")
    # 罚款金额: 基准值 = 1,000,000 × 25% = 250,000; 100,000 < 125,000 → "低于基准值 50%时，得 0 分"
    assert r.nodes["fine_amount"].points == D("0")
    # 重大案件数量: 基准值 = 40 × 25% = 10; 5 = exactly 50% of 10 → full marks (note: "≥")
    assert r.nodes["major_case_count"].points == D("20")
    assert "≥ 50%" in r.nodes["major_case_count"].explanation
    assert r.nodes["case_quantity"].points == D("40")
    # total = 32 + 20 + 0 + 20 = 72, no bonus
    assert r.base == D("72")
    assert r.bonus == D("0")
    assert r.total == D("72")
    assert r.rank == 1


def test_missing_seventh_case_file_counts_zero(rubric) -> None:
    # "未提供的,该案卷按零分计": 6 files, (90+85+80+95+70+70) / 7 = 490 / 7 = 70 → 70 × 0.4 = 28
    r = one(rubric, county(case_files=files(90, 85, 80, 95, 70, 70)))
    assert r.nodes["case_file_mean"].points == D("28")
    # the same six scores with a seventh file scored 0 give the same points
    r0 = one(rubric, county(case_files=files(90, 85, 80, 95, 70, 70, 0)))
    assert r0.nodes["case_file_mean"].points == D("28")


def test_full_marks_case_files(rubric) -> None:
    # 7 files at 100 → mean 100 → 40 (the indicator's chosen maximum)
    r = one(rubric, county(case_files=files(*[100] * 7)))
    assert r.nodes["case_quality"].points == D("40")


@pytest.mark.parametrize(
    ("flag", "reason_part"),
    [("reconsideration_corrected", "行政复议"), ("case_file_forged", "案卷造假")],
)
def test_zeroing_reconsideration_or_forgery(rubric, flag: str, reason_part: str) -> None:
    # "存在因行政复议纠正行政处罚或案卷造假单位,该项指标按零分计": the case-quality indicator → 0,
    # the case-quantity indicator is untouched and the unit stays a candidate
    r = one(rubric, county(**{flag: True}))
    node = r.nodes["case_quality"]
    assert node.points == D("0")
    assert node.zeroed is not None and reason_part in node.zeroed
    assert r.nodes["case_quantity"].points == D("40")
    assert r.total == D("40")
    assert r.vetoes == [] and r.rank == 1


@pytest.mark.parametrize(
    ("cases", "expected"),
    [(26, "20"), (25, "20"), (24, "0"), (0, "0")],
)
def test_case_count_at_the_fifty_percent_boundary(rubric, cases: int, expected: str) -> None:
    # baseline 200 × 25% = 50; half of it is 25: "超过…得满分" / "低于…得 0 分";
    # 25 itself is neither: full marks (the rubric's note)
    r = one(rubric, county(cases=cases))
    assert r.nodes["case_count"].points == D(expected)


@pytest.mark.parametrize(
    ("fines", "expected"),
    [("125000", "20"), ("124999.99", "0"), ("125000.01", "20")],
)
def test_fine_amount_at_the_fifty_percent_boundary(rubric, fines: str, expected: str) -> None:
    # baseline 1,000,000 × 25% = 250,000; half is 125,000
    r = one(rubric, county(fines=D(fines)))
    assert r.nodes["fine_amount"].points == D(expected)


def test_point_values_are_params(rubric) -> None:
    # the seed gives no point values: an admin sets them; the maxima follow the params, and the
    # rubric total (100) that no longer matches is reported, not refused
    changed = rubric.with_params({"case_quality_points": 50, "case_count_points": 30})
    r = one(changed, county())
    # 80 × 50/100 = 40; case count 30; fines 0; major 20 → 90
    assert r.nodes["case_quality"].points == D("40")
    assert r.nodes["case_quality"].max == D("50")
    assert r.nodes["case_count"].points == D("30")
    assert r.total == D("90")
    # maxima now sum to 50 + 30 + 20 + 20 = 120, not the rubric's 100
    assert [w.kind for w in check_rubric(changed)] == ["rubric_sum"]


def test_major_cases_just_below_half(rubric) -> None:
    # baseline 10, half 5: 4 < 5 → 0
    r = one(rubric, county(major_cases=4))
    assert r.nodes["major_case_count"].points == D("0")


def test_baseline_share_uses_the_unit_share(rubric) -> None:
    # a bigger unit (20 of 40 key enterprises = 50%): case baseline 200 × 50% = 100, half = 50;
    # 30 cases are no longer enough
    r = one(rubric, county(key_enterprises=20))
    assert r.nodes["case_count"].points == D("0")
    # major: 40 × 50% = 20, half 10: 5 < 10 → 0
    assert r.nodes["major_case_count"].points == D("0")


def test_threshold_is_a_param(rubric) -> None:
    # an admin raising the threshold to 60%: case count needs 30 (30 ≥ 50 × 0.6 = 30 → full),
    # major cases need 6 (5 < 6 → 0)
    r = one(rubric.with_params({"baseline_threshold": D("0.6")}), county())
    assert r.nodes["case_count"].points == D("20")
    assert r.nodes["major_case_count"].points == D("0")


@pytest.mark.parametrize(
    ("overrides", "reason_part"),
    [
        ({"pm10_2016": D("80.1")}, "PM10"),
        ({"pm25_2016": D("51")}, "PM2.5"),
        ({"water_sections_degraded": 1}, "断面"),
    ],
)
def test_environmental_quality_veto(rubric, overrides: dict, reason_part: str) -> None:
    # "PM10 或 PM2.5 存在浓度升高情形的，直接移出先进集体候选名单";
    # "有 1 个以上断面非外来污染源影响的原因发生水质类别下降情况的，直接移出先进集体候选名单"
    result = evaluate(rubric, {"veto": county(**overrides), "ok": county()})
    r = result.candidates["veto"]
    assert len(r.vetoes) == 1 and reason_part in r.vetoes[0]
    assert r.rank is None
    assert result.excluded == ["veto"]
    assert result.ranking == ["ok"]
    # the scores are kept
    assert r.total == D("72")


def test_no_veto_when_concentrations_are_equal(rubric) -> None:
    # "升高" is strict: an unchanged concentration is not a rise
    r = one(rubric, county(pm10_2016=D("80"), pm25_2016=D("50")))
    assert r.vetoes == []


def test_both_air_and_water_vetoes_are_reported(rubric) -> None:
    r = one(rubric, county(pm10_2016=D("90"), pm25_2016=D("60"), water_sections_degraded=2))
    assert len(r.vetoes) == 3


def test_city_unit_without_environment_data_is_not_vetoed(rubric) -> None:
    # the 支队 and 分局 have no county air/water figures: missing numbers are 0, nothing rises
    facts = county()
    for key in ("pm10_2015", "pm10_2016", "pm25_2015", "pm25_2016", "water_sections_degraded"):
        del facts[key]
    r = one(rubric, facts)
    assert r.vetoes == [] and r.rank == 1


@pytest.mark.parametrize(("n", "eligible"), [(2, False), (3, True), (0, False)])
def test_at_least_three_case_files(rubric, n: int, eligible: bool) -> None:
    # "各环境监察执法机构提交案件数不得少于 3 件"
    r = one(rubric, county(case_files=files(*[70] * n)))
    assert (r.ineligible == []) is eligible
    assert (r.rank is None) is not eligible
    if not eligible:
        assert "3" in r.ineligible[0]


def test_missing_case_files_fact_is_ineligible(rubric) -> None:
    facts = county()
    del facts["case_files"]
    r = one(rubric, facts)
    assert r.ineligible and r.nodes["case_quality"].points == D("0")


def test_no_key_enterprises_gives_zero_baseline(rubric) -> None:
    # a city total of 0 key enterprises would divide by zero: the rubric guards it (share 0);
    # baseline 0 → every value ≥ 0 → full marks on all three (degenerate data, documented here)
    r = one(rubric, county(key_enterprises=0, city_key_enterprises=0))
    assert r.nodes["case_quantity"].points == D("60")


def test_pool_ranking(rubric) -> None:
    pool = {
        # 72, as in the end-to-end test
        "沅陵县": county(),
        # 28 + 20 + 0 + 20 = 68
        "辰溪县": county(case_files=files(90, 85, 80, 95, 70, 70)),
        # 32 + 20 + 20 + 20 = 92
        "溆浦县": county(fines=D("200000")),
        # same 72 as 沅陵县: a tie shares the rank
        "会同县": county(),
        # vetoed (PM2.5 rose), scored 72 but excluded
        "麻阳县": county(pm25_2016=D("55")),
        # ineligible (2 files): 2 × 70 / 7 = 20 of 100 → 8, plus 40
        "新晃县": county(case_files=files(70, 70)),
    }
    result = evaluate(rubric, pool)
    totals = {k: v.total for k, v in result.candidates.items()}
    assert totals == {
        "沅陵县": D("72"),
        "辰溪县": D("68"),
        "溆浦县": D("92"),
        "会同县": D("72"),
        "麻阳县": D("72"),
        "新晃县": D("48"),
    }
    assert result.ranking[0] == "溆浦县"
    assert set(result.ranking[1:3]) == {"沅陵县", "会同县"}
    assert result.ranking[3] == "辰溪县"
    assert sorted(result.excluded) == ["新晃县", "麻阳县"]
    ranks = {k: v.rank for k, v in result.candidates.items()}
    assert ranks == {
        "溆浦县": 1,
        "沅陵县": 2,
        "会同县": 2,
        "辰溪县": 4,
        "麻阳县": None,
        "新晃县": None,
    }
    # deterministic in any order
    again = evaluate(rubric, dict(reversed(list(pool.items()))))
    assert {k: v.total for k, v in again.candidates.items()} == totals
    assert again.ranking[0] == "溆浦县" and again.ranking[3] == "辰溪县"
