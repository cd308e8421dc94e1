"""The validated rubric: nodes, items, facts, conditions. Built by parse.parse_rubric."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from .decimals import ZERO, NonNegative, Num
from .display import fmt_num
from .expressions import Expr
from .facts import FactSpec, Name
from .rules import AnyRule
from .rules.base import NumericFact, engine_error

NodeId = Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cite(_Model):
    """Where a rule comes from: a seed file and a verbatim quote from it."""

    seed: str = Field(min_length=1)
    quote: str = Field(min_length=1)


class ZeroIf(_Model):
    """A condition that zeroes a node or item (catalogue 16)."""

    when: Expr
    reason: str
    cite: Cite | None = None


class Veto(_Model):
    """A condition that removes a candidate from the ranking (catalogue 19)."""

    when: Expr
    reason: str
    cite: Cite | None = None


class Eligibility(_Model):
    """A requirement; a candidate failing it is ineligible (catalogue 20)."""

    require: Expr
    reason: str
    cite: Cite | None = None


class Precedence(_Model):
    """When `fact` is present, it replaces the item's rule (catalogue 21)."""

    fact: NumericFact
    note: str


class Item(_Model):
    """A scoring item: one rule, its stated maximum and where it comes from."""

    id: NodeId
    title: str
    max: NonNegative | None = None
    bonus: bool = False
    zero_if: list[ZeroIf] = []
    precedence: Precedence | None = None
    description: str | None = None
    data_source: str | None = None
    notes: list[str] = []
    conflict: str | None = None
    cite: Cite
    rule: AnyRule


class Node(_Model):
    """An indicator or sub-indicator: a capped, floored sum of children and items."""

    id: NodeId
    title: str
    max: NonNegative | None = None
    floor: Num = ZERO
    bonus: bool = False
    zero_if: list[ZeroIf] = []
    description: str | None = None
    data_source: str | None = None
    notes: list[str] = []
    cite: Cite | None = None
    children: list[Node] = []
    items: list[Item] = []

    @model_validator(mode="after")
    def _shape(self) -> Node:
        if not self.children and not self.items:
            raise engine_error("节点必须至少包含 children 或 items 之一")
        if self.max is not None and self.floor > self.max:
            raise engine_error(f"floor {fmt_num(self.floor)} 大于 max {fmt_num(self.max)}", "floor")
        return self


class Derived(_Model):
    """A computed fact: an expression, or a rule's points (e.g. weighted_count)."""

    expr: Expr | None = None
    rule: AnyRule | None = None
    label: str
    type: Literal["number", "bool"] = "number"

    @model_validator(mode="after")
    def _one_source(self) -> Derived:
        if (self.expr is None) == (self.rule is None):
            raise engine_error("expr 和 rule 必须且只能给出一个")
        return self


class Rubric(_Model):
    """A whole rubric file. Use parse_rubric / load_rubric to build one."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9-]+$")]
    title: str
    subject: Literal["individual", "collective"]
    source: str
    max: NonNegative
    bonus_cap: NonNegative | None = None
    notes: list[str] = []
    params: dict[Name, Num] = {}
    facts: dict[Name, FactSpec]
    derived: dict[Name, Derived] = {}
    vetoes: list[Veto] = []
    eligibility: list[Eligibility] = []
    tie_breakers: list[str] = []
    indicators: list[Node] = []

    _raw: dict[str, Any] = PrivateAttr(default_factory=dict)
    _file: str = PrivateAttr(default="<memory>")
    _plan: Any = PrivateAttr(default=None)

    @property
    def file(self) -> str:
        """The file (or source label) the rubric was loaded from."""
        return self._file

    def with_params(self, params: Mapping[str, Any]) -> Rubric:
        """A new rubric with some params changed (what-if); unknown names raise RubricError."""
        from .parse import rubric_with_params  # parse builds rubrics, so it imports this module

        return rubric_with_params(self, params)

    def walk(self) -> Iterator[tuple[str, Node | Item]]:
        """Every node and item with its path (``indicators[0].items[1]``), depth first."""
        for i, node in enumerate(self.indicators):
            yield from _walk(node, f"indicators[{i}]")


def _walk(node: Node, path: str) -> Iterator[tuple[str, Node | Item]]:
    yield path, node
    for i, child in enumerate(node.children):
        yield from _walk(child, f"{path}.children[{i}]")
    for i, item in enumerate(node.items):
        yield f"{path}.items[{i}]", item
