"""The recommendation list (推荐名单) of a campaign, in the shape sent upward: per pinned rubric,
the shortlisted candidates with rank, unit (and name), total, and an empty 主要事迹 column
that the office fills in before printing and stamping.

The list is the shortlist service's (`scoring.services.build_shortlist`): quotas, per-unit
limits and ties are decided there, exactly as on the shortlist page. Its warnings (a tie
let in over the quota, unscored candidates) are printed under the table.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from openpyxl import Workbook

from campaigns.models import Campaign
from scoring.enums import RubricSubject
from scoring.models import CampaignRubric
from scoring.services import build_shortlist
from spreadsheets.exports.cells import (
    CENTER,
    POINTS_FORMAT,
    RANK_FORMAT,
    TIED_RANK_FORMAT,
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

ACHIEVEMENTS_ROW_HEIGHT = 60  # room to write the main achievements by hand or by typing


def write_recommendation(*, campaign: Campaign, target: str | Path | IO[bytes]) -> int:
    """Write the recommendation list of `campaign` to `target`; returns how many are listed."""
    pins = list(
        CampaignRubric.objects.filter(campaign=campaign)
        .select_related("version")
        .order_by("rubric_key")
    )
    if not pins:
        raise ExportError("本活动尚未启用评分细则，没有推荐名单。")
    wb = Workbook(write_only=True)
    taken: set[str] = set()
    listed = 0
    for pin in pins:
        shortlist = build_shortlist(campaign_rubric=pin)
        selected = shortlist.selected
        ranks = [entry.rank for entry in selected]
        tied = {rank for rank in ranks if ranks.count(rank) > 1}
        individual = pin.version.subject == RubricSubject.INDIVIDUAL
        heads = ["序号", "名次", *(["单位", "姓名"] if individual else ["推荐单位"])]
        heads += ["总分", "主要事迹", "备注"]
        widths = [6, 8, *([22, 10] if individual else [28]), 9, 50, 16]
        ws = wb.create_sheet(sheet_title(f"{pin.version.title}推荐名单", taken))
        set_up_sheet(ws, Layout(widths=widths, header_rows=3, freeze="A4", landscape=False))
        subtitle = f"文号：{campaign.document_number}" if campaign.document_number else ""
        title_rows(
            ws,
            title=f"{campaign.title} {pin.version.title}推荐名单",
            subtitle=subtitle,
            width=len(heads),
        )
        ws.append(header_row(ws, heads))
        number, rank = (
            Column(ws, alignment=CENTER),
            Column(ws, number_format=RANK_FORMAT, alignment=CENTER),
        )
        tied_rank = Column(ws, number_format=TIED_RANK_FORMAT, alignment=CENTER)
        unit, name = Column(ws, text=True, alignment=WRAP), Column(ws, text=True, alignment=CENTER)
        total = Column(ws, number_format=POINTS_FORMAT, alignment=CENTER)
        achievements, note = (
            Column(ws, text=True, alignment=WRAP),
            Column(ws, text=True, alignment=WRAP),
        )
        for index, entry in enumerate(selected, 1):
            candidate = entry.candidate
            row_no = 3 + index
            ws.row_dimensions[row_no].height = ACHIEVEMENTS_ROW_HEIGHT
            if individual:
                who = [unit.put(candidate.officer.unit.name), name.put(candidate.officer.name)]
            else:
                who = [unit.put(candidate.unit.name)]
            ws.append(
                [
                    number.put(index),
                    (tied_rank if entry.rank in tied else rank).put(entry.rank),
                    *who,
                    total.put(points(entry.total)),
                    achievements.put(None),
                    note.put(entry.note or None),
                ]
            )
        row_no = 3 + len(selected)
        for warning in shortlist.warnings:
            row_no += 1
            ws.append([Column(ws, text=True, alignment=WRAP).put(f"说明：{warning}")])
            merge(ws, row_no, 1, row_no, len(heads))
        listed += len(selected)
    wb.save(target)
    return listed
