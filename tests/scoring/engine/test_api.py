"""The package's public surface, and its independence from Django."""

from __future__ import annotations

import ast
from pathlib import Path

import scoring.engine

ENGINE = Path(scoring.engine.__file__).resolve().parent


def test_api_exports_the_schema_names():
    assert set(scoring.engine.__all__) == {
        "load_rubric",
        "parse_rubric",
        "check_rubric",
        "evaluate",
        "RubricError",
        "Problem",
        "RubricWarning",
        "Rubric",
        "Cite",
        "PoolResult",
        "CandidateResult",
        "NodeResult",
        "fmt_points",
    }
    for name in scoring.engine.__all__:
        assert getattr(scoring.engine, name) is not None


def test_api_no_django_imports():
    for path in ENGINE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import django" not in text and "from django" not in text, path


def test_api_never_uses_builtin_eval_or_exec():
    for path in ENGINE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        called = {
            node.func.id
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        }
        assert not called & {"eval", "exec", "compile", "__import__"}, path


def test_api_schema_lists_every_rule_type():
    from scoring.engine.rules import RULE_TAGS

    schema = (ENGINE / "SCHEMA.md").read_text(encoding="utf-8")
    assert len(RULE_TAGS) == 16
    for tag in RULE_TAGS:
        assert f"`{tag}`" in schema, tag
