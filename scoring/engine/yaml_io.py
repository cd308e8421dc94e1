"""Reading rubric YAML: exact decimals, duplicate keys refused, errors with line/column."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError

from .errors import Problem, RubricError


class _RubricLoader(yaml.SafeLoader):
    """SafeLoader that reads floats as Decimal and refuses duplicate keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # "<<: *anchor" may legitimately be overridden
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"重复的键 {key!r}",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal | float:
    text = str(loader.construct_scalar(node)).replace("_", "")
    if text.lower().lstrip("+-") in (".inf", ".nan"):
        return float(text.replace(".", "", 1))  # the rubric validation refuses these
    return Decimal(text)


_RubricLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def read_yaml(path: str | Path) -> Any:
    """Parse a YAML file; any failure becomes a RubricError naming the file (and line/column)."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RubricError([Problem(file, "", f"无法读取文件：{exc}")]) from None
    return parse_yaml(text, file)


def parse_yaml(text: str, file: str) -> Any:
    """Parse YAML text (see read_yaml)."""
    try:
        return yaml.load(text, Loader=_RubricLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else "位置未知"
        detail = exc.problem or exc.context or "格式错误"
        raise RubricError([Problem(file, "", f"YAML 语法错误（{where}）：{detail}")]) from None
    except yaml.YAMLError as exc:
        raise RubricError([Problem(file, "", f"YAML 语法错误：{exc}")]) from None
