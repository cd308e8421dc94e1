"""Small rubric builders for engine tests: dict literals in, parsed rubrics out."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from scoring.engine import CandidateResult, Rubric, evaluate, parse_rubric

SEED_000 = "000_624614c78872d090.txt"
SEED_002 = "002_8f44051f6a2aebe3.txt"
SEED_003 = "003_9b896a16c6a0ecd1.txt"
CITE = {"seed": SEED_000, "quote": "根据成绩排名得 1—30 分"}


def item(item_id: str, rule: dict[str, Any], max: Any = None, **extra: Any) -> dict[str, Any]:
    """An item dict with a citation."""
    data: dict[str, Any] = {"id": item_id, "title": item_id, "cite": CITE, "rule": rule, **extra}
    if max is not None:
        data["max"] = max
    return data


def node(node_id: str, *items: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A node dict holding the given items."""
    return {"id": node_id, "title": node_id, "items": list(items), **extra}


def rubric_data(
    facts: dict[str, Any], *indicators: dict[str, Any], max: Any = 100, **extra: Any
) -> dict[str, Any]:
    """A whole rubric dict; facts given as name -> type or name -> full spec."""
    return {
        "id": "t-rubric",
        "title": "测试细则",
        "subject": "collective",
        "source": SEED_000,
        "max": max,
        "facts": {
            name: spec if isinstance(spec, dict) else {"type": spec, "label": name}
            for name, spec in facts.items()
        },
        "indicators": list(indicators),
        **extra,
    }


def rubric(facts: dict[str, Any], *indicators: dict[str, Any], **extra: Any) -> Rubric:
    """A parsed rubric (see rubric_data)."""
    return parse_rubric(rubric_data(facts, *indicators, **extra))


def one_rule(facts: dict[str, Any], rule: dict[str, Any], **extra: Any) -> Rubric:
    """A rubric with a single item ``x`` (no stated max) under a node ``n`` without a floor."""
    return rubric(facts, node("n", item("x", rule), floor=-1000), **extra)


def score(rub: Rubric, facts: dict[str, Any]) -> CandidateResult:
    """One candidate "c" evaluated alone."""
    return evaluate(rub, {"c": facts}).candidates["c"]


def outcome(rub: Rubric, facts: dict[str, Any], node_id: str = "x") -> tuple[Decimal, str]:
    """(points, explanation) of one node for a candidate evaluated alone."""
    result = score(rub, facts).nodes[node_id]
    return result.points, result.explanation


def pool_points(rub: Rubric, pool: dict[str, dict[str, Any]], node_id: str = "x") -> dict:
    """Candidate id -> points of one node, for a whole pool."""
    result = evaluate(rub, pool)
    return {cid: c.nodes[node_id].points for cid, c in result.candidates.items()}


D = Decimal
