"""What evaluate returns: slotted dataclasses, cheap to build by the million, comparable."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from .model import Cite


@dataclass(frozen=True, slots=True)
class NodeResult:
    """The points of one indicator or item for one candidate (shared between candidates whose
    inputs for it are equal, hence immutable)."""

    id: str
    title: str
    points: Decimal
    max: Decimal | None
    explanation: str
    kind: Literal["indicator", "item"]
    bonus: bool
    capped: bool
    zeroed: str | None
    cite: Cite | None


@dataclass(slots=True)
class CandidateResult:
    """One candidate's scores, exclusions and rank."""

    candidate: str
    total: Decimal
    base: Decimal
    bonus: Decimal
    nodes: dict[str, NodeResult]
    vetoes: list[str] = field(default_factory=list)
    ineligible: list[str] = field(default_factory=list)
    rank: int | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def excluded(self) -> bool:
        """Vetoed or ineligible: scored, but not ranked."""
        return bool(self.vetoes or self.ineligible)


@dataclass(slots=True)
class PoolResult:
    """Every candidate's result, the ranking (best first) and the excluded candidates."""

    candidates: dict[str, CandidateResult]
    ranking: list[str]
    excluded: list[str]
