"""Scoring one case file against a checklist version. Pure: no Django, no database.

The formula (docs/DOMAIN.md, "The national case-file review standard"):

    score = legality 50 + 50 × earned ÷ standard points of the applicable items − deductions

- any grave problem (零分案卷) → the file scores 0, and each marked problem needs a reason;
- an item is scored (0..its points), missing (0, counts in the denominator) or not applicable
  (left out of the denominator); with no applicable item at all the document part is 0;
- a type's bonus (detention/crime transfer +15) adds to `earned` when its condition holds but
  not to the denominator; the document part is capped at `document_points` (50);
- deductions come off the total, floored at 0; the total is rounded half-up to 0.01.

Every number is a Decimal; errors are ``ScoringError`` with a Chinese message naming the item.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

ZERO = Decimal(0)
CENT = Decimal("0.01")
CHECKLIST_DIR = Path(__file__).resolve().parent / "checklists"

STATE_SCORED = "scored"
STATE_MISSING = "missing"
STATE_NA = "na"
STATES = (STATE_SCORED, STATE_MISSING, STATE_NA)


class ScoringError(ValueError):
    """Bad checklist data or bad marks; the message is shown to the reviewer as it is."""


def _dec(value: Any, where: str) -> Decimal:
    if isinstance(value, bool):
        raise ScoringError(f"{where}：分值应为数字。")
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ScoringError(f"{where}：分值“{value}”不是数字。") from None
    if not number.is_finite():
        raise ScoringError(f"{where}：分值“{value}”不是数字。")
    return number


# --- checklist data -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GraveProblem:
    id: str
    title: str
    group: str
    seed002: int | None = None  # which of seed 002's five circumstances (①–⑤), if any
    only_for: tuple[str, ...] = ()  # case types it applies to; empty = all


@dataclass(frozen=True, slots=True)
class Deduction:
    id: str
    title: str
    group: str
    points: Decimal


@dataclass(frozen=True, slots=True)
class DocumentItem:
    id: str
    title: str
    points: Decimal


@dataclass(frozen=True, slots=True)
class ItemSet:
    standard: Decimal
    items: tuple[DocumentItem, ...]
    bonus_points: Decimal = ZERO
    bonus_condition: str = ""


@dataclass(frozen=True, slots=True)
class Checklist:
    key: str
    version: str
    title: str
    legality_points: Decimal
    document_points: Decimal
    grave_problems: tuple[GraveProblem, ...]
    deductions: tuple[Deduction, ...]
    item_sets: Mapping[str, ItemSet]
    review_as: Mapping[str, str]
    notes: tuple[str, ...] = ()

    def item_set_for(self, case_type: str) -> tuple[str, ItemSet]:
        """(reviewed-as type, item set) of a case type; ScoringError if the version lacks it."""
        reviewed_as = self.review_as.get(case_type, case_type)
        item_set = self.item_sets.get(reviewed_as)
        if item_set is None:
            raise ScoringError(f"评查表 {self.key}@{self.version} 没有“{case_type}”类型的文书项。")
        return reviewed_as, item_set

    def grave_for(self, case_type: str) -> tuple[GraveProblem, ...]:
        reviewed_as = self.review_as.get(case_type, case_type)
        return tuple(p for p in self.grave_problems if not p.only_for or reviewed_as in p.only_for)

    def grave_by_id(self) -> dict[str, GraveProblem]:
        return {p.id: p for p in self.grave_problems}


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_checklist_text(name: str = "national-2024") -> str:
    """The shipped data file's text (what a Checklist row stores and hashes)."""
    return (CHECKLIST_DIR / f"{name}.yaml").read_text(encoding="utf-8")


