"""The rule types, registered in one place.

Adding a rule type: write one class (subclass of ``Rule`` decorated with ``@register``) in one of
these modules (or a new one imported below); the discriminated union is built from the registry.
"""

from __future__ import annotations

from typing import Annotated, Any, Union

from pydantic import Field

from . import composite, counting, pool, rank, records, scales, simple
from .base import REGISTRY, Ctx, EvaluationError, FactName, Rule

_MODULES = (composite, counting, pool, rank, records, scales, simple)

RULE_TAGS: tuple[str, ...] = tuple(sorted(REGISTRY))

AnyRule: Any = Annotated[
    Union[tuple(REGISTRY[tag] for tag in RULE_TAGS)],  # noqa: UP007 - built from the registry
    Field(discriminator="type"),
]

# Rules may nest rules (linear.otherwise); resolve that reference now the union exists.
scales.LinearRule.model_rebuild(_types_namespace={"AnyRule": AnyRule})

__all__ = ["RULE_TAGS", "AnyRule", "Ctx", "EvaluationError", "FactName", "Rule"]
