"""Ranking competition results. Pure: no Django, no database.

- An entry's total is the plain sum of its event scores, or — when every event has a weight —
  Σ score × weight ÷ 100 (e.g. 40% case review + 20% theory exam + 40% on-site test).
- Only entries with a result in every event are ranked; the others are listed as incomplete.
- Ties share a place and the next place is skipped (1, 1, 3: "并列第 1 名"), as provincial
  rankings do (DOMAIN.md: "Provincial rankings allow ties (并列第三)"). The software does not
  break a tie: the rank-based rubric items give tied entries the same points.
- The commentary's deduction (problems × deduction each; seed 000: 0.5) is shown beside the
  total but does not change the place: seed 000 ranks the competition ("根据成绩排名得 1—30 分")
  and deducts the commentary's problems as a separate item ("点评结果中发现 1 个问题的，扣 0.5 分"),
  which the rubric applies to the problem count published as a fact.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class EventSpec:
    id: int
    weight: Decimal | None


@dataclass(slots=True)
class Ranked:
    key: int
    total: Decimal | None  # None while results are missing
    problems: int
    deduction: Decimal
    rank: int | None = None
    tied: bool = False
    missing: list[int] = field(default_factory=list)  # event ids without a result

    @property
    def rank_label(self) -> str:
        if self.rank is None:
            return "成绩未录全"
        return f"并列第 {self.rank} 名" if self.tied else f"第 {self.rank} 名"


def weights_problem(events: Sequence[EventSpec]) -> str | None:
    """Why the weights cannot be used (Chinese), or None when they are consistent."""
    weights = [e.weight for e in events]
    if not events or all(w is None for w in weights):
        return None
    if any(w is None for w in weights):
        return "部分项目设置了权重、部分未设置：请为全部项目设置权重或全部留空。"
    total = sum(weights, Decimal(0))
    if total != Decimal(100):
        return f"各项目权重合计为 {total.normalize():f}%，须为 100%。"
    return None


def total_of(events: Sequence[EventSpec], scores: Mapping[int, Decimal]) -> Decimal:
    weighted = bool(events) and all(e.weight is not None for e in events)
    if weighted:
        value = sum((scores[e.id] * e.weight / 100 for e in events), Decimal(0))  # type: ignore[operator]
    else:
        value = sum((scores[e.id] for e in events), Decimal(0))
    return value.quantize(CENT)


def rank_entries(
    events: Sequence[EventSpec],
    scores: Mapping[int, Mapping[int, Decimal]],
    problems: Mapping[int, int],
    deduction_each: Decimal,
) -> list[Ranked]:
    """`scores[key][event_id]` → ranked entries, best first, incomplete ones last."""
    entries: list[Ranked] = []
    for key, by_event in scores.items():
        count = problems.get(key, 0)
        missing = [e.id for e in events if e.id not in by_event]
        total = None if missing or not events else total_of(events, by_event)
        entries.append(Ranked(key, total, count, deduction_each * count, missing=missing))
    complete = sorted(
        (e for e in entries if e.total is not None),
        key=lambda e: (-e.total, e.key),  # type: ignore[operator]
    )
    for index, entry in enumerate(complete):
        if index and entry.total == complete[index - 1].total:
            entry.rank = complete[index - 1].rank
            entry.tied = complete[index - 1].tied = True
        else:
            entry.rank = index + 1
    incomplete = sorted((e for e in entries if e.total is None), key=lambda e: e.key)
    return [*complete, *incomplete]


def average(values: Sequence[Decimal]) -> Decimal:
    return (sum(values, Decimal(0)) / len(values)).quantize(CENT)
