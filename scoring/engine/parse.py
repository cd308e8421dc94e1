"""Building a Rubric from data: validation with the rubric's own declarations, then cross-checks."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .decimals import to_decimal
from .errors import Problem, RubricError
from .expressions import Expression
from .facts import FACT_TYPES
from .messages import problems_from_validation
from .model import Item, Rubric
from .rules import RULE_TAGS, FactName
from .yaml_io import read_yaml


def load_rubric(path: str | Path) -> Rubric:
    """Read and validate a rubric YAML file; every problem found is raised as one RubricError."""
    return parse_rubric(read_yaml(path), str(path))


def parse_rubric(data: Any, source: str = "<memory>") -> Rubric:
    """Validate rubric data (a dict as read from YAML); raises RubricError listing every problem."""
    if not isinstance(data, Mapping):
        raise RubricError([Problem(source, "", "顶层必须是映射（键: 值），实际不是")])
    try:
        rubric = Rubric.model_validate(data, context=_context(data))
    except ValidationError as exc:
        raise RubricError(problems_from_validation(exc, data, source, RULE_TAGS)) from None
    problems = [Problem(source, path, message) for path, message in _cross_checks(rubric)]
    if problems:
        raise RubricError(problems)
    rubric._raw = copy.deepcopy(dict(data))
    rubric._file = source
    return rubric


def rubric_with_params(rubric: Rubric, params: Mapping[str, Any]) -> Rubric:
    """A copy of the rubric re-validated with some params replaced."""
    unknown = [name for name in params if name not in rubric.params]
    if unknown:
        problems = [Problem(rubric.file, f"params.{name}", "未声明的参数") for name in unknown]
        raise RubricError(problems)
    data = copy.deepcopy(rubric._raw)
    data["params"] = {**data.get("params", {}), **dict(params)}
    return parse_rubric(data, rubric.file)


def _context(data: Mapping[str, Any]) -> dict[str, Any]:
    """What field validators need to know about the rubric's declarations before validating it."""
    facts, derived, params = data.get("facts"), data.get("derived"), data.get("params")
    values: dict[str, Any] = {}
    for name, value in (params or {}).items() if isinstance(params, Mapping) else ():
        try:
            values[name] = to_decimal(value)
        except ValueError:
            values[name] = value  # the params field reports it
    context: dict[str, Any] = {"params": values, "fields": {}, "categories": {}}
    if not isinstance(facts, Mapping):
        return context  # the facts field reports it; checking names against nothing is noise
    kinds: dict[str, str] = dict.fromkeys(values, "number")
    for name, spec in facts.items():
        spec = spec if isinstance(spec, Mapping) else {}
        kinds[name] = spec.get("type") if spec.get("type") in FACT_TYPES else "?"
        if isinstance(spec.get("fields"), Mapping):
            context["fields"][name] = dict(spec["fields"])
        if isinstance(spec.get("categories"), Mapping | list):
            context["categories"][name] = set(spec["categories"])
    for name, spec in (derived or {}).items() if isinstance(derived, Mapping) else ():
        is_bool = isinstance(spec, Mapping) and spec.get("type") == "bool"
        kinds[name] = "bool" if is_bool else "number"
    context["kinds"] = kinds
    context["names"] = set(kinds)
    return context


def _cross_checks(rubric: Rubric) -> Iterator[tuple[str, str]]:
    yield from _name_clashes(rubric)
    yield from _derived_order(rubric)
    seen: dict[str, str] = {}
    for path, node in rubric.walk():
        if node.id in seen:
            yield f"{path}.id", f"编号 {node.id!r} 重复（首次出现在 {seen[node.id]}）"
        seen.setdefault(node.id, path)
    for i, node_id in enumerate(rubric.tie_breakers):
        if node_id not in seen:
            yield f"tie_breakers[{i}]", f"没有编号为 {node_id!r} 的指标或评分项"
    for path, node in rubric.walk():
        if isinstance(node, Item) and node.precedence is not None and node.max is None:
            yield f"{path}.max", "有 precedence 的评分项必须给出 max（按省级标准取值时的上限）"


def _name_clashes(rubric: Rubric) -> Iterator[tuple[str, str]]:
    for name in rubric.derived:
        if name in rubric.facts:
            yield f"derived.{name}", f"名称 {name!r} 已在 facts 中声明"
    for name in rubric.params:
        if name in rubric.facts or name in rubric.derived:
            yield f"params.{name}", f"名称 {name!r} 已在 facts 或 derived 中声明"


def _derived_order(rubric: Rubric) -> Iterator[tuple[str, str]]:
    names = list(rubric.derived)
    for position, (name, spec) in enumerate(rubric.derived.items()):
        later = sorted(names_used(spec) & set(names[position:]))
        if later:
            yield (
                f"derived.{name}",
                f"派生事实 {name!r} 引用了自身或其后定义的 {', '.join(later)}；"
                "只能引用在它之前定义的",
            )
        if spec.rule is not None and spec.rule.reads_pool():
            yield f"derived.{name}.rule", "派生事实不能使用依赖整个候选池的规则（排名、相对最高值）"


def names_used(value: Any) -> set[str]:
    """Every declared name a (part of a) rubric reads: fact references and expression names."""
    if isinstance(value, FactName):
        return {str(value)}
    if isinstance(value, Expression):
        return set(value.names)
    if isinstance(value, BaseModel):
        return names_used(list(value.__dict__.values()))
    if isinstance(value, Mapping):
        return names_used(list(value.values()))
    if isinstance(value, list | tuple):
        return set().union(*(names_used(item) for item in value)) if value else set()
    return set()
