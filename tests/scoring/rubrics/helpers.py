"""Helpers shared by the per-rubric tests: where the files are, and reading their citations."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]


def squeeze(text: str) -> str:
    """Whitespace removed: the seeds carry stray spaces ("100 %") that quotes leave out."""
    return re.sub(r"\s+", "", text)


def cites(node: Any) -> list[str]:
    """Every `cite.quote` anywhere in a parsed rubric file."""
    if isinstance(node, dict):
        found = [node["cite"]["quote"]] if isinstance(node.get("cite"), dict) else []
        return found + [q for key, value in node.items() if key != "cite" for q in cites(value)]
    if isinstance(node, list):
        return [q for value in node for q in cites(value)]
    return []


def points(result: Any) -> dict[str, Decimal]:
    """Node id → points of one candidate's result."""
    return {node_id: node.points for node_id, node in result.nodes.items()}
