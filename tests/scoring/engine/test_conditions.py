"""Vetoes, eligibility, derived facts and params (catalogue 19-20; what-if)."""

from __future__ import annotations

import pytest

from scoring.engine import RubricError, evaluate

from .builders import D, item, node, one_rule, outcome, rubric, score

PER = {"type": "per_occurrence", "fact": "cases", "each": 1}
FACTS = {"cases": "count", "integrity": "bool", "certified": "bool"}


def test_veto_excludes_but_keeps_scores():
    # 000: "本单位执法人员出现违反廉洁纪律问题的，取消该单位表现突出集体评选资格。"
    rub = rubric(
        FACTS,
        node("n", item("x", PER)),
        vetoes=[{"when": "integrity", "reason": "出现违反廉洁纪律问题"}],
    )
    result = evaluate(rub, {"a": {"cases": 5, "integrity": True}, "b": {"cases": 3}})
    vetoed = result.candidates["a"]
    assert vetoed.vetoes == ["出现违反廉洁纪律问题"]
    assert (vetoed.total, vetoed.rank) == (D(5), None)
    assert result.ranking == ["b"] and result.excluded == ["a"]
    assert result.candidates["b"].rank == 1


def test_eligibility_requirement():
    # 000: "持有有效行政执法证件"; 003: "提交案件数不得少于 3 件"
    rub = rubric(
        FACTS,
        node("n", item("x", PER)),
        eligibility=[
            {"require": "certified", "reason": "未持有有效行政执法证件"},
            {"require": "cases >= 3", "reason": "提交案件数少于 3 件"},
        ],
    )
    result = evaluate(
        rub,
        {"ok": {"cases": 3, "certified": True}, "few": {"cases": 2, "certified": True}, "none": {}},
    )
    assert result.candidates["ok"].ineligible == []
    assert result.candidates["few"].ineligible == ["提交案件数少于 3 件"]
    assert result.candidates["none"].ineligible == ["未持有有效行政执法证件", "提交案件数少于 3 件"]
    assert result.ranking == ["ok"] and result.excluded == ["few", "none"]


def test_veto_on_a_comparison():
    # 003: "PM10 或 PM2.5 存在浓度升高情形的，直接移出先进集体候选名单。"
    rub = rubric(
        {"cases": "count", "pm10_change": "number", "pm25_change": "number"},
        node("n", item("x", PER)),
        vetoes=[{"when": "pm10_change > 0 or pm25_change > 0", "reason": "PM10 或 PM2.5 浓度升高"}],
    )
    assert score(rub, {"pm10_change": D("0.1")}).vetoes == ["PM10 或 PM2.5 浓度升高"]
    assert score(rub, {"pm10_change": 0, "pm25_change": D("-1")}).vetoes == []


def test_derived_fact_feeds_a_rule():
    # 003: "每主持办理，按 2 个案件加权计算" → 3 participated + 2 presided × 2 = 7
    rub = one_rule(
        {"joined": "count", "presided": "count"},
        {"type": "per_occurrence", "fact": "weighted", "each": 1},
        derived={"weighted": {"expr": "joined + 2 * presided", "label": "加权案件数"}},
    )
    assert outcome(rub, {"joined": 3, "presided": 2}) == (D(7), "加权案件数 7 × 1 = 7 分")


def test_derived_facts_chain_in_order():
    rub = one_rule(
        {"a": "count"},
        {"type": "per_occurrence", "fact": "second", "each": 1},
        derived={
            "first": {"expr": "a * 2", "label": "一"},
            "second": {"expr": "first + 1", "label": "二"},
        },
    )
    assert outcome(rub, {"a": 3})[0] == D(7)


def test_derived_bool_in_a_veto():
    rub = rubric(
        {"lost": "count", "overturned": "count", "cases": "count"},
        node("n", item("x", PER)),
        derived={
            "bad_case": {"expr": "lost + overturned > 0", "label": "败诉或被撤销", "type": "bool"}
        },
        vetoes=[{"when": "bad_case", "reason": "行政诉讼败诉或行政复议被撤销"}],
    )
    assert score(rub, {"overturned": 1}).vetoes == ["行政诉讼败诉或行政复议被撤销"]
    assert score(rub, {}).vetoes == []


def test_params_in_rule_numbers():
    rub = one_rule(
        {"cases": "count"},
        {"type": "per_occurrence", "fact": "cases", "each": "$per_case", "cap": "$case_cap"},
        params={"per_case": 2, "case_cap": 10},
    )
    assert outcome(rub, {"cases": 3})[0] == D(6)
    assert outcome(rub, {"cases": 8})[0] == D(10)


def test_with_params_returns_a_new_rubric():
    rub = one_rule(
        {"cases": "count"},
        {"type": "per_occurrence", "fact": "cases", "each": "$per_case"},
        params={"per_case": 2},
    )
    what_if = rub.with_params({"per_case": D("0.5")})
    assert outcome(what_if, {"cases": 3})[0] == D("1.5")
    assert outcome(rub, {"cases": 3})[0] == D(6)  # the original is unchanged
    assert rub.params["per_case"] == D(2) and what_if.params["per_case"] == D("0.5")


def test_with_params_refuses_unknown_names():
    rub = one_rule({"cases": "count"}, PER, params={"per_case": 2})
    with pytest.raises(RubricError) as caught:
        rub.with_params({"nope": 1})
    assert [(p.path, p.message) for p in caught.value.problems] == [("params.nope", "未声明的参数")]


def test_with_params_revalidates_values():
    rub = one_rule({"cases": "count"}, {**PER, "cap": "$cap"}, params={"cap": 2})
    with pytest.raises(RubricError) as caught:
        rub.with_params({"cap": -1})
    assert caught.value.problems[0].path == "indicators[0].items[0].rule.cap"


def test_params_usable_in_expressions():
    rub = rubric(
        {"cases": "count"},
        node("n", item("x", PER)),
        params={"minimum": 3},
        eligibility=[{"require": "cases >= minimum", "reason": "案件数不足"}],
    )
    assert score(rub, {"cases": 2}).ineligible == ["案件数不足"]
    assert score(rub.with_params({"minimum": 2}), {"cases": 2}).ineligible == []


def test_failed_condition_is_reported_and_treated_as_not_holding():
    rub = rubric(
        {"cases": "count", "total": "count"},
        node("n", item("x", PER)),
        vetoes=[{"when": "cases / total > 0.5", "reason": "占比过高"}],
    )
    result = score(rub, {"cases": 1, "total": 0})
    assert result.vetoes == []
    assert result.errors and result.errors[0].startswith("否决条件无法计算")
