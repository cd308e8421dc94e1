"""File scores computed by hand from cases/checklists/national-2024.yaml.

score = 50 + 50 × earned ÷ applicable − deductions; not applicable leaves the denominator;
missing counts 0 in it; any grave problem → 0 with its reason."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from cases.scoring import (
    ItemMark,
    Marks,
    ScoringError,
    combine,
    load_checklist_text,
    parse_checklist,
    score_file,
    to_rubric_points,
)


@pytest.fixture(scope="module")
def checklist():
    return parse_checklist(load_checklist_text())


def full(checklist, case_type, **overrides):
    """Every item at full points, except `overrides`: id -> points | "missing" | "na"."""
    _, item_set = checklist.item_set_for(case_type)
    items = {}
    for item in item_set.items:
        value = overrides.get(item.id, item.points)
        if value == "missing":
            items[item.id] = ItemMark("missing")
        elif value == "na":
            items[item.id] = ItemMark("na")
        else:
            items[item.id] = ItemMark("scored", D(str(value)))
    return items


def test_checklist_structure_matches_the_national_standard(checklist):
    groups = {}
    for problem in checklist.grave_problems:
        groups[problem.group] = groups.get(problem.group, 0) + 1
    assert len(checklist.grave_problems) == 25
    assert list(groups.values()) == [2, 3, 2, 6, 12]
    assert len(checklist.deductions) == 20
    standards = {k: v.standard for k, v in checklist.item_sets.items()}
    assert standards == {
        "general_penalty": 100,
        "no_penalty": 100,
        "daily_penalty": 120,
        "seal_seize": 100,
        "detention_transfer": 100,
        "crime_transfer": 100,
    }
    assert checklist.item_sets["detention_transfer"].bonus_points == 15
    assert checklist.item_sets["crime_transfer"].bonus_points == 15
    assert checklist.review_as["restrict_production"] == "general_penalty"


def test_score_general_penalty_with_not_applicable_missing_and_deductions(checklist):
    # applicable = 100 − 7 (legal review, n/a) − 5 (collective, n/a) = 88
    # earned = 6 + 12 + 8 + 15 + 8 + 10 + 0 (defence missing) + 13 + 5 = 77
    # 50 + 50 × 77 ÷ 88 − (1 + 2 × 1) = 50 + 43.75 − 3 = 90.75
    items = full(
        checklist,
        "general_penalty",
        filing=6,
        interview=8,
        legal_review="na",
        collective="na",
        defense="missing",
        decision=13,
    )
    result = score_file(
        checklist, "general_penalty", Marks(items=items, deductions={"D03": 1, "D16": 2})
    )
    assert result.total == D("90.75")
    assert "法制审核意见：不适用（不计入分母）" in result.lines
    assert "陈述申辩（听证）材料：0/5（文书缺失）" in result.lines
    assert "文书部分 = 50 × 77 ÷ 88 = 43.75" in result.lines
    assert result.lines[-1] == "合计 = 合法性 50 + 文书 43.75 − 扣分 3 = 90.75"


def test_score_no_penalty_decision(checklist):
    # earned = 100 − 5 (decision 15 → 10) − 5 (service missing) = 90; 50 + 45 = 95
    items = full(checklist, "no_penalty", decision=10, service="missing")
    assert score_file(checklist, "no_penalty", Marks(items=items)).total == D("95.00")


def test_score_daily_penalty_out_of_120(checklist):
    # earned = 120 − 6 = 114; 50 × 114 ÷ 120 = 47.5 → 97.50
    items = full(checklist, "daily_penalty", recheck=9)
    assert score_file(checklist, "daily_penalty", Marks(items=items)).total == D("97.50")


def test_score_seal_seize_rounds_half_up(checklist):
    # handling n/a: applicable 85; earned 85 − 6 = 79; 50 × 79 ÷ 85 = 46.4705… → 96.47
    items = full(checklist, "seal_seize", handling="na", site_record=14)
    assert score_file(checklist, "seal_seize", Marks(items=items)).total == D("96.47")


def test_score_restrict_production_is_reviewed_as_general_penalty(checklist):
    items = full(checklist, "general_penalty")
    result = score_file(checklist, "restrict_production", Marks(items=items))
    assert result.total == D("100.00")
    assert "按general_penalty评查" in result.lines[-1]


def test_score_court_enforcement_with_a_deduction(checklist):
    items = full(checklist, "general_penalty")
    result = score_file(checklist, "court_enforcement", Marks(items=items, deductions={"D01": 1}))
    assert result.total == D("99.00")


def test_score_detention_transfer_bonus_adds_to_earned_not_denominator(checklist):
    # receipt missing: earned 85 of 100 → 50 + 42.5 = 92.50; police detained: +15 → 100 → 100.00
    items = full(checklist, "detention_transfer", receipt="missing")
    assert score_file(checklist, "detention_transfer", Marks(items=items)).total == D("92.50")
    with_bonus = score_file(checklist, "detention_transfer", Marks(items=items, bonus_met=True))
    assert with_bonus.total == D("100.00")
    assert "加分：公安机关作出行政拘留决定 +15（不计入分母）" in with_bonus.lines


def test_score_crime_transfer_bonus_capped_at_50(checklist):
    # all full (100) + 15 bonus = 115 ÷ 100 × 50 = 57.5, capped at 50 → 100.00
    items = full(checklist, "crime_transfer")
    result = score_file(checklist, "crime_transfer", Marks(items=items, bonus_met=True))
    assert result.total == D("100.00")
    assert "文书部分 = 50 × 115 ÷ 100 = 57.50，封顶 50" in result.lines


def test_score_grave_problem_zeroes_the_file_with_its_reason(checklist):
    items = full(checklist, "crime_transfer")
    result = score_file(
        checklist,
        "crime_transfer",
        Marks(items=items, grave={"G06": "监测采样未由两名执法人员在场，样品来源无法证明"}),
    )
    assert result.total == 0
    assert result.zeroed
    assert result.seed002_defect  # ③ 证据取得的方式、手段、途径不符合法定要求
    assert result.grave_reasons == (
        "G06 证据取得的方式、手段、途径不符合法定要求："
        "监测采样未由两名执法人员在场，样品来源无法证明",
    )


def test_score_grave_problem_outside_seed002_five_is_not_a_seed002_defect(checklist):
    result = score_file(
        checklist, "general_penalty", Marks(grave={"G10": "定性为超标排放，实为未批先建"})
    )
    assert result.total == 0 and result.zeroed and not result.seed002_defect


def test_grave_problem_without_reason_is_refused(checklist):
    items = full(checklist, "general_penalty")
    with pytest.raises(
        ScoringError, match="标记严重问题“作出的决定无法律、法规、规章依据”时必须写明理由"
    ):
        score_file(checklist, "general_penalty", Marks(items=items, grave={"G08": "  "}))


def test_grave_problem_of_another_case_type_is_refused(checklist):
    with pytest.raises(ScoringError, match="不适用于本类型案卷"):
        score_file(checklist, "general_penalty", Marks(grave={"G23": "未复查"}))


def test_points_outside_the_item_range_are_refused(checklist):
    items = full(checklist, "general_penalty", filing=9)
    with pytest.raises(ScoringError, match=r"立案审批表”的分值 9 超出范围（0 至 8 分）"):
        score_file(checklist, "general_penalty", Marks(items=items))
    items = full(checklist, "general_penalty", filing=-1)
    with pytest.raises(ScoringError, match="超出范围"):
        score_file(checklist, "general_penalty", Marks(items=items))


def test_unmarked_items_are_refused(checklist):
    items = full(checklist, "general_penalty")
    del items["decision"]
    with pytest.raises(ScoringError, match="以下文书项尚未评查：行政处罚决定书"):
        score_file(checklist, "general_penalty", Marks(items=items))


def test_deductions_floor_at_zero(checklist):
    items = {k: ItemMark("missing") for k in full(checklist, "general_penalty")}
    result = score_file(checklist, "general_penalty", Marks(items=items, deductions={"D01": 60}))
    assert result.total == 0
    assert result.lines[-1].endswith("（扣完为止）")


def test_all_items_not_applicable_scores_legality_only(checklist):
    items = {k: ItemMark("na") for k in full(checklist, "general_penalty")}
    assert score_file(checklist, "general_penalty", Marks(items=items)).total == D("50.00")


def test_checklist_with_wrong_item_sum_is_refused():
    text = load_checklist_text().replace(
        "{id: filing, title: 立案审批表, points: 8}",
        "{id: filing, title: 立案审批表, points: 9}",
        1,
    )
    with pytest.raises(ScoringError, match="合计 101，与标准分 100 不符"):
        parse_checklist(text)


def test_combine_mean_median_and_the_arbitration_flag():
    mean = combine([D("80"), D("90"), D("95")], how="mean", threshold=D("10"))
    assert mean.score == D("88.33") and mean.spread == D("15") and mean.flagged
    median = combine([D("80"), D("90"), D("95")], how="median", threshold=D("20"))
    assert median.score == D("90.00") and not median.flagged
    even = combine([D("80"), D("91")], how="median")
    assert even.score == D("85.50") and not even.flagged
    assert "提交主审裁定" in mean.line


def test_rubric_points_per_file():
    # seed 000 collective: 4 points per file; individual: 10 per file; 002: 17.5.
    assert to_rubric_points(D("90.75"), per_file=D(4)) == D("3.63")
    assert to_rubric_points(D("90.75"), per_file=D(10)) == D("9.075")
