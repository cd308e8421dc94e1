"""Forms of the submissions pages. They validate input only; services write.

The self-assessment page is one HTML form holding one `ClaimRowForm` per rubric item (prefix
`i-<item id>`), so that each row validates on its own: a draft save keeps the valid rows and
shows the invalid ones with their raw input and errors.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scoring.engine.facts import FactSpec, coercer
from scoring.services.facts import to_json
from submissions.rubric import ItemSpec

JSON_TYPES = frozenset({"monthly", "records"})
HUNDRED = Decimal(100)
BOOL_CHOICES = [
    ("", gettext_lazy("未填")),
    ("true", gettext_lazy("是")),
    ("false", gettext_lazy("否")),
]
CATEGORY_SEP = "__"
REVIEW_ACTIONS = [
    ("accept", gettext_lazy("认定")),
    ("adjust", gettext_lazy("调整")),
    ("return", gettext_lazy("退回")),
]


def _plain(number: Decimal) -> str:
    return f"{number.normalize():f}"


def _json_example(spec: FactSpec) -> str:
    if spec.type == "monthly":
        return '{"2024-01": 1, "2024-02": 2}'
    if spec.type == "records":
        sample = {name: ("" if kind == "text" else 0) for name, kind in (spec.fields or {}).items()}
        return json.dumps([sample], ensure_ascii=False)
    return '{"类别": 1}'


class JSONValueField(forms.CharField):
    """A monthly, records or (undeclared) categories value typed as JSON."""

    def __init__(self, *, spec: FactSpec, **kwargs: Any) -> None:
        self.spec = spec
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea)
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {
                "rows": 2,
                "spellcheck": "false",
                "class": "json-input",
                "placeholder": _json_example(spec),
            }
        )
        if spec.type in JSON_TYPES:
            # static/js/submissions-records.js turns these into a small table editor.
            columns = (
                spec.fields if spec.type == "records" else {"month": "month", "value": "number"}
            )
            self.widget.attrs["data-fact-type"] = spec.type
            self.widget.attrs["data-fields"] = json.dumps(columns, ensure_ascii=False)

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if not text:
            return None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("格式不正确（第 %(line)s 行第 %(col)s 列），示例：%(example)s"),
                params={"line": exc.lineno, "col": exc.colno, "example": _json_example(self.spec)},
            ) from None
        if self.spec.type == "records":
            declared = set(self.spec.fields or {})
            for row in data if isinstance(data, list) else []:
                unknown = sorted(set(row) - declared) if isinstance(row, Mapping) else []
                if unknown:
                    raise forms.ValidationError(
                        _("记录含有未声明的字段：%(names)s"), params={"names": ", ".join(unknown)}
                    )
        return data


def _fields_for(key: str, spec: FactSpec) -> dict[str, forms.Field]:
    label = spec.label + (f"（{spec.unit}）" if spec.unit else "")
    if spec.type == "bool":
        return {
            key: forms.TypedChoiceField(
                label=label,
                choices=BOOL_CHOICES,
                coerce=lambda v: v == "true",
                empty_value=None,
                required=False,
            )
        }
    if spec.type in ("count", "rank"):
        minimum = 1 if spec.type == "rank" else 0
        return {key: forms.IntegerField(label=label, required=False, min_value=minimum)}
    if spec.type == "ratio":
        return {
            key: forms.DecimalField(
                label=f"{spec.label}（%）",
                required=False,
                min_value=0,
                max_digits=12,
                decimal_places=4,
            )
        }
    if spec.type in ("number", "score"):
        return {
            key: forms.DecimalField(label=label, required=False, max_digits=20, decimal_places=6)
        }
    if spec.type == "categories" and spec.categories:
        return {
            f"{key}{CATEGORY_SEP}{cat}": forms.IntegerField(
                label=f"{spec.label} · {cat_label}", required=False, min_value=0
            )
            for cat, cat_label in spec.categories.items()
        }
    return {key: JSONValueField(spec=spec, label=label)}


def _initial_for(key: str, spec: FactSpec, raw: Any) -> dict[str, Any]:
    """A stored claim value as the fields show it."""
    if raw is None:
        return {}
    if spec.type == "categories" and spec.categories:
        raw = raw if isinstance(raw, Mapping) else {}
        return {f"{key}{CATEGORY_SEP}{cat}": raw.get(cat) for cat in spec.categories}
    if spec.type in JSON_TYPES or spec.type == "categories":
        return {key: json.dumps(raw, ensure_ascii=False)}
    if spec.type == "bool":
        return {key: "true" if raw is True else "false" if raw is False else None}
    try:
        value = coercer(spec)(raw)
    except (ValueError, TypeError):
        return {}
    if spec.type == "ratio":
        return {key: _plain(value * HUNDRED)}
    return {key: _plain(value) if isinstance(value, Decimal) else value}


class ClaimRowForm(forms.Form):
    """The inputs of one item's facts, plus the claim's version (optimistic concurrency)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(
        self,
        *args: Any,
        spec: ItemSpec,
        values: Mapping[str, Any] | None = None,
        version: int = 0,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", f"i-{spec.id}")
        super().__init__(*args, **kwargs)
        self.spec = spec
        self.initial["version"] = version
        for key, fact in spec.facts:
            self.fields.update(_fields_for(key, fact))
            self.initial.update(_initial_for(key, fact, (values or {}).get(key)))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for key, fact in self.spec.facts:
            value = self._raw_value(key, fact, cleaned)
            if value is None:
                continue
            try:
                coercer(fact)(value)
            except (ValueError, TypeError) as exc:
                self.add_error(self._first_field(key, fact), str(exc))
        return cleaned

    def _first_field(self, key: str, fact: FactSpec) -> str:
        if fact.type == "categories" and fact.categories:
            return f"{key}{CATEGORY_SEP}{next(iter(fact.categories))}"
        return key

    def _raw_value(self, key: str, fact: FactSpec, cleaned: Mapping[str, Any]) -> Any:
        if fact.type == "categories" and fact.categories:
            counts = {cat: cleaned.get(f"{key}{CATEGORY_SEP}{cat}") for cat in fact.categories}
            counts = {cat: n for cat, n in counts.items() if n is not None}
            return counts or None
        value = cleaned.get(key)
        if value is None or value == "":
            return None
        if fact.type == "ratio":
            return value / HUNDRED
        return value

    def claim_values(self) -> dict[str, Any]:
        """The row's values as stored on the claim (JSON; decimals as strings), blanks left out."""
        values: dict[str, Any] = {}
        for key, fact in self.spec.facts:
            value = self._raw_value(key, fact, self.cleaned_data)
            if value is not None:
                values[key] = to_json(coercer(fact)(value))
        return values

    def posted_version(self) -> int:
        return int(self.cleaned_data.get("version") or 0)

    def fields_by_fact(self) -> list[tuple[str, FactSpec, list[forms.BoundField]]]:
        """For the template: each fact with its bound field(s)."""
        result = []
        for key, fact in self.spec.facts:
            if fact.type == "categories" and fact.categories:
                names = [f"{key}{CATEGORY_SEP}{cat}" for cat in fact.categories]
            else:
                names = [key]
            result.append((key, fact, [self[name] for name in names]))
        return result


class ReviewForm(forms.Form):
    """Accept, adjust or return one claim. Adjusting needs values (the row's inputs, prefixed
    `v`) and a reason; returning needs a comment."""

    action = forms.ChoiceField(choices=REVIEW_ACTIONS)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    comment = forms.CharField(
        label=gettext_lazy("理由或说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    evidence_checked = forms.BooleanField(label=gettext_lazy("佐证材料已核对"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        action = cleaned.get("action")
        if action in ("adjust", "return") and not (cleaned.get("comment") or "").strip():
            self.add_error(
                "comment",
                _("调整须说明理由。")
                if action == "adjust"
                else _("退回须填写说明，告知单位如何修改。"),
            )
        return cleaned


class BulkAcceptForm(forms.Form):
    """Claim ids selected in the queue, and those whose evidence the reviewer ticked."""

    claims = forms.TypedMultipleChoiceField(coerce=int, required=False)
    evidence_checked = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args: Any, claim_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(pk, str(pk)) for pk in claim_ids]
        self.fields["claims"].choices = choices
        self.fields["evidence_checked"].choices = choices
