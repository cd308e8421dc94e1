"""The ranking workbook (排名表) of a campaign: one sheet per pinned rubric, then a sheet of the
vetoed and ineligible candidates with their reasons.

Read from the current snapshots (never recomputed) and streamed: each pinned rubric's
snapshots are read in chunks and written as they come, so memory stays flat whatever the
number of candidates. Per pinned rubric: one count, one tie query, the shortlist (the
recommended flag is `scoring.services.build_shortlist`'s selection, as on the shortlist
page) and the streamed read.

Layout of a rubric sheet (row numbers as in Excel):

    1  campaign title — rubric title 排名表                         (merged across)
    2  文号 · rubric version · last evaluation                      (merged across)
    3  单位 | 姓名 | indicator 1 (merged over its items) | … | 加分 | 总分 | 名次 | 否决… | 推荐
    4           | item | item | 小计                   | …
    5… one row per candidate: ranked ones in rank order, then the excluded ones

Columns that have no second header row are merged over rows 3–4. Rows 1–4 repeat on every
printed page; the panes freeze below row 4 and right of the name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db.models import Count, F
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from campaigns.models import Campaign
from scoring.engine.display import fmt_num
from scoring.engine.model import Item, Node
from scoring.enums import RubricSubject
from scoring.models import CampaignRubric, EvaluationRun, ScoreSnapshot
from scoring.services.rubrics import rubric_of
from scoring.services.shortlists import build_shortlist
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

Progress = Callable[[int, str], None]
CHUNK = 2_000
EXCLUDED_SHEET = "否决及不符合条件"


@dataclass(frozen=True, slots=True)
class ItemColumn:
    id: str
    title: str


@dataclass(frozen=True, slots=True)
class IndicatorGroup:
    """A level-1 indicator: its items (every item beneath it, nested ones included) and its
    subtotal column."""

    id: str
    title: str
    items: tuple[ItemColumn, ...]


def _items(node: Node) -> list[Item]:
    """Every item beneath `node`, in the rubric's walk order (sub-nodes first, as on the score
    sheet)."""
    found: list[Item] = []
    for child in node.children:
        found.extend(_items(child))
    found.extend(node.items)
    return found


def _with_max(title: str, maximum: Any) -> str:
    return f"{title}（{fmt_num(maximum)}分）" if maximum is not None else title


def indicator_groups(rubric: Any) -> list[IndicatorGroup]:
    """The header's tree: level-1 indicators in the rubric's order, bonus ones last (as on the
    ranking page), each with its items."""
    nodes = [n for n in rubric.indicators if not n.bonus] + [
        n for n in rubric.indicators if n.bonus
    ]
    return [
        IndicatorGroup(
            id=node.id,
            title=_with_max(node.title, node.max),
            items=tuple(
                ItemColumn(item.id, _with_max(item.title, item.max)) for item in _items(node)
            ),
        )
        for node in nodes
    ]


@dataclass(slots=True)
class ExcludedRow:
    rubric: str
    unit: str
    name: str
    total: float | None
    kind: str
    reasons: str


@dataclass(slots=True)
class RankingSummary:
    sheets: list[str] = field(default_factory=list)
    rows: int = 0
    excluded: int = 0


def _subtitle(campaign: Campaign, pin: CampaignRubric, last_run: EvaluationRun | None) -> str:
    parts = []
    if campaign.document_number:
        parts.append(f"文号：{campaign.document_number}")
    parts.append(f"评分细则：{pin.version.title}（版本 {pin.version.short_hash}）")
    if last_run is not None and last_run.finished_at is not None:
        stamp = timezone.localtime(last_run.finished_at).strftime("%Y-%m-%d %H:%M")
        parts.append(f"得分计算于 {stamp}")
    return "　".join(parts)


def _tied_ranks(pin: CampaignRubric) -> set[int]:
    return set(
        ScoreSnapshot.objects.filter(campaign_rubric=pin, is_current=True, rank__isnull=False)
        .order_by()
        .values("rank")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("rank", flat=True)
    )


ROW_FIELDS = (
    "candidate_id",
    "candidate__unit__name",
    "candidate__officer__name",
    "candidate__officer__unit__name",
    "total",
    "bonus",
    "rank",
    "vetoed",
    "ineligible",
    "veto_reasons",
    "ineligible_reasons",
    "breakdown",
)


def snapshot_rows(pin: CampaignRubric) -> Any:
    """The current snapshots of `pin` as tuples (ROW_FIELDS), ranked first in rank order, then
    the excluded by total; streamed from the database in chunks."""
    return (
        ScoreSnapshot.objects.filter(campaign_rubric=pin, is_current=True)
        .order_by(F("rank").asc(nulls_last=True), "-total", "candidate_id")
        .values_list(*ROW_FIELDS)
        .iterator(chunk_size=CHUNK)
    )


class _RubricSheet:
    """Writes one pinned rubric's sheet."""

    def __init__(self, ws: WriteOnlyWorksheet, pin: CampaignRubric, groups: list[IndicatorGroup]):
        self.ws = ws
        self.pin = pin
        self.groups = groups
        self.individual = rubric_of(pin.version).subject == RubricSubject.INDIVIDUAL
        self.lead = ["单位", "姓名"] if self.individual else ["参评单位"]
        # node ids in column order: each group's items, then its subtotal
        self.node_ids: list[str] = []
        for group in groups:
            self.node_ids.extend(item.id for item in group.items)
            self.node_ids.append(group.id)
        self.tail = ["加分", "总分", "名次", "否决或不符合条件理由", "是否推荐"]
        self.width = len(self.lead) + len(self.node_ids) + len(self.tail)

    def layout(self) -> Layout:
        widths = [24.0] + ([10.0] if self.individual else [])
        widths += [11.0] * len(self.node_ids)
        widths += [8.0, 9.0, 9.0, 30.0, 8.0]
        freeze = f"{get_column_letter(len(self.lead) + 1)}5"
        return Layout(widths=widths, header_rows=4, freeze=freeze, landscape=True)

    def write_header(self, campaign: Campaign, last_run: EvaluationRun | None) -> None:
        ws = self.ws
        set_up_sheet(ws, self.layout())
        title_rows(
            ws,
            title=f"{campaign.title} {self.pin.version.title}排名表",
            subtitle=_subtitle(campaign, self.pin, last_run),
            width=self.width,
        )
        top: list[Any] = [*self.lead]
        second: list[Any] = [None] * len(self.lead)
        col = len(self.lead) + 1
        for group in self.groups:
            span = len(group.items) + 1
            top.extend([group.title] + [None] * (span - 1))
            second.extend([item.title for item in group.items] + ["小计"])
            merge(ws, 3, col, 3, col + span - 1)
            col += span
        top.extend(self.tail)
        second.extend([None] * len(self.tail))
        ws.row_dimensions[4].height = 42
        ws.append(header_row(ws, top))
        ws.append(header_row(ws, second))
        for index in [*range(1, len(self.lead) + 1), *range(col, col + len(self.tail))]:
            merge(ws, 3, index, 4, index)

    def write_rows(
        self, rows: Any, *, tied: set[int], recommended: set[int], tick: Callable[[], None]
    ) -> list[ExcludedRow]:
        ws = self.ws
        text = Column(ws, text=True)
        name = Column(ws, text=True)
        number = Column(ws, number_format=POINTS_FORMAT, alignment=CENTER)
        node_cells = [
            Column(ws, number_format=POINTS_FORMAT, alignment=CENTER) for _ in self.node_ids
        ]
        bonus = Column(ws, number_format=POINTS_FORMAT, alignment=CENTER)
        rank = Column(ws, number_format=RANK_FORMAT, alignment=CENTER)
        tied_rank = Column(ws, number_format=TIED_RANK_FORMAT, alignment=CENTER)
        reasons_col = Column(ws, text=True, alignment=WRAP)
        flag = Column(ws, alignment=CENTER)
        node_ids = self.node_ids
        individual = self.individual
        excluded: list[ExcludedRow] = []
        for (
            candidate_id,
            unit_name,
            officer_name,
            officer_unit,
            total,
            bonus_points,
            rank_no,
            vetoed,
            ineligible,
            veto_reasons,
            ineligible_reasons,
            breakdown,
        ) in rows:
            unit = officer_unit if individual else unit_name
            reasons = "；".join([*veto_reasons, *ineligible_reasons])
            cells = [text.put(unit)]
            if individual:
                cells.append(name.put(officer_name))
            for node_id, column in zip(node_ids, node_cells, strict=True):
                entry = breakdown.get(node_id)
                cells.append(column.put(float(entry[0]) if entry is not None else None))
            cells.append(bonus.put(points(bonus_points)))
            cells.append(number.put(points(total)))
            if rank_no is None:
                cells.append(rank.put(None))
            else:
                cells.append((tied_rank if rank_no in tied else rank).put(rank_no))
            cells.append(reasons_col.put(reasons or None))
            cells.append(flag.put("是" if candidate_id in recommended else None))
            ws.append(cells)
            if vetoed or ineligible:
                kinds = [k for k, on in (("否决", vetoed), ("不符合参评条件", ineligible)) if on]
                excluded.append(
                    ExcludedRow(
                        rubric=self.pin.version.title,
                        unit=unit or "",
                        name=officer_name or "",
                        total=points(total),
                        kind="、".join(kinds),
                        reasons=reasons,
                    )
                )
            tick()
        return excluded


