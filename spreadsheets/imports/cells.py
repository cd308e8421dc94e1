"""Turning one cell into a typed value, or a Chinese message saying why it cannot be one."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from cases import services as cases_services
from spreadsheets.imports import kinds as k
from spreadsheets.imports.kinds import Column

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class CellError(ValueError):
    """A cell that cannot be used; str() is the Chinese message for the preview."""


@dataclass
class Lookups:
    """Natural keys → ids, loaded once per file (one query each)."""

    unit_ids: dict[str, int] = field(default_factory=dict)
    officer_ids: dict[str, int] = field(default_factory=dict)


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _text(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # a certificate number typed into a number cell
    return str(raw).strip()


def _decimal(raw: Any, *, percent: bool = False) -> Decimal:
    if isinstance(raw, bool):
        raise CellError(f"“{raw}”不是有效的数字")
    if isinstance(raw, int | Decimal):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))  # shortest repr: 0.95 stays 0.95
    if isinstance(raw, dt.date | dt.datetime | dt.time):
        raise CellError(f"“{raw}”是日期，不是数字")
    text = str(raw).strip().replace(",", "").replace("，", "")
    scale = Decimal(1)
    if percent and text.endswith(("%", "％")):
        text, scale = text[:-1].strip(), Decimal("0.01")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CellError(f"“{raw}”不是有效的数字") from None
    if not value.is_finite():
        raise CellError(f"“{raw}”不是有效的数字")
    return value * scale


def _whole(raw: Any, *, minimum: int) -> int:
    value = _decimal(raw)
    if value != value.to_integral_value():
        raise CellError(f"“{raw}”应为整数")
    if value < minimum:
        raise CellError(f"取值 {value} 超出范围：应不小于 {minimum}")
    return int(value)


def _check_range(column: Column, value: Decimal | int) -> None:
    low, high = column.min, column.max
    if (low is not None and value < low) or (high is not None and value > high):
        lo = "" if low is None else f"{low}"
        hi = "" if high is None else f"{high}"
        raise CellError(f"取值 {value} 超出范围（{lo}～{hi}）")


def _month(raw: Any) -> str:
    if isinstance(raw, dt.datetime | dt.date):
        # Excel turns a typed "2024-03" into the date 2024-03-01; take its month.
        return f"{raw.year:04d}-{raw.month:02d}"
    text = _text(raw)
    if not MONTH_RE.match(text):
        raise CellError(f"月份应为 YYYY-MM 格式（如 2024-03），实际为“{text}”")
    return text


DATE_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
EARLIEST = dt.date(1990, 1, 1)
LATEST = dt.date(2100, 12, 31)


def _date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        value = raw.date()
    elif isinstance(raw, dt.date):
        value = raw
    else:
        text = _text(raw)
        match = DATE_RE.match(text)
        try:
            if match is None:
                raise ValueError(text)
            value = dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            raise CellError(
                f"日期应为日期格式或 YYYY-MM-DD 文本（如 2024-03-15），实际为“{text}”"
            ) from None
    if not EARLIEST <= value <= LATEST:
        raise CellError(f"日期 {value.isoformat()} 超出范围（{EARLIEST}～{LATEST}）")
    return value


def split_certificates(raw: Any) -> list[str]:
    """Certificate numbers in one cell: separated as on the case form (、，, ; ；or spaces),
    or on lines of their own (a cell may wrap)."""
    return cases_services.split_certificates(_text(raw).replace("\n", ","))


def parse_cell(column: Column, raw: Any, lookups: Lookups) -> Any:
    """The typed value of `raw` for `column`; None for an empty optional cell."""
    if is_blank(raw):
        if column.required:
            raise CellError("必填项为空")
        return None
    kind = column.type
    if kind == k.TEXT:
        text = _text(raw)
        if column.max_length and len(text) > column.max_length:
            raise CellError(f"内容过长：最多 {column.max_length} 个字符")
        if (
            text[:1] in ("=", "+", "@")
            and len(text) > 1
            and not text[1:].replace(".", "").isdigit()
        ):
            raise CellError(f"“{text}”看起来是公式，请填写文本值")
        return text
    if kind == k.UNIT_CODE:
        code = _text(raw)
        if code not in lookups.unit_ids:
            raise CellError(f"未知的单位代码“{code}”")
        return lookups.unit_ids[code]
    if kind == k.CERTIFICATE:
        number = _text(raw)
        if number not in lookups.officer_ids:
            raise CellError(f"未找到执法证件号为“{number}”的执法人员")
        return lookups.officer_ids[number]
    if kind == k.MONTH:
        return _month(raw)
    if kind == k.DATE:
        return _date(raw)
    if kind == k.CERTIFICATES:
        numbers = split_certificates(raw)
        unknown = [n for n in numbers if n not in lookups.officer_ids]
        if unknown:
            listed = "、".join(f"“{n}”" for n in unknown)
            raise CellError(f"未登记的执法证件号{listed}")
        return tuple(dict.fromkeys(numbers))
    if kind == k.BOOL:
        word = _text(raw).lower()
        if isinstance(raw, bool):
            return raw
        if word not in k.BOOL_WORDS:
            raise CellError(f"“{raw}”应填“是”或“否”")
        return k.BOOL_WORDS[word]
    if kind == k.CHOICE:
        text = _text(raw)
        for value, label in column.choices:
            if text in (value, label):
                return value
        labels = "、".join(label for _v, label in column.choices)
        raise CellError(f"“{text}”不是可选值（{labels}）")
    if kind in (k.COUNT, k.WHOLE):
        value = _whole(raw, minimum=0)
    elif kind == k.RANK:
        value = _whole(raw, minimum=1)
    elif kind == k.RATIO:
        value = _decimal(raw, percent=True)
    elif kind == k.DECIMAL:
        value = _decimal(raw)
    else:  # pragma: no cover - a kinds.py typo
        raise AssertionError(kind)
    _check_range(column, value)
    return value
