"""check_rubric: source inconsistencies reported as warnings, never refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.engine import check_rubric, load_rubric

from .builders import item, node, rubric

PER = {"type": "per_occurrence", "fact": "a", "each": 1, "cap": 3}
DRILL_RANK = {"type": "rank", "fact": "video", "source": "pool", "mode": "linear", "best": 4,
              "worst": 1}  # fmt: skip


def kinds(rub) -> list[tuple[str, str]]:
    return [(w.kind, w.path) for w in check_rubric(rub)]


def test_check_consistent_rubric_has_no_warnings():
    rub = rubric({"a": "count"}, node("n", item("x", PER, max=3), max=3), max=3)
    assert check_rubric(rub) == []


def test_check_item_rule_reaches_less_than_stated():
    # 000 着装演练: "铁军风采着装演练”指标（10分）" but "根据成绩排名得1—4分" → rule reaches 4
    rub = rubric(
        {"video": "score"},
        node("drill", item("video_rank", DRILL_RANK, max=10), max=10),
        max=10,
    )
    [warning] = check_rubric(rub)
    assert (warning.kind, warning.path) == ("item_max", "indicators[0].items[0]")
    assert warning.message == "video_rank：规定最高 10 分，但规则最多能得 4 分（少于规定）"


def test_check_item_rule_reaches_more_than_stated():
    rub = rubric({"a": "count"}, node("n", item("x", {**PER, "cap": 6}, max=3), max=3), max=3)
    assert kinds(rub) == [("item_max", "indicators[0].items[0]")]
    assert "多于规定" in check_rubric(rub)[0].message


def test_check_unbounded_rule_is_not_reported_as_mismatch():
    rule = {"type": "per_occurrence", "fact": "a", "each": 1}
    rub = rubric({"a": "count"}, node("n", item("x", rule, max=3), max=3), max=3)
    assert check_rubric(rub) == []


def test_check_children_sum_differs_from_node_max():
    # 000 individual 实战比武: "（30 分）" while its parts are "1—14 分" and "1—8 分" → 22
    rub = rubric(
        {"a": "count", "b": "count"},
        node(
            "drill",
            item("prov", {**PER, "fact": "a", "cap": 14}, max=14),
            item("city", {**PER, "fact": "b", "cap": 8}, max=8),
            max=30,
        ),
        max=30,
    )
    [warning] = check_rubric(rub)
    assert (warning.kind, warning.path) == ("node_sum", "indicators[0]")
    assert warning.message == "drill：下级最高分合计 22 分，与本级最高 30 分不一致"


def test_check_deductions_and_bonus_items_do_not_count_toward_sums():
    rub = rubric(
        {"a": "count", "d": "count", "x": "bool"},
        node(
            "n",
            item("x", PER, max=3),
            item("d", {"type": "deduction", "fact": "d", "each": 1, "cap": 2}),
            item("plus", {"type": "boolean", "fact": "x", "points": 1}, max=1, bonus=True),
            max=3,
        ),
        max=3,
        bonus_cap=1,
    )
    assert check_rubric(rub) == []


def test_check_indicator_maxima_differ_from_rubric_max():
    # 002 collective: "队伍建设与管理（25 分）" in one table, "（30分）" in the next
    rub = rubric({"a": "count"}, node("n", item("x", PER, max=3), max=3), max=5)
    [warning] = check_rubric(rub)
    assert (warning.kind, warning.path) == ("rubric_sum", "max")
    assert warning.message == "各一级指标最高分合计 3 分，与细则总分 5 分不一致"


def test_check_item_conflict_is_reported():
    # 000: "出现1个扣0.5分，最高扣2分；本项指标最高扣5分"
    conflict = "同一段先说“最高扣2分”，又说“本项指标最高扣5分”"
    rub = rubric(
        {"a": "count"},
        node("n", item("x", PER, max=3, conflict=conflict), max=3),
        max=3,
    )
    [warning] = check_rubric(rub)
    assert (warning.kind, warning.path) == ("conflict", "indicators[0].items[0]")
    assert warning.message == f"x：原文自相矛盾：{conflict}"


def test_check_unbounded_bonus_without_bonus_cap():
    rule = {"type": "per_occurrence", "fact": "a", "each": 1}
    rub = rubric(
        {"a": "count"},
        node("n", item("x", PER, max=3), max=3),
        node("extra", item("e", rule), bonus=True),
        max=3,
    )
    assert kinds(rub) == [("unbounded_bonus", "indicators[1]")]


RUBRICS = sorted((Path(__file__).resolve().parents[3] / "scoring" / "rubrics").glob("*.yaml"))


@pytest.mark.parametrize("path", RUBRICS, ids=lambda p: p.name)
def test_check_never_raises_on_the_project_rubrics(path):
    rub = load_rubric(path)
    for warning in check_rubric(rub):
        assert warning.message and str(warning)
