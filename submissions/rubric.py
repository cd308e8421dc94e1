"""What a self-assessment form asks, read from the pinned rubric; and the engine's preview.

Pure reading: nothing here writes. The engine (`scoring.engine`) tells which facts each item's
rule reads (`names_used`); derived facts are expanded into the declared facts they are
computed from, so the unit is asked only for inputs it can know.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from scoring.engine import evaluate
from scoring.engine.facts import FactSpec
from scoring.engine.model import Item, Node, Rubric
from scoring.engine.parse import names_used


@dataclass(frozen=True)
class ItemSpec:
    """One row of the form: an item, the facts it reads, where it sits."""

    item: Item
    indicator_id: str
    indicator_title: str
    facts: tuple[tuple[str, FactSpec], ...]
    pooled: bool = False  # the rule compares with the pool (ranks, the best): points provisional

    @property
    def id(self) -> str:
        return self.item.id


@dataclass
class Section:
    """One indicator (top-level node) of the rubric with its item rows, in rubric order."""

    node: Node
    items: list[ItemSpec] = field(default_factory=list)


def _expand(rubric: Rubric, names: Iterable[str], seen: set[str] | None = None) -> list[str]:
    """Declared facts behind `names`, following derived facts to their inputs; rubric order."""
    seen = set() if seen is None else seen
    found: set[str] = set()
    for name in names:
        if name in seen:
            continue
        seen.add(name)
        if name in rubric.facts:
            found.add(name)
        elif name in rubric.derived:
            found.update(_expand(rubric, names_used(rubric.derived[name]), seen))
    return [key for key in rubric.facts if key in found]


def item_fact_keys(rubric: Rubric, item: Item, *, exclude: Iterable[str] = ()) -> list[str]:
    """The declared facts an item's rule and zeroing conditions read, minus `exclude` (facts
    that are campaign-wide, e.g. a provincial average, which no unit claims)."""
    names = names_used(item.rule) | names_used(item.zero_if)
    skip = set(exclude)
    return [key for key in _expand(rubric, names) if key not in skip]


def _items(node: Node) -> Iterable[Item]:
    yield from node.items
    for child in node.children:
        yield from _items(child)


def sections(rubric: Rubric, *, exclude: Iterable[str] = ()) -> list[Section]:
    """The form's sections: one per indicator, one row per item (nested nodes flattened)."""
    skip = frozenset(exclude)
    result = []
    for node in rubric.indicators:
        section = Section(node=node)
        for item in _items(node):
            keys = item_fact_keys(rubric, item, exclude=skip)
            section.items.append(
                ItemSpec(
                    item=item,
                    indicator_id=node.id,
                    indicator_title=node.title,
                    facts=tuple((key, rubric.facts[key]) for key in keys),
                    pooled=item.rule.reads_pool(),  # points depend on the others: an estimate
                )
            )
        result.append(section)
    return result


def item_specs(rubric: Rubric, *, exclude: Iterable[str] = ()) -> dict[str, ItemSpec]:
    return {
        spec.id: spec for section in sections(rubric, exclude=exclude) for spec in section.items
    }


@dataclass(frozen=True)
class Preview:
    points: Decimal
    explanation: str


SELF = "self"


def preview(
    rubric: Rubric,
    *,
    base_facts: Mapping[str, Any],
    claimed: Mapping[str, Any],
    others: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Preview]:
    """Points per item for one candidate if the claimed values held.

    `base_facts`: the facts already recorded for the candidate (and campaign-wide ones);
    `claimed`: fact key -> value from the claims (win over the recorded ones); `others`: the
    other candidates of the pool (pool id -> their recorded facts), needed only by rules that
    look at the whole pool (ranks, relative to the best): they are evaluated against the
    others' current verified facts, so the figure is what the claim would score today."""
    facts = {**base_facts, **claimed}
    pool: dict[str, Mapping[str, Any]] = {**(others or {}), SELF: facts}
    result = evaluate(rubric, pool).candidates[SELF]
    return {
        node_id: Preview(node.points, node.explanation)
        for node_id, node in result.nodes.items()
        if node.kind == "item"
    }
