"""Forms of the scoring pages. They validate input only; nothing here writes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scoring.engine.facts import coercer

FIELD_PREFIX = "fact__"
JSON_TYPES = frozenset({"monthly", "records", "categories"})
BOOL_CHOICES = [
    ("", gettext_lazy("未提供")),
    ("true", gettext_lazy("是")),
    ("false", gettext_lazy("否")),
]
HUNDRED = Decimal(100)


def _plain(number: Decimal) -> str:
    """`Decimal("96.00")` -> "96", `Decimal("0.955")` -> "0.955" (no exponent)."""
    return f"{number.normalize():f}"


class JSONFactField(forms.CharField):
    """A monthly, records or categories fact typed as JSON, checked by the engine's coercion."""

    widget = forms.Textarea

    def __init__(self, *, spec: Any, **kwargs: Any) -> None:
        self.spec = spec
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"rows": 3, "spellcheck": "false", "class": "json-input"})

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if not text:
            return None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("不是有效的 JSON（第 %(line)s 行第 %(col)s 列）。"),
                params={"line": exc.lineno, "col": exc.colno},
            ) from None
        try:
            coercer(self.spec)(data)
        except (ValueError, TypeError) as exc:
            raise forms.ValidationError(str(exc)) from None
        _check_names(self.spec, data)
        return data


def _check_names(spec: Any, data: Any) -> None:
    """Unknown category or field names: the engine ignores them, a typo would go unnoticed."""
    if spec.type == "categories" and spec.categories and isinstance(data, Mapping):
        unknown = sorted(str(k) for k in data if str(k) not in spec.categories)
        if unknown:
            raise forms.ValidationError(
                _("未声明的类别：%(names)s"), params={"names": ", ".join(unknown)}
            )
    if spec.type == "records" and isinstance(data, list):
        declared = set(spec.fields or {})
        for row in data:
            unknown = sorted(set(row) - declared) if isinstance(row, Mapping) else []
            if unknown:
                raise forms.ValidationError(
                    _("记录含有未声明的字段：%(names)s"), params={"names": ", ".join(unknown)}
                )


def _field(spec: Any) -> forms.Field:
    label = spec.label
    if spec.type == "bool":
        return forms.TypedChoiceField(
            label=label,
            choices=BOOL_CHOICES,
            coerce=lambda value: value == "true",
            empty_value=None,
            required=False,
        )
    if spec.type in ("count", "rank"):
        return forms.IntegerField(
            label=label, required=False, min_value=1 if spec.type == "rank" else 0
        )
    if spec.type == "ratio":
        return forms.DecimalField(
            label=f"{label}（%）", required=False, max_digits=12, decimal_places=4
        )
    if spec.type in ("number", "score"):
        return forms.DecimalField(label=label, required=False, max_digits=20, decimal_places=6)
    return JSONFactField(spec=spec, label=label)


def _initial(spec: Any, raw: Any) -> Any:
    """A stored fact value as the field shows it."""
    if raw is None:
        return None
    if spec.type in JSON_TYPES:
        return json.dumps(raw, ensure_ascii=False)
    if spec.type == "bool":
        return "true" if raw is True else "false" if raw is False else None
    try:
        value = coercer(spec)(raw)
    except (ValueError, TypeError):
        return None
    if spec.type == "ratio":
        return _plain(value * HUNDRED)
    if isinstance(value, Decimal):
        return _plain(value)
    return value


class WhatIfForm(forms.Form):
    """One field per fact the rubric declares, filled with the facts the engine sees now.

    An empty field means "not provided" (the engine's missing value: 0, false, no rank). Ratios
    are typed as percentages; monthly values, records and category counts as JSON."""

    def __init__(self, *args: Any, rubric: Any, current: Mapping[str, Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.specs = dict(rubric.facts)
        for key, spec in self.specs.items():
            name = FIELD_PREFIX + key
            self.fields[name] = _field(spec)
            self.initial[name] = _initial(spec, current.get(key))

    def fact_values(self) -> dict[str, Any]:
        """The submitted facts as the engine takes them (key -> raw value), blanks left out."""
        values: dict[str, Any] = {}
        for key, spec in self.specs.items():
            value = self.cleaned_data.get(FIELD_PREFIX + key)
            if value is None or value == "":
                continue
            if spec.type == "ratio":
                value = value / HUNDRED
            values[key] = value
        return values

    def rows(self) -> list[tuple[str, Any, forms.BoundField]]:
        """(key, spec, bound field) in the rubric's order, for the template's table."""
        return [(key, spec, self[FIELD_PREFIX + key]) for key, spec in self.specs.items()]
