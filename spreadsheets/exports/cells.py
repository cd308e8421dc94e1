"""Cells, styles and print setup shared by every export (streamed, openpyxl write-only).

Write-only worksheets take everything the printed forms need — merged ranges, frozen panes,
column widths, A4 page setup, repeated title rows, footers — as long as the sheet-level
settings (widths, panes, fit-to-page) are made before the first row is appended: they are
written at the top of the sheet's XML. Merges and page setup are written when it closes.

Speed: a styled `WriteOnlyCell` costs a style lookup when it is made. Body rows reuse one
styled cell per column (`Column.put`): the writer serialises each appended row at once, so the
same cell object can carry the next row's value. Every reused cell has a style, which makes
openpyxl hand it back instead of writing the next value into it (`_values_to_row`).

Formula injection: `user_text` is the one way user-entered text reaches a cell. Text that a
spreadsheet would run as a formula (leading `=`, `+`, `-`, `@`, tab or CR) is stored as a
string cell with Excel's quote prefix: the value is unchanged, and it stays text even when
someone edits the cell later.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
POINTS_FORMAT = "0.00"
# A tied rank stays a number (it sorts and sums) and shows as “并列 3”.
TIED_RANK_FORMAT = '"并列 "0'
RANK_FORMAT = "0"
PAPER_A4 = 9
FOOTER = "第 &P 页 / 共 &N 页"
MAX_SHEET_TITLE = 31
_BAD_TITLE_CHARS = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))

_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
TITLE_FONT = Font(name="宋体", size=16, bold=True)
SUBTITLE_FONT = Font(name="宋体", size=11)
HEADER_FONT = Font(name="黑体", size=10, bold=True)
BODY_FONT = Font(name="宋体", size=10)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=False)
WRAP = Alignment(horizontal="left", vertical="top", wrap_text=True)


def needs_quoting(value: str) -> bool:
    return value.startswith(FORMULA_TRIGGERS)


def user_text(ws: WriteOnlyWorksheet, value: Any) -> Any:
    """A cell value for user-entered text: the text itself, or a string cell with the quote
    prefix when a spreadsheet would take it for a formula. None stays empty."""
    if value is None:
        return None
    text = str(value)
    if not needs_quoting(text):
        return text
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def styled(ws: WriteOnlyWorksheet, value: Any, **style: Any) -> WriteOnlyCell:
    """A cell with a style (font=, fill=, alignment=, border=, number_format=). Text values go
    through the formula check as well: titles carry campaign names typed by people."""
    cell = WriteOnlyCell(ws, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    if isinstance(value, str) and needs_quoting(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def sheet_title(text: str, taken: set[str]) -> str:
    """A worksheet name Excel accepts (≤ 31 characters, none of []:*?/\\), unique in `taken`."""
    base = (text.translate(_BAD_TITLE_CHARS).strip() or "Sheet")[:MAX_SHEET_TITLE]
    title, n = base, 2
    while title in taken:
        suffix = f"({n})"
        title = base[: MAX_SHEET_TITLE - len(suffix)] + suffix
        n += 1
    taken.add(title)
    return title


@dataclass(frozen=True, slots=True)
class Layout:
    """Column widths (in characters) and how the sheet prints."""

    widths: Sequence[float]
    header_rows: int  # rows from the top that repeat on every printed page
    freeze: str | None = None  # top-left cell of the scrolling area, e.g. "C5"
    landscape: bool = True


def set_up_sheet(ws: WriteOnlyWorksheet, layout: Layout) -> None:
    """Widths, frozen panes and print setup. Call before the first row is appended."""
    for index, width in enumerate(layout.widths, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    if layout.freeze:
        ws.freeze_panes = layout.freeze
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.orientation = "landscape" if layout.landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.3
    if layout.header_rows:
        ws.print_title_rows = f"1:{layout.header_rows}"
    ws.oddFooter.center.text = FOOTER
    ws.oddFooter.center.size = 9


def merge(
    ws: WriteOnlyWorksheet, first_row: int, first_col: int, last_row: int, last_col: int
) -> None:
    if (first_row, first_col) != (last_row, last_col):
        ws.merged_cells.add(
            f"{get_column_letter(first_col)}{first_row}:{get_column_letter(last_col)}{last_row}"
        )


def title_rows(ws: WriteOnlyWorksheet, *, title: str, subtitle: str, width: int) -> int:
    """The heading above a table: the title and a line with the document number, each merged
    across the table's width. Returns the number of rows written (2)."""
    ws.row_dimensions[1].height = 28  # before the row: write-only sheets write it at once
    ws.append([styled(ws, title, font=TITLE_FONT, alignment=CENTER)])
    ws.append([styled(ws, subtitle, font=SUBTITLE_FONT, alignment=CENTER)])
    merge(ws, 1, 1, 1, width)
    merge(ws, 2, 1, 2, width)
    return 2


def header_cell(ws: WriteOnlyWorksheet, value: Any) -> WriteOnlyCell:
    return styled(ws, value, font=HEADER_FONT, fill=HEADER_FILL, alignment=CENTER, border=BORDER)


def header_row(ws: WriteOnlyWorksheet, values: Iterable[Any]) -> list[WriteOnlyCell]:
    """A header row; None marks a cell covered by a merge (bordered and filled, empty)."""
    return [header_cell(ws, value) for value in values]


class Column:
    """One reusable styled cell per body column (see the module docstring)."""

    __slots__ = ("_cell", "_quoted", "text")

    def __init__(
        self,
        ws: WriteOnlyWorksheet,
        *,
        number_format: str | None = None,
        alignment: Alignment = LEFT,
        text: bool = False,
    ) -> None:
        self.text = text
        self._cell = self._make(ws, number_format, alignment, quoted=False)
        self._quoted = self._make(ws, number_format, alignment, quoted=True) if text else None

    @staticmethod
    def _make(
        ws: WriteOnlyWorksheet, number_format: str | None, alignment: Alignment, *, quoted: bool
    ) -> WriteOnlyCell:
        cell = WriteOnlyCell(ws)
        cell.font = BODY_FONT
        cell.border = BORDER
        cell.alignment = alignment
        if number_format:
            cell.number_format = number_format
        if quoted:
            cell.quotePrefix = True
        return cell

    def put(self, value: Any) -> WriteOnlyCell:
        if self.text and value is not None:
            value = str(value)
            if needs_quoting(value):
                cell = self._quoted
                cell.value = value
                cell.data_type = "s"
                return cell
        cell = self._cell
        cell.value = value
        return cell


def points(value: Any) -> float | None:
    """Points as stored (a decimal string or Decimal) to a float for the cell; six places
    at most, so the binary float shows the same under the 0.00 format."""
    if value is None or value == "":
        return None
    return float(value)