def _write_excluded(ws: WriteOnlyWorksheet, campaign: Campaign, rows: list[ExcludedRow]) -> None:
    heads = ["评分细则", "单位", "姓名", "总分", "情形", "理由"]
    set_up_sheet(ws, Layout(widths=[26, 24, 10, 9, 14, 50], header_rows=3, freeze="A4"))
    subtitle = f"文号：{campaign.document_number}" if campaign.document_number else ""
    title_rows(
        ws, title=f"{campaign.title} 否决及不符合参评条件名单", subtitle=subtitle, width=len(heads)
    )
    ws.append(header_row(ws, heads))
    rubric, unit, name = Column(ws, text=True), Column(ws, text=True), Column(ws, text=True)
    total = Column(ws, number_format=POINTS_FORMAT, alignment=CENTER)
    kind, reasons = Column(ws, text=True, alignment=CENTER), Column(ws, text=True, alignment=WRAP)
    for row in rows:
        ws.append(
            [
                rubric.put(row.rubric),
                unit.put(row.unit),
                name.put(row.name or None),
                total.put(row.total),
                kind.put(row.kind),
                reasons.put(row.reasons),
            ]
        )


def write_ranking(
    *, campaign: Campaign, target: str | Path | IO[bytes], progress: Progress | None = None
) -> RankingSummary:
    """Write the ranking workbook of `campaign` to `target` (a path or a binary file)."""
    pins = list(
        CampaignRubric.objects.filter(campaign=campaign)
        .select_related("version")
        .order_by("rubric_key")
    )
    counts = dict(
        ScoreSnapshot.objects.filter(campaign_rubric__in=pins, is_current=True)
        .order_by()
        .values("campaign_rubric_id")
        .annotate(n=Count("id"))
        .values_list("campaign_rubric_id", "n")
    )
    grand_total = sum(counts.values()) or 1
    summary = RankingSummary()
    done = 0
    step = max(grand_total // 50, 500)

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None and done % step == 0:
            progress(min(95, done * 95 // grand_total), f"已写入 {done} / {grand_total} 行")

    wb = Workbook(write_only=True)
    taken: set[str] = {EXCLUDED_SHEET}
    excluded: list[ExcludedRow] = []
    for pin in pins:
        rubric = rubric_of(pin.version)
        ws = wb.create_sheet(sheet_title(pin.version.title, taken))
        sheet = _RubricSheet(ws, pin, indicator_groups(rubric))
        last_run = (
            EvaluationRun.objects.filter(campaign_rubric=pin).order_by("-started_at", "-pk").first()
        )
        sheet.write_header(campaign, last_run)
        shortlist = build_shortlist(campaign_rubric=pin)
        recommended = {entry.candidate_id for entry in shortlist.selected}
        found = sheet.write_rows(
            snapshot_rows(pin), tied=_tied_ranks(pin), recommended=recommended, tick=tick
        )
        excluded.extend(found)
        summary.sheets.append(ws.title)
        summary.rows += counts.get(pin.pk, 0)
    _write_excluded(wb.create_sheet(EXCLUDED_SHEET), campaign, excluded)
    summary.sheets.append(EXCLUDED_SHEET)
    summary.excluded = len(excluded)
    if progress is not None:
        progress(97, "正在保存文件")
    wb.save(target)
    return summary