def parse_checklist(text: str) -> Checklist:
    """Validate checklist YAML into a Checklist; ScoringError names the first problem."""
    data = yaml.safe_load(text)
    if not isinstance(data, Mapping):
        raise ScoringError("评查表内容应为映射。")
    try:
        grave: list[GraveProblem] = []
        for group in data["grave_groups"]:
            for p in group["problems"]:
                grave.append(
                    GraveProblem(
                        id=str(p["id"]),
                        title=str(p["title"]),
                        group=str(group["title"]),
                        seed002=p.get("seed002"),
                        only_for=tuple(p.get("only_for", ())),
                    )
                )
        deductions = tuple(
            Deduction(
                id=str(d["id"]),
                title=str(d["title"]),
                group=str(d.get("group", "")),
                points=_dec(d["points"], f"扣分项 {d['id']}"),
            )
            for d in data["deductions"]
        )
        item_sets: dict[str, ItemSet] = {}
        for case_type, spec in data["document_items"].items():
            items = tuple(
                DocumentItem(
                    id=str(i["id"]),
                    title=str(i["title"]),
                    points=_dec(i["points"], f"{case_type}.{i['id']}"),
                )
                for i in spec["items"]
            )
            standard = _dec(spec["standard"], f"{case_type} 标准分")
            total = sum((i.points for i in items), ZERO)
            if total != standard:
                raise ScoringError(
                    f"评查表“{case_type}”各文书项分值合计 {total}，与标准分 {standard} 不符。"
                )
            ids = [i.id for i in items]
            if len(set(ids)) != len(ids):
                raise ScoringError(f"评查表“{case_type}”的文书项编号重复。")
            bonus = spec.get("bonus") or {}
            item_sets[str(case_type)] = ItemSet(
                standard=standard,
                items=items,
                bonus_points=_dec(bonus.get("points", 0), f"{case_type} 加分"),
                bonus_condition=str(bonus.get("condition", "")),
            )
        checklist = Checklist(
            key=str(data["key"]),
            version=str(data["version"]),
            title=str(data.get("title", "")),
            legality_points=_dec(data["legality_points"], "合法性分值"),
            document_points=_dec(data["document_points"], "文书分值"),
            grave_problems=tuple(grave),
            deductions=deductions,
            item_sets=item_sets,
            review_as=dict(data.get("review_as") or {}),
            notes=tuple(data.get("notes") or ()),
        )
    except (KeyError, TypeError) as exc:
        raise ScoringError(f"评查表结构不完整：缺少 {exc}。") from None
    gids = [p.id for p in checklist.grave_problems]
    if len(set(gids)) != len(gids):
        raise ScoringError("评查表的严重问题编号重复。")
    for target in checklist.review_as.values():
        if target not in checklist.item_sets:
            raise ScoringError(f"评查表 review_as 指向不存在的类型“{target}”。")
    return checklist


# --- marks and the score ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ItemMark:
    state: str
    points: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Marks:
    """What a reviewer entered. Keys are checklist ids; `grave` maps a problem to its reason;
    `deductions` maps a deduction id to how many times it was found."""

    items: Mapping[str, ItemMark] = field(default_factory=dict)
    grave: Mapping[str, str] = field(default_factory=dict)
    deductions: Mapping[str, int] = field(default_factory=dict)
    bonus_met: bool = False

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Marks:
        """From the JSON a FileReview stores: {"items": {id: {"state", "points"}}, ...}."""
        items = {}
        for item_id, mark in (data.get("items") or {}).items():
            points = mark.get("points")
            items[str(item_id)] = ItemMark(
                state=str(mark.get("state", "")),
                points=None if points in (None, "") else _dec(points, f"文书项 {item_id}"),
            )
        return cls(
            items=items,
            grave={str(k): str(v) for k, v in (data.get("grave") or {}).items()},
            deductions={str(k): int(v) for k, v in (data.get("deductions") or {}).items()},
            bonus_met=bool(data.get("bonus_met", False)),
        )


@dataclass(frozen=True, slots=True)
class FileScore:
    total: Decimal
    lines: tuple[str, ...]
    zeroed: bool = False
    grave_reasons: tuple[str, ...] = ()  # "G06 证据…：reason"
    seed002_defect: bool = False  # one of seed 002's five circumstances was marked


def check_item_mark(item: DocumentItem, mark: ItemMark) -> None:
    """One item's mark is valid (used when a reviewer saves a single item)."""
    if mark.state not in STATES:
        raise ScoringError(f"文书项“{item.title}”的状态无效，应为评分、缺失或不适用。")
    if mark.state == STATE_SCORED:
        if mark.points is None:
            raise ScoringError(f"文书项“{item.title}”选择了评分，但未填写分值。")
        if mark.points < 0 or mark.points > item.points:
            raise ScoringError(
                f"文书项“{item.title}”的分值 {mark.points} 超出范围（0 至 {item.points} 分）。"
            )
    elif mark.points not in (None, ZERO):
        raise ScoringError(f"文书项“{item.title}”为缺失或不适用时不能填写分值。")


def check_grave(checklist: Checklist, case_type: str, grave: Mapping[str, str]) -> None:
    known = {p.id: p for p in checklist.grave_for(case_type)}
    for problem_id, reason in grave.items():
        problem = known.get(problem_id)
        if problem is None:
            raise ScoringError(f"严重问题“{problem_id}”不适用于本类型案卷或不存在。")
        if not reason or not reason.strip():
            raise ScoringError(f"标记严重问题“{problem.title}”时必须写明理由。")


