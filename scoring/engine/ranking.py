"""Competition ranking ("1, 1, 3") by total, then tie-breaker nodes; excluded ones left out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from .results import CandidateResult


def rank_results(
    results: Mapping[str, CandidateResult], tie_breakers: Sequence[str]
) -> tuple[list[str], list[str]]:
    """Set each result's rank; return (ranked ids best first, excluded ids)."""
    keys = {
        cid: (_key(result, tie_breakers), cid)
        for cid, result in results.items()
        if not result.excluded
    }
    ranked = sorted(keys, key=keys.__getitem__)
    previous: tuple[Decimal, ...] | None = None
    rank = 0
    for position, cid in enumerate(ranked, start=1):
        key = keys[cid][0]
        if key != previous:
            rank, previous = position, key
        results[cid].rank = rank
    excluded = sorted(cid for cid, result in results.items() if result.excluded)
    return ranked, excluded


def _key(result: CandidateResult, tie_breakers: Sequence[str]) -> tuple[Decimal, ...]:
    """Sorts best first: higher total, then higher points on each tie-breaker in order."""
    return (-result.total, *(-result.nodes[node].points for node in tie_breakers))
