"""Which case files may be drawn for a candidate's slot. Pure: no database (only the app's enums).

The rules (issue 5 "Sampling rules"; seeds 000 and 002):

- type fits the slot: general penalty, one of the four supporting measures, any type, or one
  named type (seed 003's files submitted by type);
- decision date inside the campaign's evaluation window (inclusive);
- a collective draws from its own unit's files; an individual only from files on which they
  are the main handler on BOTH the inspection/interview record and the filing approval form
  (seed 002: "为笔录中的检查人及调查询问人，且为立案审批表的承办人之一");
- not sampled in an earlier draw (seed 002: "且未被抽查的案卷");
- not already serving another candidate (individual or collective) — seed 002:
  "候选个人不得与候选集体共用同一份案卷，不同候选个人不得共用同一份案卷".

``exclusion_reason`` names the first rule a file fails, so the oversight page and the tests can
show why a file is not in the pool.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from cases.enums import SUPPORTING_MEASURES, CaseType, SlotKind


@dataclass(frozen=True, slots=True)
class CaseFacts:
    id: int
    case_type: str
    unit_id: int
    decision_date: dt.date | None
    inspection_officer_ids: frozenset[int] = frozenset()
    approval_officer_ids: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class PoolRule:
    slot: str
    window_start: dt.date
    window_end: dt.date
    unit_id: int | None = None  # collective candidate
    officer_id: int | None = None  # individual candidate
    sampled_before: frozenset[int] = frozenset()  # files of earlier draws (any campaign)
    serving_others: frozenset[int] = frozenset()  # files drawn for other candidates


def fits_slot(case_type: str, slot: str) -> bool:
    if slot == SlotKind.GENERAL:
        return case_type == CaseType.GENERAL_PENALTY
    if slot == SlotKind.SUPPORTING:
        return case_type in SUPPORTING_MEASURES
    if slot == SlotKind.ANY:
        return True
    return case_type == slot  # a one-type slot (seed 003): its value is the CaseType value


def exclusion_reason(case: CaseFacts, rule: PoolRule) -> str | None:
    if not fits_slot(case.case_type, rule.slot):
        return "案卷类型不符合抽取类别"
    if case.decision_date is None or not (
        rule.window_start <= case.decision_date <= rule.window_end
    ):
        return "决定日期不在评审期内"
    if rule.officer_id is not None:
        if rule.officer_id not in case.inspection_officer_ids:
            return "候选人不是笔录中的检查人或调查询问人"
        if rule.officer_id not in case.approval_officer_ids:
            return "候选人不是立案审批表的承办人"
    elif rule.unit_id is not None and case.unit_id != rule.unit_id:
        return "不是候选集体本单位的案卷"
    if case.id in rule.serving_others:
        return "已为其他候选对象抽取（不得共用同一份案卷）"
    if case.id in rule.sampled_before:
        return "已在此前的抽取中被抽查"
    return None


def eligible_ids(cases: Iterable[CaseFacts], rule: PoolRule) -> list[int]:
    """The canonical (sorted) ids of the files the rule admits."""
    return sorted(c.id for c in cases if exclusion_reason(c, rule) is None)