def score_file(checklist: Checklist, case_type: str, marks: Marks) -> FileScore:
    """The score of one file and the lines that explain it. Every item must be marked."""
    reviewed_as, item_set = checklist.item_set_for(case_type)
    check_grave(checklist, case_type, marks.grave)
    by_id = {i.id: i for i in item_set.items}
    unknown = sorted(set(marks.items) - set(by_id))
    if unknown:
        raise ScoringError(f"评查表中没有文书项 {', '.join(unknown)}。")
    deductions = {d.id: d for d in checklist.deductions}
    for ded_id, times in marks.deductions.items():
        if ded_id not in deductions:
            raise ScoringError(f"评查表中没有基本要素扣分项“{ded_id}”。")
        if times < 0:
            raise ScoringError(f"扣分项“{deductions[ded_id].title}”的次数不能为负数。")

    if marks.grave:
        problems = checklist.grave_by_id()
        reasons = tuple(
            f"{pid} {problems[pid].title}：{reason.strip()}" for pid, reason in marks.grave.items()
        )
        seed002 = any(problems[pid].seed002 for pid in marks.grave)
        return FileScore(
            total=ZERO,
            lines=("存在严重问题，按零分案卷计 0 分：", *reasons),
            zeroed=True,
            grave_reasons=reasons,
            seed002_defect=seed002,
        )

    unmarked = [i.title for i in item_set.items if i.id not in marks.items]
    if unmarked:
        raise ScoringError(f"以下文书项尚未评查：{'、'.join(unmarked)}。")

    lines: list[str] = []
    earned = applicable = ZERO
    for item in item_set.items:
        mark = marks.items[item.id]
        check_item_mark(item, mark)
        if mark.state == STATE_NA:
            lines.append(f"{item.title}：不适用（不计入分母）")
            continue
        applicable += item.points
        got = mark.points if mark.state == STATE_SCORED else ZERO
        earned += got  # type: ignore[operator]
        suffix = "（文书缺失）" if mark.state == STATE_MISSING else ""
        lines.append(f"{item.title}：{got}/{item.points}{suffix}")
    if marks.bonus_met and item_set.bonus_points:
        earned += item_set.bonus_points
        lines.append(f"加分：{item_set.bonus_condition} +{item_set.bonus_points}（不计入分母）")
    if applicable:
        document = checklist.document_points * earned / applicable
    else:
        document = ZERO
        lines.append("没有适用的文书项，文书部分记 0 分")
    capped = min(document, checklist.document_points)
    if applicable:
        text = (
            f"文书部分 = {checklist.document_points} × {earned} ÷ {applicable} = "
            f"{document.quantize(CENT, ROUND_HALF_UP)}"
        )
        if capped != document:
            text += f"，封顶 {checklist.document_points}"
        lines.append(text)
    deducted = ZERO
    for ded_id, times in sorted(marks.deductions.items()):
        if times:
            d = deductions[ded_id]
            deducted += d.points * times
            lines.append(f"扣分：{d.title} × {times} = −{d.points * times}")
    raw = checklist.legality_points + capped - deducted
    total = max(raw, ZERO).quantize(CENT, ROUND_HALF_UP)
    type_note = f"（按{reviewed_as}评查）" if reviewed_as != case_type else ""
    lines.append(
        f"合计{type_note} = 合法性 {checklist.legality_points} + 文书 "
        f"{capped.quantize(CENT, ROUND_HALF_UP)} − 扣分 {deducted} = {total}"
        + ("（扣完为止）" if raw < 0 else "")
    )
    return FileScore(total=total, lines=tuple(lines))


# --- several reviewers --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Combined:
    score: Decimal
    spread: Decimal
    flagged: bool
    line: str


def combine(
    scores: list[Decimal], *, how: str = "mean", threshold: Decimal | None = None
) -> Combined:
    """Combine reviewers' scores (mean by default, or median); a spread (max − min) above
    `threshold` flags the file for a lead reviewer's arbitration."""
    if not scores:
        raise ScoringError("没有已提交的评查结果。")
    ordered = sorted(scores)
    n = len(ordered)
    if how == "median":
        mid = n // 2
        value = ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2
        label = "中位数"
    elif how == "mean":
        value = sum(ordered, ZERO) / n
        label = "平均值"
    else:
        raise ScoringError(f"未知的合成方式“{how}”。")
    value = value.quantize(CENT, ROUND_HALF_UP)
    spread = ordered[-1] - ordered[0]
    flagged = threshold is not None and spread > threshold
    line = f"{n} 名评查人员得分 {', '.join(str(s) for s in scores)}，{label} {value}"
    if flagged:
        line += f"；分差 {spread} 超过 {threshold}，提交主审裁定"
    return Combined(score=value, spread=spread, flagged=flagged, line=line)


def to_rubric_points(
    score: Decimal, *, per_file: Decimal, scale: Decimal = Decimal(100)
) -> Decimal:
    """A 100-point file score as rubric points (seed 000: 4 or 10 per file) — for display; the
    rubric engine does the official conversion from the recorded fact."""
    return score * per_file / scale
