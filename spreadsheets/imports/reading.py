"""Reading an uploaded spreadsheet into header + rows, with a Chinese message for every way a
file can be unusable. Nothing here touches the database."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

from spreadsheets.imports.kinds import ImportKind

MAX_ROWS = 200_000  # data rows; far above any bureau's file, far below a padded 1,048,576
MAX_UNCOMPRESSED = 300 * 1024 * 1024  # a zip bomb's shared strings never get parsed
HEADER_SEARCH_ROWS = 10  # title rows (often merged) may sit above the header


class SpreadsheetError(Exception):
    """The file cannot be imported at all; the message is shown as is."""


@dataclass
class Sheet:
    header_row: int  # 1-based row number of the header in the sheet
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (sheet row number, values in header order)


def _clean_header(value: Any) -> str:
    return "" if value is None else str(value).strip().replace("\n", "").replace(" ", "")


def _find_header(raw_rows: list[tuple[int, list[Any]]], kind: ImportKind) -> int:
    first = kind.columns[0].header
    for index, (_number, values) in enumerate(raw_rows[:HEADER_SEARCH_ROWS]):
        if first in {_clean_header(v) for v in values}:
            return index
    for index, (_number, values) in enumerate(raw_rows[:HEADER_SEARCH_ROWS]):
        if any(_clean_header(v) for v in values):
            return index
    raise SpreadsheetError("工作表是空的：没有找到表头和数据。")


def _check_headers(headers: list[str], kind: ImportKind) -> None:
    present = set(headers)
    missing = [c.header for c in kind.columns if c.header not in present]
    if missing:
        raise SpreadsheetError(
            f"表头不符合“{kind.label}”模板：缺少列 {'、'.join(f'“{h}”' for h in missing)}。"
            f"模板的列为：{'、'.join(kind.headers)}。请下载模板核对后再导入。"
        )
    seen: set[str] = set()
    for header in headers:
        if header and header in seen:
            raise SpreadsheetError(f"表头中列“{header}”出现了两次。")
        seen.add(header)


def _to_sheet(raw_rows: list[tuple[int, list[Any]]], kind: ImportKind) -> Sheet:
    start = _find_header(raw_rows, kind)
    header_number, header_values = raw_rows[start]
    headers = [_clean_header(v) for v in header_values]
    _check_headers(headers, kind)
    positions = [headers.index(c.header) for c in kind.columns]
    rows = []
    for number, values in raw_rows[start + 1 :]:
        picked = [values[p] if p < len(values) else None for p in positions]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in picked):
            continue  # blank lines between blocks are not rows
        rows.append((number, picked))
    if not rows:
        raise SpreadsheetError("工作表只有表头，没有数据行。")
    if len(rows) > MAX_ROWS:
        raise SpreadsheetError(f"数据行超过上限 {MAX_ROWS} 行，请拆分文件后分批导入。")
    return Sheet(header_number, kind.headers, rows)


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise SpreadsheetError(
            "文件不是有效的 Excel 工作簿（.xlsx）：可能是旧版 .xls、设置了打开密码，或文件已损坏。"
            "请用 Excel 或 WPS 另存为 .xlsx（不设密码）后再导入。"
        ) from None
    if total > MAX_UNCOMPRESSED:
        raise SpreadsheetError("工作簿解压后体积异常（超过 300 MB），已拒绝导入。")


MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')


def _merged_problem(path: Path, sheet_xml: str, header_row: int) -> str | None:
    """A merged range reaching the header or the data (title rows above may be merged).

    Read from the sheet's XML with a regular expression rather than by loading the workbook
    a second time in full mode, which would cost more than the import itself."""
    try:
        with zipfile.ZipFile(path) as archive:
            data = archive.read(sheet_xml.lstrip("/"))
    except (KeyError, zipfile.BadZipFile):
        return None
    for match in MERGE_RE.finditer(data):
        ref = match.group(1).decode()
        _min_col, _min_row, _max_col, max_row = range_boundaries(ref)
        if max_row is not None and max_row >= header_row:
            return (
                f"表头或数据区域含有合并单元格（{ref}），导入无法判断其归属。"
                "请取消合并、每行每列各填一个值后再导入。"
            )
    return None


def _read_xlsx(path: Path, kind: ImportKind) -> Sheet:
    _check_zip(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError, zipfile.BadZipFile):
        raise SpreadsheetError("文件不是有效的 Excel 工作簿（.xlsx），无法读取。") from None
    try:
        if not workbook.worksheets:
            raise SpreadsheetError("工作簿中没有工作表。")
        worksheet = workbook.worksheets[0]
        sheet_xml = worksheet._worksheet_path
        worksheet.reset_dimensions()  # the stored dimension may lie; count what is there
        raw_rows: list[tuple[int, list[Any]]] = []
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS + HEADER_SEARCH_ROWS + 1:
                raise SpreadsheetError(f"数据行超过上限 {MAX_ROWS} 行，请拆分文件后分批导入。")
            if any(v is not None for v in values):
                raw_rows.append((number, list(values)))
    except SpreadsheetError:
        raise
    except Exception:  # any parser failure is a broken file to the user
        raise SpreadsheetError("工作簿内容无法解析（文件可能已损坏）。") from None
    finally:
        workbook.close()
    if not raw_rows:
        raise SpreadsheetError("工作表是空的：没有找到表头和数据。")
    sheet = _to_sheet(raw_rows, kind)
    problem = _merged_problem(path, sheet_xml, sheet.header_row)
    if problem:
        raise SpreadsheetError(problem)
    return sheet


def _read_csv(path: Path, kind: ImportKind) -> Sheet:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SpreadsheetError("CSV 文件编码无法识别，请使用 UTF-8 或 GB18030（GBK）编码。")
    raw_rows = [
        (number, [v if v.strip() else None for v in values])
        for number, values in enumerate(csv.reader(io.StringIO(text)), start=1)
        if any(v.strip() for v in values)
    ]
    if not raw_rows:
        raise SpreadsheetError("CSV 文件是空的：没有找到表头和数据。")
    return _to_sheet(raw_rows, kind)


def read_sheet(path: str | Path, filename: str, kind: ImportKind) -> Sheet:
    """The first worksheet of an .xlsx (or a .csv) as header + data rows of `kind`'s columns."""
    path = Path(path)
    if path.stat().st_size == 0:
        raise SpreadsheetError("上传的文件是空的。")
    if filename.lower().endswith(".csv"):
        return _read_csv(path, kind)
    if not filename.lower().endswith((".xlsx", ".xlsm")):
        raise SpreadsheetError("只能导入 .xlsx 工作簿或 .csv 文件。")
    return _read_xlsx(path, kind)


DIMENSION_RE = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]+[0-9]+:[A-Z]+([0-9]+)"')


def estimate_rows(path: str | Path, filename: str) -> int:
    """About how many rows a file has, cheaply (to choose inline or background preview):
    the first sheet's stored dimension for .xlsx, the line count for .csv; 0 if unknown."""
    path = Path(path)
    try:
        if filename.lower().endswith(".csv"):
            with path.open("rb") as handle:
                return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
        with zipfile.ZipFile(path) as archive:
            names = sorted(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
            if not names:
                return 0
            with archive.open(names[0]) as sheet:
                head = sheet.read(4096)
    except (OSError, zipfile.BadZipFile):
        return 0
    match = DIMENSION_RE.search(head)
    return int(match.group(1)) if match else 0
