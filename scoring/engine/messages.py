"""Turning pydantic validation errors into Chinese problems with rubric paths."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from .errors import Problem

_TYPE_NAMES = {
    "int": "整数",
    "decimal": "数字",
    "float": "数字",
    "string": "字符串",
    "bool": "布尔值（true/false）",
    "dict": "映射（键: 值）",
    "model": "映射（键: 值）",
    "model_attributes": "映射（键: 值）",
    "list": "列表",
    "tuple": "列表",
    "date": "日期",
}

_RANGE = {
    "greater_than_equal": ("≥", "ge"),
    "greater_than": (">", "gt"),
    "less_than_equal": ("≤", "le"),
    "less_than": ("<", "lt"),
}

# Which dict keys carry a discriminated-union tag; pydantic puts the tag value into the error
# location right after the union's own position, and people do not write it in their files.
_TAG_KEYS = ("type", "mode")


def problems_from_validation(
    error: ValidationError, data: Any, file: str, rule_tags: Iterable[str]
) -> list[Problem]:
    """One Problem per pydantic error, located in the file's own terms."""
    tags = frozenset(rule_tags)
    problems: list[Problem] = []
    for detail in error.errors(include_url=False):
        loc = _strip_tags(detail["loc"], data, tags)
        subpath = (detail.get("ctx") or {}).get("subpath")
        if subpath:
            loc = (*loc, *subpath)
        problem = Problem(file, format_path(loc), _message(detail))
        if problem not in problems:
            problems.append(problem)
    return problems


def format_path(loc: Iterable[str | int]) -> str:
    """``("indicators", 1, "items", 2, "max")`` -> ``indicators[1].items[2].max``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part != "[key]":
            text += f".{part}" if text else str(part)
    return text


def _strip_tags(loc: tuple[str | int, ...], data: Any, tags: frozenset[str]) -> tuple:
    out: list[str | int] = []
    node = data
    i = 0
    while i < len(loc):
        part = loc[i]
        out.append(part)
        node = _child(node, part)
        i += 1
        if isinstance(node, Mapping) and node.get("type") in tags:
            for key in _TAG_KEYS:
                if i < len(loc) and loc[i] == node.get(key):
                    i += 1
    return tuple(out)


def _child(node: Any, part: str | int) -> Any:
    if isinstance(node, Mapping):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _message(detail: ErrorDetails) -> str:
    kind = detail["type"]
    ctx: dict[str, Any] = dict(detail.get("ctx") or {})
    value = detail.get("input")
    key_prefix = "键" if detail["loc"] and detail["loc"][-1] == "[key]" else ""
    text = _translate(kind, ctx, value, detail["msg"])
    return f"{key_prefix}{text}"


def _translate(kind: str, ctx: dict[str, Any], value: Any, msg: str) -> str:
    base = kind.removesuffix("_type").removesuffix("_parsing")
    simple = {
        "missing": "缺少必填字段",
        "extra_forbidden": "不认识的字段（只允许 SCHEMA.md 中列出的字段；拼写错误？）",
        "finite_number": f"应为有限数值，实际为 {_show(value)}",
        "int_from_float": f"应为整数，实际为 {_show(value)}",
        "union_tag_not_found": f"缺少 {ctx.get('discriminator', '').strip(chr(39))} 字段",
    }
    if kind in simple:
        return simple[kind]
    if kind in _RANGE:
        symbol, key = _RANGE[kind]
        return f"数值超出范围：应 {symbol} {ctx.get(key)}，实际为 {_show(value)}"
    if (kind.endswith(("_type", "_parsing"))) and base in _TYPE_NAMES:
        return f"类型错误：应为{_TYPE_NAMES[base]}，实际为 {_show(value)}"
    if kind == "union_tag_invalid":
        what = "规则类型" if ctx.get("discriminator") == "'type'" else "取值"
        return f"未知的{what} {ctx.get('tag')!r}（可用：{ctx.get('expected_tags')}）"
    if kind == "literal_error":
        return f"取值无效：应为 {ctx.get('expected')} 之一，实际为 {_show(value)}"
    if kind == "string_pattern_mismatch":
        return f"格式不符：应匹配 {ctx.get('pattern')}，实际为 {_show(value)}"
    if kind == "too_short":
        return f"至少需要 {ctx.get('min_length')} 项"
    if kind == "value_error":
        return msg.removeprefix("Value error, ")
    return msg
