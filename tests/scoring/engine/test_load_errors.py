"""Bad rubric files: every problem is refused at load time with a Chinese message and a path."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from scoring.engine import Problem, RubricError, load_rubric, parse_rubric

from .builders import item, node, rubric_data

TIERS = {
    "type": "tiers",
    "fact": "equip",
    "tiers": [{"min": 1, "points": 3}, {"min": 0.9, "points": 1}],
}


def tiers_item(item_id: str) -> dict[str, Any]:
    return item(item_id, copy.deepcopy(TIERS), max=3)


def good() -> dict[str, Any]:
    return rubric_data(
        {"equip": "ratio", "cases": "count", "bad": "bool"},
        node("a", tiers_item("a1")),
        node("b", tiers_item("b1"), tiers_item("b2"), tiers_item("b3")),
    )


def problems(data: Any) -> list[tuple[str, str]]:
    with pytest.raises(RubricError) as caught:
        parse_rubric(data, "rubric.yaml")
    assert all(p.file == "rubric.yaml" for p in caught.value.problems)
    return [(p.path, p.message) for p in caught.value.problems]


def broken(change) -> list[tuple[str, str]]:
    data = copy.deepcopy(good())
    change(data)
    return problems(data)


def rule_of(data: dict, indicator: int = 1, position: int = 2) -> dict:
    return data["indicators"][indicator]["items"][position]["rule"]


def test_load_errors_good_rubric_loads():
    assert parse_rubric(good()).id == "t-rubric"


def test_load_errors_missing_field():
    def change(data):
        del data["indicators"][0]["items"][0]["title"]

    assert broken(change) == [("indicators[0].items[0].title", "缺少必填字段")]


def test_load_errors_extra_field():
    def change(data):
        rule_of(data)["bogus"] = 1

    assert broken(change) == [
        (
            "indicators[1].items[2].rule.bogus",
            "不认识的字段（只允许 SCHEMA.md 中列出的字段；拼写错误？）",
        )
    ]


def test_load_errors_wrong_type():
    def change(data):
        rule_of(data)["tiers"][0]["min"] = "abc"

    assert broken(change) == [
        ("indicators[1].items[2].rule.tiers[0].min", "类型错误：应为数字，实际为 'abc'")
    ]


def test_load_errors_value_out_of_range():
    def change(data):
        data["indicators"][1]["items"][0]["max"] = -1

    assert broken(change) == [("indicators[1].items[0].max", "数值超出范围：应 ≥ 0，实际为 -1")]


def test_load_errors_tiers_not_descending():
    def change(data):
        rule_of(data)["tiers"] = [{"min": 0.9, "points": 1}, {"min": 1, "points": 3}]

    assert broken(change) == [
        (
            "indicators[1].items[2].rule.tiers[1].min",
            "tiers 的门槛必须从高到低排列：1 不小于上一档 0.9",
        )
    ]


def test_load_errors_unknown_rule_type():
    def change(data):
        rule_of(data)["type"] = "guess"

    [(path, message)] = broken(change)
    assert path == "indicators[1].items[2].rule"
    assert message.startswith("未知的规则类型 'guess'（可用：'aggregate', 'baseline_share'")


def test_load_errors_missing_rule_type():
    def change(data):
        del rule_of(data)["type"]

    assert broken(change) == [("indicators[1].items[2].rule", "缺少 type 字段")]


def test_load_errors_unknown_rank_mode():
    def change(data):
        data["indicators"][1]["items"][2]["rule"] = {
            "type": "rank", "fact": "equip", "source": "pool", "mode": "guess"
        }  # fmt: skip

    [(path, message)] = broken(change)
    assert path == "indicators[1].items[2].rule"
    assert message.startswith("未知的取值 'guess'")


def test_load_errors_rank_mode_fields_checked():
    def change(data):
        data["indicators"][1]["items"][2]["rule"] = {
            "type": "rank", "fact": "equip", "source": "pool", "mode": "table", "table": {"x": 1}
        }  # fmt: skip

    assert broken(change) == [
        ("indicators[1].items[2].rule.table.x", "键类型错误：应为整数，实际为 'x'")
    ]


def test_load_errors_undeclared_fact_in_rule():
    def change(data):
        rule_of(data)["fact"] = "nope"

    assert broken(change) == [
        ("indicators[1].items[2].rule.fact", "未声明的事实 'nope'（请在 facts 或 derived 中声明）")
    ]


def test_load_errors_fact_of_the_wrong_type():
    def change(data):
        data["indicators"][1]["items"][2]["rule"] = {
            "type": "monthly", "fact": "cases", "months": ["2024-01"], "min": 1, "each": 1
        }  # fmt: skip

    assert broken(change) == [
        (
            "indicators[1].items[2].rule.fact",
            "事实 'cases' 的类型是 count，这里需要monthly 类型事实",
        )
    ]


def test_load_errors_unknown_name_in_expression():
    def change(data):
        data["vetoes"] = [{"when": "bad or worse", "reason": "r"}]

    assert broken(change) == [
        ("vetoes[0].when", "未声明的名称 worse（表达式只能使用已声明的事实、派生事实和参数）")
    ]


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("__import__('os')", "表达式只能调用 min、max、abs、len、sum"),
        ("cases.__class__", "只有 r.字段 形式的属性访问（在 aggregate.expr 中）是允许的"),
        ("lambda: 1", "表达式中不允许使用 Lambda"),
        ("[c for c in cases]", "表达式中不允许使用 ListComp"),
        ("cases = 1", "表达式语法错误：'cases = 1'（第 7 个字符附近）"),
        ("max(cases, key=abs)", "表达式中的函数调用不接受关键字参数"),
    ],
)
def test_load_errors_unsafe_expressions(expression, message):
    def change(data):
        data["eligibility"] = [{"require": expression, "reason": "r"}]

    assert broken(change) == [("eligibility[0].require", message)]


def test_load_errors_duplicate_node_ids():
    def change(data):
        data["indicators"][1]["items"][1]["id"] = "a1"

    assert broken(change) == [
        ("indicators[1].items[1].id", "编号 'a1' 重复（首次出现在 indicators[0].items[0]）")
    ]


def test_load_errors_undeclared_param():
    def change(data):
        rule_of(data)["tiers"][0]["points"] = "$top"

    assert broken(change) == [
        ("indicators[1].items[2].rule.tiers[0].points", "未声明的参数 $top（请在 params 中声明）")
    ]


def test_load_errors_cite_without_quote():
    def change(data):
        data["indicators"][0]["items"][0]["cite"] = {"seed": "000_624614c78872d090.txt"}

    assert broken(change) == [("indicators[0].items[0].cite.quote", "缺少必填字段")]


def test_load_errors_item_without_cite():
    def change(data):
        del data["indicators"][0]["items"][0]["cite"]

    assert broken(change) == [("indicators[0].items[0].cite", "缺少必填字段")]


def test_load_errors_unknown_tie_breaker():
    def change(data):
        data["tie_breakers"] = ["a", "zzz"]

    assert broken(change) == [("tie_breakers[1]", "没有编号为 'zzz' 的指标或评分项")]


def test_load_errors_derived_must_come_in_order():
    def change(data):
        data["derived"] = {
            "first": {"expr": "second + 1", "label": "一"},
            "second": {"expr": "cases * 2", "label": "二"},
        }

    assert broken(change) == [
        ("derived.first", "派生事实 'first' 引用了自身或其后定义的 second；只能引用在它之前定义的")
    ]


def test_load_errors_derived_cannot_use_pool_rules():
    def change(data):
        data["derived"] = {
            "r": {"label": "名次分", "rule": {"type": "relative_to_best", "fact": "cases",
                                            "max": 1, "per": 0.1, "per_points": 0.1}}
        }  # fmt: skip

    assert broken(change) == [
        ("derived.r.rule", "派生事实不能使用依赖整个候选池的规则（排名、相对最高值）")
    ]


def test_load_errors_name_clash():
    def change(data):
        data["params"] = {"cases": 1}

    assert broken(change) == [("params.cases", "名称 'cases' 已在 facts 或 derived 中声明")]


def test_load_errors_bad_fact_name_and_type():
    def change(data):
        data["facts"]["Bad-Name"] = {"type": "ratio", "label": "x"}
        data["facts"]["odd"] = {"type": "percentage", "label": "y"}

    found = broken(change)
    assert (
        "facts.Bad-Name",
        "键名称 'Bad-Name' 无效：只能用小写字母、数字和下划线，且不能以数字开头",
    ) in found
    assert any(
        path == "facts.odd.type" and message.startswith("取值无效") for path, message in found
    )


def test_load_errors_subject_literal():
    def change(data):
        data["subject"] = "team"

    assert broken(change) == [
        ("subject", "取值无效：应为 'individual' or 'collective' 之一，实际为 'team'")
    ]


def test_load_errors_every_problem_reported_at_once():
    def change(data):
        del data["title"]
        data["indicators"][0]["items"][0]["max"] = -3
        rule_of(data)["fact"] = "nope"

    assert [path for path, _ in broken(change)] == [
        "title",
        "indicators[0].items[0].max",
        "indicators[1].items[2].rule.fact",
    ]


def test_load_errors_top_level_not_a_mapping():
    assert problems(["a", "b"]) == [("", "顶层必须是映射（键: 值），实际不是")]


def test_load_errors_str_is_one_line_per_problem():
    error = RubricError([Problem("f.yaml", "max", "缺少必填字段"), Problem("f.yaml", "", "坏")])
    assert str(error) == "f.yaml: max: 缺少必填字段\nf.yaml: （顶层）: 坏"


def test_load_errors_yaml_syntax_error_has_line_and_column(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\ntitle: [unclosed\nmax: 3\n", encoding="utf-8")
    with pytest.raises(RubricError) as caught:
        load_rubric(path)
    [problem] = caught.value.problems
    assert problem.file == str(path) and problem.path == ""
    assert problem.message.startswith("YAML 语法错误（第 3 行第 4 列）")


def test_load_errors_yaml_duplicate_key(tmp_path):
    path = tmp_path / "dup.yaml"
    path.write_text("id: x\ntitle: a\ntitle: b\n", encoding="utf-8")
    with pytest.raises(RubricError) as caught:
        load_rubric(path)
    assert caught.value.problems[0].message == "YAML 语法错误（第 3 行第 1 列）：重复的键 'title'"


def test_load_errors_missing_file(tmp_path):
    with pytest.raises(RubricError) as caught:
        load_rubric(tmp_path / "absent.yaml")
    assert caught.value.problems[0].message.startswith("无法读取文件")


def test_load_errors_yaml_file_loads_with_exact_decimals(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text(
        """\
id: t-yaml
title: 测试
subject: individual
source: 000_624614c78872d090.txt
max: 3
facts:
  equip: {type: ratio, label: 配备比例}
indicators:
  - id: a
    title: A
    max: 3
    items:
      - id: a1
        title: 配备
        max: 3
        cite: {seed: 000_624614c78872d090.txt, quote: "配备比例 95% 以上、不足 100% 的，得 2 分"}
        rule: {type: tiers, fact: equip, tiers: [{min: 1.00, points: 3}, {min: 0.95, points: 2}]}
""",
        encoding="utf-8",
    )
    rub = load_rubric(path)
    assert str(rub.indicators[0].items[0].rule.tiers[1].min) == "0.95"
    assert rub.file == str(path)
