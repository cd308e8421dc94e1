"""Consistency checks on a valid rubric: places where the source document contradicts itself.

These are warnings, not errors: rubrics encode the documents as written, and the check makes the
inconsistencies visible (seed 000 着装演练: stated 10 points, the rule reaches 4).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from .decimals import ZERO
from .display import fmt_num
from .model import Item, Node, Rubric

WarningKind = Literal["item_max", "node_sum", "rubric_sum", "conflict", "unbounded_bonus"]


@dataclass(frozen=True, slots=True)
class RubricWarning:
    """One inconsistency found in a rubric."""

    kind: WarningKind
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '（顶层）'}: {self.message}"


def check_rubric(rubric: Rubric) -> list[RubricWarning]:
    """Every inconsistency between stated maxima, reachable maxima and recorded conflicts."""
    warnings: list[RubricWarning] = []
    for path, node in rubric.walk():
        if isinstance(node, Item):
            warnings.extend(_item_warnings(path, node))
        else:
            warnings.extend(_node_warnings(path, node))
    warnings.extend(_bonus_warnings(rubric))
    total = _sum_of(rubric.indicators, [])
    if total is not None and total != rubric.max:
        warnings.append(
            RubricWarning(
                "rubric_sum",
                "max",
                f"各一级指标最高分合计 {fmt_num(total)} 分，"
                f"与细则总分 {fmt_num(rubric.max)} 分不一致",
            )
        )
    return warnings


def _item_warnings(path: str, item: Item) -> Iterator[RubricWarning]:
    reach = item.rule.max_points()
    if item.max is not None and reach is not None and reach != item.max:
        relation = "少于" if reach < item.max else "多于"
        yield RubricWarning(
            "item_max",
            path,
            f"{item.title}：规定最高 {fmt_num(item.max)} 分，但规则最多能得 {fmt_num(reach)} 分"
            f"（{relation}规定）",
        )
    if item.conflict:
        yield RubricWarning("conflict", path, f"{item.title}：原文自相矛盾：{item.conflict}")


def _node_warnings(path: str, node: Node) -> Iterator[RubricWarning]:
    if node.max is None:
        return
    total = _sum_of(node.children, node.items)
    if total is not None and total != node.max:
        yield RubricWarning(
            "node_sum",
            path,
            f"{node.title}：下级最高分合计 {fmt_num(total)} 分，"
            f"与本级最高 {fmt_num(node.max)} 分不一致",
        )


def _sum_of(children: list[Node], items: list[Item]) -> Decimal | None:
    """The sum of the non-bonus parts' maxima (None when one of them is unbounded)."""
    total = ZERO
    for part in [*children, *items]:
        if part.bonus:
            continue
        reach = _reach(part)
        if reach is None:
            return None
        total += reach
    return total


def _reach(part: Node | Item) -> Decimal | None:
    if part.max is not None:
        return part.max
    if isinstance(part, Item):
        return part.rule.max_points()
    return _sum_of(part.children, part.items)


def _bonus_warnings(rubric: Rubric) -> Iterator[RubricWarning]:
    if rubric.bonus_cap is not None:
        return
    for path, node in rubric.walk():
        if node.bonus and _reach(node) is None:
            yield RubricWarning(
                "unbounded_bonus",
                path,
                f"{node.title}：加分项没有上限，细则也没有 bonus_cap",
            )
