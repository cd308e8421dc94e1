"""Compiled expressions (scoring/engine/compiled.py) give exactly what simpleeval gives.

Every expression of every shipped rubric, and a set of hand-written ones covering each node type
the compiler handles, is evaluated both ways on random fact values (hypothesis): the same value,
or the same error message.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from scoring.engine import load_rubric
from scoring.engine.evaluation import _ARITHMETIC
from scoring.engine.expressions import RECORD_NAME, Evaluator, Expression, ExpressionError

RUBRICS = sorted((Path(__file__).resolve().parents[3] / "scoring" / "rubrics").glob("*.yaml"))


def _expressions(value: Any) -> list[Expression]:
    """Every Expression inside a rubric model (rules, derived facts, vetoes, zero_if...)."""
    if isinstance(value, Expression):
        return [value]
    if isinstance(value, BaseModel):
        return [e for name in type(value).model_fields for e in _expressions(getattr(value, name))]
    if isinstance(value, dict):
        return [e for v in value.values() for e in _expressions(v)]
    if isinstance(value, list | tuple):
        return [e for v in value for e in _expressions(v)]
    return []


def _cases() -> list[tuple[str, Any, Expression]]:
    cases = []
    for path in RUBRICS:
        rubric = load_rubric(path)
        seen = set()
        for expression in _expressions(rubric):
            if expression.text not in seen:
                seen.add(expression.text)
                cases.append((path.stem, rubric, expression))
    return cases


CASES = _cases()

numbers = st.one_of(
    st.integers(-5, 20),
    st.decimals(min_value=-5, max_value=200, places=3, allow_nan=False, allow_infinity=False),
    st.sampled_from([Decimal(0), Decimal("0.0"), Decimal("0.95"), Decimal(1), Decimal(100)]),
)
values = st.one_of(numbers, st.booleans())


def _kinds(rubric: Any) -> dict[str, str]:
    kinds = dict.fromkeys(rubric.params, "number")
    kinds |= {name: spec.type for name, spec in rubric.facts.items()}
    kinds |= {name: spec.type for name, spec in rubric.derived.items()}
    return kinds


def _value(draw: Any, kind: str) -> Any:
    if kind == "bool":
        return draw(st.booleans())
    if kind == "rank":
        return draw(st.integers(0, 300))
    return draw(values if draw(st.booleans()) else numbers)  # sometimes the wrong type


def _both(expression: Expression, names: dict[str, Any], record: dict[str, Any] | None) -> None:
    """Compiled and simpleeval agree: same value and type, or the same error message."""
    assert expression.compiled is not None, expression.text
    evaluator = Evaluator()
    with localcontext(_ARITHMETIC):
        try:
            if record is None:
                compiled: Any = evaluator.value(expression, names)
            else:
                compiled = evaluator.record_value(expression, names, record)
        except ExpressionError as exc:
            compiled = ("error", str(exc))
        walked_names = (
            names if record is None else {**names, RECORD_NAME: SimpleNamespace(**record)}
        )
        try:
            walked: Any = evaluator._evaluate(expression, walked_names)
        except ExpressionError as exc:
            walked = ("error", str(exc))
    assert compiled == walked, expression.text
    assert type(compiled) is type(walked), expression.text


@pytest.mark.parametrize(
    ("rubric", "expression"),
    [(rubric, expression) for _stem, rubric, expression in CASES],
    ids=[f"{stem}:{expression.text}" for stem, _rubric, expression in CASES],
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_shipped_expressions_compile_to_simpleeval_results(rubric, expression, data):
    kinds = _kinds(rubric)
    names = {name: _value(data.draw, kinds.get(name, "number")) for name in expression.names}
    if any(name not in kinds for name in expression.names):
        pytest.fail(f"{expression.text} names something undeclared")
    record = None
    if expression.fields:
        record = {field: data.draw(numbers) for field in sorted(expression.fields)}
    _both(expression, names, record)


def test_every_shipped_expression_is_compiled():
    assert CASES, "no expressions found in the shipped rubrics"
    assert [e.text for _s, _r, e in CASES if e.compiled is None] == []


HAND_WRITTEN = [
    "a + b * c - a / (b + 1)",
    "a // b + a % b",
    "a ** 2 + -b + +c",
    "a < b <= c",
    "a == b != c",
    "a > b >= c > 0",
    "a and b",
    "a or b or c",
    "not a",
    "not (a and b) or c",
    "a if b else c",
    "min(a, b) + max(a, b, c) + abs(c)",
    "min(a * 0.5, 3) if b else c",
    "a in (1, 2)",  # a tuple: left to simpleeval, still correct
]


@pytest.mark.parametrize("text", HAND_WRITTEN)
@settings(max_examples=150, deadline=None)
@given(a=values, b=values, c=values)
def test_hand_written_expressions_agree(text, a, b, c):
    expression = Expression(text, frozenset({"a", "b", "c"}))
    names = {"a": a, "b": b, "c": c}
    if expression.compiled is None:  # the tuple case: nothing to compare, simpleeval runs it
        assert "(" in text and "," in text
        return
    _both(expression, names, None)


@settings(max_examples=150, deadline=None)
@given(x=numbers, y=numbers, w=numbers)
def test_record_expressions_agree(x, y, w):
    expression = Expression("0.4 * r.x + 0.6 * r.y * w", frozenset({"w"}), record=True)
    _both(expression, {"w": w}, {"x": x, "y": y})


def test_missing_name_and_field_fail_as_in_simpleeval():
    _both(Expression("a + b", None), {"a": Decimal(1)}, None)
    _both(Expression("r.x + 1", None, record=True), {}, {"y": Decimal(1)})


def test_nodes_left_to_simpleeval():
    assert Expression("a[0]", None).compiled is None  # subscript
    assert Expression("[a, b]", None).compiled is None  # list
    assert Expression("min", None).compiled is None  # a function as a value
    assert Expression("r", None, record=True).compiled is None  # the bare record
    assert Expression("r._x", None, record=True).compiled is None  # simpleeval refuses _names
    # still evaluated, by simpleeval
    assert Evaluator().value(Expression("a[1]", None), {"a": [1, 2]}) == 2
