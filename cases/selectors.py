"""Read paths of the case-file review that other apps show (scoring's score sheet).

``score_sheet_files`` lists a candidate's sampled or submitted files with the file score, the
points it is worth under the candidate's rubric and, for a file that scores 0, why — plus one
line per missing slot (0, with the reason). The rubric engine does the official conversion
from the recorded fact; the per-file points here follow the same rule's parameters (scale,
per-file cap, grave field, mean over the expected count) so a reader can see where the item's
points come from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from cases.enums import CaseType, DrawMethod, SlotKind
from cases.models import Draw

if TYPE_CHECKING:
    from scoring.models import Candidate

# The record facts the shipped rubrics declare for file scores (s000-*: sampled_case_files;
# s002-individual: sampled_case_files with grave_defect; s003-collective: case_files).
CASE_FACT_KEYS = ("sampled_case_files", "case_files")


@dataclass(frozen=True, slots=True)
class FileLine:
    case_number: str
    case_type: str
    slot: str
    score: Decimal | None  # the file's final score (100 scale); None while under review
    points: Decimal | None  # what it is worth in the rubric item; None while under review
    state: str  # "scored", "zero", "review", "arbitration", "missing"
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SheetFiles:
    item_title: str
    item_max: Decimal | None
    how: str
    lines: list[FileLine]
    submits_by_type: bool = False  # seed 003: the unit submits its files (link to the form)


def _case_rule(rubric: Any) -> tuple[Any, Any] | None:
    """(item, aggregate rule) of the rubric item that reads the case-file records, if any."""
    for _path, node in rubric.walk():
        rule = getattr(node, "rule", None)
        if getattr(rule, "type", None) == "aggregate" and rule.fact in CASE_FACT_KEYS:
            return node, rule
    return None


def _points(rule: Any, score: Decimal) -> Decimal:
    points = rule.scale.apply(score) if rule.scale is not None else score
    if rule.per_record_max is not None:
        points = min(points, rule.per_record_max)
    if rule.how == "mean_missing_zero" and rule.expected:
        points = points / rule.expected
    return points.quantize(Decimal("0.01"))


# Seed rules a record field stands for (cases.services.case_records fills them).
_GRAVE_FIELD_REASONS = {
    "decision_only_or_unpublished": (
        "系统中仅录入处罚决定书或处罚情况未在门户网站公开，该案卷按 0 分计"
    ),
    "grave_defect": "存在种子 002 所列 5 种严重情形之一，该案卷按 0 分计",
}


_FIELDS = (
    "pk",
    "slot",
    "count",
    "method",
    "sampled__pk",
    "sampled__final_score",
    "sampled__flagged",
    "sampled__zeroed",
    "sampled__seed002_defect",
    "sampled__explanation",
    "sampled__arbitrated_score",
    "sampled__arbitration_reason",
    "sampled__case_file__case_number",
    "sampled__case_file__case_type",
    "sampled__case_file__decision_only",
    "sampled__case_file__decision_published",
)


def score_sheet_files(candidate: Candidate, rubric: Any) -> SheetFiles | None:
    """The candidate's case files for the score sheet; None when the rubric reads no file
    scores (no query then). One query otherwise, whatever the number of files: the in-force
    draws LEFT JOINed to their files (a draw without files still gives its row)."""
    found = _case_rule(rubric)
    if found is None:
        return None
    item, rule = found
    rows = list(
        Draw.objects.filter(candidate=candidate, replaced_by__isnull=True)
        .order_by("pk", "sampled__position")
        .values(*_FIELDS)
    )
    lines: list[FileLine] = []
    got: dict[int, int] = {}
    draws: dict[int, dict[str, Any]] = {}
    for row in rows:
        draws.setdefault(row["pk"], row)
        got.setdefault(row["pk"], 0)
        if row["sampled__pk"] is None:
            continue
        got[row["pk"]] += 1
        lines.append(_file_line(row, rule))
    for draw_id, row in draws.items():
        shortfall = max(0, row["count"] - got[draw_id])
        reason = (
            "未提供该类型案卷，按 0 分计"
            if row["method"] == DrawMethod.SUBMITTED
            else "系统中无对应类型的可抽案卷，按 0 分计"
        )
        lines.extend(
            FileLine("—", "—", _slot_label(row["slot"]), ZERO, ZERO, "missing", [reason])
            for _ in range(shortfall)
        )
    from cases.services import SUBMISSION_PLANS  # services imports this module

    return SheetFiles(
        item.title,
        getattr(item, "max", None),
        rule.how,
        lines,
        submits_by_type=candidate.campaign_rubric.rubric_key in SUBMISSION_PLANS,
    )


ZERO = Decimal("0.00")


def _slot_label(slot: str) -> str:
    return str(SlotKind(slot).label) if slot in SlotKind.values else slot


def _file_line(row: dict[str, Any], rule: Any) -> FileLine:
    number = row["sampled__case_file__case_number"]
    case_type = row["sampled__case_file__case_type"]
    type_label = str(CaseType(case_type).label) if case_type in CaseType.values else case_type
    slot = _slot_label(row["slot"])
    score = row["sampled__final_score"]
    if score is None:
        state = "arbitration" if row["sampled__flagged"] else "review"
        return FileLine(number, type_label, slot, None, None, state)
    reasons: list[str] = []
    rubric_zero = False
    grave_field = rule.grave_field
    if grave_field == "decision_only_or_unpublished" and (
        row["sampled__case_file__decision_only"]
        or not row["sampled__case_file__decision_published"]
    ):
        rubric_zero = True
    elif grave_field == "grave_defect" and row["sampled__seed002_defect"]:
        rubric_zero = True
        if rule.grave_penalty:
            reasons.append(f"按细则另扣 {rule.grave_penalty.normalize():f} 分")
    if rubric_zero:
        reasons.insert(0, _GRAVE_FIELD_REASONS[grave_field])
    if row["sampled__zeroed"] or score == 0:
        # The reviews' own reasons: the grave problems the reviewers stated (零分案卷); the
        # first explanation line is how the reviews were combined.
        reasons.extend(line for line in (row["sampled__explanation"] or [])[1:] if line)
    if row["sampled__arbitrated_score"] is not None:
        reasons.append(f"主审裁定：{row['sampled__arbitration_reason']}")
    points = ZERO if rubric_zero else _points(rule, score)
    state = "zero" if rubric_zero or score == 0 else "scored"
    return FileLine(number, type_label, slot, score, points, state, reasons)
