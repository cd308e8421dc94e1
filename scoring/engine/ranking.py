"""Competition ranking ("1, 1, 3") by total, then tie-breaker nodes; excluded ones left out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from .results import CandidateResult


def rank_results(
    results: Mapping[str, CandidateResult], tie_breakers: Sequence[str]
) -> tuple[list[str], list[str]]:
    """Set each result's rank; return (ranked ids best first, excluded ids)."""
    ranked = sorted(
        (result for result in results.values() if not result.excluded),
        key=lambda result: (_key(result, tie_breakers), result.candidate),
    )
    previous: tuple[Decimal, ...] | None = None
    rank = 0
    for position, result in enumerate(ranked, start=1):
        key = _key(result, tie_breakers)
        if key != previous:
            rank, previous = position, key
        result.rank = rank
    excluded = sorted(cid for cid, result in results.items() if result.excluded)
    return [result.candidate for result in ranked], excluded


def _key(result: CandidateResult, tie_breakers: Sequence[str]) -> tuple[Decimal, ...]:
    """Sorts best first: higher total, then higher points on each tie-breaker in order."""
    return (-result.total, *(-result.nodes[node].points for node in tie_breakers))
