"""A candidate's score sheet (评分表): every indicator and item of its current snapshot with the
unit's claimed points beside the verified ones, the explanation and the rubric's source
sentence. Read from the snapshot (`scoring.selectors.score_sheet`), never recomputed.

Claimed points come from `submissions.Claim` (one per candidate and item) when that app's
model is installed; without it the column stays empty.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import IO

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from openpyxl import Workbook

from scoring.engine.display import fmt_num
from scoring.models import Candidate
from scoring.selectors import score_sheet
from spreadsheets.exports.cells import (
    CENTER,
    POINTS_FORMAT,
    WRAP,
    Column,
    Layout,
    header_row,
    merge,
    points,
    set_up_sheet,
    sheet_title,
    title_rows,
)
from spreadsheets.exports.errors import ExportError

HEADS = [
    "编号",
    "评价指标及评分项",
    "分值",
    "自评得分",
    "认定得分",
    "计分说明",
    "依据原文",
    "复核意见",
]
WIDTHS = [14, 36, 8, 10, 10, 40, 40, 24]


def _claims(candidate: Candidate) -> dict[str, tuple[Decimal | None, str]]:
    """item id -> (claimed points, review comment), or {} when claims do not exist (yet)."""
    try:
        claim_model = apps.get_model("submissions", "Claim")
        for name in ("candidate", "item_id", "claimed_points", "review_comment"):
            claim_model._meta.get_field(name)
    except (LookupError, FieldDoesNotExist):
        return {}
    rows = claim_model.objects.filter(candidate=candidate).values_list(
        "item_id", "claimed_points", "review_comment"
    )
    return {item_id: (claimed, comment) for item_id, claimed, comment in rows}


def _subject_line(candidate: Candidate) -> str:
    if candidate.officer_id:
        return f"参评个人：{candidate.officer.name}　所属单位：{candidate.home_unit.name}"
    return f"参评单位：{candidate.unit.name}"


def write_score_sheet(*, candidate: Candidate, target: str | Path | IO[bytes]) -> int:
    """Write the score sheet of `candidate` to `target`; returns the number of lines."""
    sheet = score_sheet(candidate=candidate, with_rank=True)
    snapshot = sheet.snapshot
    if snapshot is None:
        raise ExportError(f"“{candidate}”尚未计算得分，无法导出评分表。")
    campaign = sheet.pin.campaign
    claims = _claims(candidate)

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title("评分表", set()))
    set_up_sheet(ws, Layout(widths=WIDTHS, header_rows=4, freeze="C5", landscape=True))
    parts = [f"文号：{campaign.document_number}"] if campaign.document_number else []
    parts.append(_subject_line(candidate))
    parts.append(f"评分细则：{sheet.version.title}（版本 {sheet.version.short_hash}）")
    title_rows(ws, title=f"{campaign.title} 评分表", subtitle="　".join(parts), width=len(HEADS))
    summary = [f"总分：{fmt_num(snapshot.total)}", f"加分：{fmt_num(snapshot.bonus)}"]
    if snapshot.rank is not None:
        summary.append(f"名次：{'并列 ' if sheet.tied else ''}{snapshot.rank} / {sheet.pool_size}")
    reasons = [*snapshot.veto_reasons, *snapshot.ineligible_reasons]
    if reasons:
        summary.append("未排名：" + "；".join(reasons))
    ws.append([Column(ws, text=True).put("　".join(summary))])
    merge(ws, 3, 1, 3, len(HEADS))
    ws.append(header_row(ws, HEADS))

    code, title = Column(ws, text=True), Column(ws, text=True, alignment=WRAP)
    maximum = Column(ws, number_format=POINTS_FORMAT, alignment=CENTER)
    claimed, verified = (Column(ws, number_format=POINTS_FORMAT, alignment=CENTER) for _ in "ab")
    explanation, quote, comment = (Column(ws, text=True, alignment=WRAP) for _ in "abc")
    for line in sheet.lines:
        node = line.node
        claim = claims.get(node.id) if node.kind == "item" else None
        ws.append(
            [
                code.put(node.id),
                title.put("　" * node.depth + node.title + ("（加分项）" if node.bonus else "")),
                maximum.put(points(node.max)),
                claimed.put(points(claim[0]) if claim else None),
                verified.put(points(node.points)),
                explanation.put(node.explanation),
                quote.put(node.cite_quote or None),
                comment.put(claim[1] or None if claim else None),
            ]
        )
    wb.save(target)
    return len(sheet.lines)
