"""Downloadable .xlsx templates: Chinese headers, data validation where Excel offers it, an
example row (on its own sheet, so that it is never imported by mistake) and a sheet of notes
saying which fact each column feeds."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from campaigns.models import OrgUnit
from spreadsheets.imports import kinds as k
from spreadsheets.imports.cells import EARLIEST, LATEST
from spreadsheets.imports.kinds import Column, ImportKind

DATA_SHEET = "导入数据"
EXAMPLE_SHEET = "填写示例"
NOTES_SHEET = "说明"
CODES_SHEET = "单位代码"
LAST_ROW = 100_001  # validations cover this many rows
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")

TYPE_NOTES = {
    k.TEXT: "文本",
    k.UNIT_CODE: "单位代码（从下拉列表选择）",
    k.CERTIFICATE: "执法证件号（须已登记）",
    k.MONTH: "月份，文本格式 YYYY-MM，如 2024-03",
    k.COUNT: "不小于 0 的整数",
    k.WHOLE: "不小于 0 的整数",
    k.RANK: "名次，不小于 1 的整数",
    k.DECIMAL: "数字，可带小数",
    k.RATIO: "比例，0～1 的小数或百分数（如 96%）",
    k.BOOL: "是 / 否",
    k.CHOICE: "从下拉列表选择",
    k.DATE: "日期，如 2024-03-15",
    k.CERTIFICATES: "执法证件号（须已登记），多人用“、”分隔",
}


def _bound(value: Decimal | None, default: str) -> str:
    return default if value is None else str(value)


def _validation(column: Column, codes_count: int) -> DataValidation | None:
    error_title = f"“{column.header}”填写有误"
    kind = column.type
    if kind == k.CHOICE:
        labels = ",".join(label for _v, label in column.choices)
        dv = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=not column.required)
        dv.error = f"请从下拉列表中选择：{labels.replace(',', '、')}"
    elif kind == k.BOOL:
        dv = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
        dv.error = "请填写“是”或“否”"
    elif kind == k.UNIT_CODE:
        last = max(codes_count + 1, 2)
        dv = DataValidation(
            type="list", formula1=f"'{CODES_SHEET}'!$A$2:$A${last}", allow_blank=not column.required
        )
        dv.error = "请从下拉列表中选择已登记的单位代码"
    elif kind in (k.COUNT, k.WHOLE, k.RANK):
        low = "1" if kind == k.RANK else _bound(column.min, "0")
        dv = DataValidation(
            type="whole",
            operator="between",
            formula1=low,
            formula2=_bound(column.max, "2147483647"),
            allow_blank=not column.required,
        )
        dv.error = f"请填写 {low}～{_bound(column.max, '')} 之间的整数"
    elif kind in (k.DECIMAL, k.RATIO):
        dv = DataValidation(
            type="decimal",
            operator="between",
            formula1=_bound(column.min, "-1E+307"),
            formula2=_bound(column.max, "1E+307"),
            allow_blank=not column.required,
        )
        dv.error = f"请填写 {_bound(column.min, '')}～{_bound(column.max, '')} 之间的数字"
    elif kind == k.DATE:
        dv = DataValidation(
            type="date",
            operator="between",
            formula1=str(int(to_excel(EARLIEST))),
            formula2=str(int(to_excel(LATEST))),
            allow_blank=not column.required,
        )
        dv.error = f"请填写 {EARLIEST}～{LATEST} 之间的日期，如 2024-03-15"
    elif kind == k.MONTH:
        dv = DataValidation(type="textLength", operator="equal", formula1="7", allow_blank=False)
        dv.error = "月份请按文本填写为 YYYY-MM，如 2024-03"
    else:
        return None
    dv.errorTitle = error_title
    dv.showErrorMessage = True
    dv.prompt = TYPE_NOTES.get(kind, "")
    dv.promptTitle = column.header
    dv.showInputMessage = True
    return dv


def _header(sheet: Worksheet, spec: ImportKind) -> None:
    sheet.append(spec.headers)
    for index, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        cell.fill = HEADER_FILL
        sheet.column_dimensions[get_column_letter(index)].width = max(
            14, len(column.header) * 2 + 4
        )
        letter = get_column_letter(index)
        if column.type == k.DATE:
            sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
        elif column.type in (k.MONTH, k.CERTIFICATE, k.CERTIFICATES, k.UNIT_CODE, k.TEXT):
            # Text cells: Excel would turn 2024-03 into a date and 0012 into 12.
            sheet.column_dimensions[letter].number_format = "@"
        elif column.type == k.RATIO:
            sheet.column_dimensions[letter].number_format = "0.00%"
    sheet.freeze_panes = "A2"


def _example_value(column: Column) -> object:
    if column.type == k.RATIO and isinstance(column.example, str) and column.example.endswith("%"):
        return float(column.example[:-1]) / 100
    if column.type in (k.DECIMAL, k.RATIO) and isinstance(column.example, str):
        return float(column.example)
    if column.type == k.DATE and isinstance(column.example, str):
        return date.fromisoformat(column.example)
    return column.example


def build_template(spec: ImportKind) -> bytes:
    """The template of `spec` as .xlsx bytes."""
    workbook = Workbook()
    data = workbook.active
    data.title = DATA_SHEET
    _header(data, spec)
    codes = list(OrgUnit.objects.order_by("sort_order", "code").values_list("code", "name"))
    for index, column in enumerate(spec.columns, start=1):
        dv = _validation(column, len(codes))
        if dv is None:
            continue
        letter = get_column_letter(index)
        dv.add(f"{letter}2:{letter}{LAST_ROW}")
        data.add_data_validation(dv)

    example = workbook.create_sheet(EXAMPLE_SHEET)
    _header(example, spec)
    example.append([_example_value(c) for c in spec.columns])
    for index, column in enumerate(spec.columns, start=1):
        if column.type == k.DATE:
            example.cell(row=2, column=index).number_format = "yyyy-mm-dd"

    notes = workbook.create_sheet(NOTES_SHEET)
    notes.append(["列名", "必填", "填写要求", "写入的评分事实"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for column in spec.columns:
        fact = column.fact_key
        if fact and spec.monthly:
            fact = f'{fact}（按月合并：{{"YYYY-MM": 数值}}）'
        notes.append(
            ["" + column.header, "是" if column.required else "否", TYPE_NOTES[column.type], fact]
        )
    notes.append([])
    notes.append(
        [f"在“{DATA_SHEET}”工作表第 2 行起填写数据；“{EXAMPLE_SHEET}”仅供参考，不会被导入。"]
    )
    notes.append(["同一文件重复导入不会重复写入；空白的数值单元格表示本次不修改该项。"])
    if spec.description:
        notes.append([spec.description])
    for letter, width in zip("ABCD", (20, 8, 40, 50), strict=True):
        notes.column_dimensions[letter].width = width

    codes_sheet = workbook.create_sheet(CODES_SHEET)
    codes_sheet.append(["单位代码", "单位名称"])
    for code, name in codes:
        codes_sheet.append([code, name])
    codes_sheet.sheet_state = "hidden"

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_filename(spec: ImportKind) -> str:
    return f"{spec.label}导入模板.xlsx"
