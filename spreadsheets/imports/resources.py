"""django-import-export resources, one per import kind.

- Units and officers are ModelResources keyed by their natural keys (单位代码, 执法证件号);
  foreign keys are looked up by unit code. `skip_unchanged` makes a re-import a no-op, and
  officers are saved through `campaigns.services.officers` when an acting user is known.
- The fact kinds are plain Resources: their fields declare the Chinese columns and clean the
  cells (`CellWidget`). Facts are never saved by the resource: `services` diffs the cleaned
  rows against the stored facts and writes the changes in batches through
  `scoring.services.facts.record_facts` (the only writer of facts).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from import_export import fields, resources, widgets

from campaigns.models import Officer, OrgUnit
from spreadsheets.imports.cells import CellError, Lookups, parse_cell
from spreadsheets.imports.kinds import KINDS, Column, ImportKind

if TYPE_CHECKING:
    from accounts.models import User


class UnitCodeWidget(widgets.ForeignKeyWidget):
    """A unit by its code, with a Chinese message for an unknown one."""

    def __init__(self, message: str = "未知的单位代码“{code}”") -> None:
        super().__init__(OrgUnit, field="code")
        self.message = message

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> OrgUnit | None:
        if value is None or str(value).strip() == "":
            return None
        code = str(value).strip()
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None:
            raise ValueError(self.message.format(code=code))
        return unit


class ChoiceLabelWidget(widgets.CharWidget):
    """A choice by its value or its Chinese label (the template offers the labels)."""

    def __init__(self, choices: tuple[tuple[str, str], ...]) -> None:
        super().__init__()
        self.choices = choices

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = "" if value is None else str(value).strip()
        for key, label in self.choices:
            if text in (key, label):
                return key
        raise ValueError(f"“{text}”不是可选值（{'、'.join(label for _k, label in self.choices)}）")

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return dict(self.choices).get(value, value or "")


class YesNoWidget(widgets.BooleanWidget):
    TRUE_VALUES = ("是", "1", 1, True, "true", "TRUE", "True")
    FALSE_VALUES = ("否", "0", 0, False, "false", "FALSE", "False")

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else ("是" if value else "否")


def _col(kind: ImportKind, name: str) -> Column:
    return kind.column(name)


_UNITS = KINDS["units"]
_OFFICERS = KINDS["officers"]


class OrgUnitResource(resources.ModelResource):
    code = fields.Field(attribute="code", column_name=_col(_UNITS, "code").header)
    name = fields.Field(attribute="name", column_name=_col(_UNITS, "name").header)
    short_name = fields.Field(attribute="short_name", column_name=_col(_UNITS, "short_name").header)
    kind = fields.Field(
        attribute="kind",
        column_name=_col(_UNITS, "kind").header,
        widget=ChoiceLabelWidget(_col(_UNITS, "kind").choices),
    )
    parent = fields.Field(
        attribute="parent",
        column_name=_col(_UNITS, "parent").header,
        widget=UnitCodeWidget("上级单位代码“{code}”不存在（若在本文件中新增，请放在本行之前）"),
    )
    sort_order = fields.Field(
        attribute="sort_order",
        column_name=_col(_UNITS, "sort_order").header,
        widget=widgets.IntegerWidget(),
        saves_null_values=False,  # an empty cell keeps the stored order
    )

    class Meta:
        model = OrgUnit
        fields = ("code", "name", "short_name", "kind", "parent", "sort_order")
        import_id_fields = ("code",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def __init__(self, actor: User | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.actor = actor


class OfficerResource(resources.ModelResource):
    certificate_no = fields.Field(
        attribute="certificate_no", column_name=_col(_OFFICERS, "certificate_no").header
    )
    name = fields.Field(attribute="name", column_name=_col(_OFFICERS, "name").header)
    unit = fields.Field(
        attribute="unit",
        column_name=_col(_OFFICERS, "unit").header,
        widget=UnitCodeWidget(),
    )
    post = fields.Field(attribute="post", column_name=_col(_OFFICERS, "post").header)
    is_active = fields.Field(
        attribute="is_active",
        column_name=_col(_OFFICERS, "is_active").header,
        widget=YesNoWidget(),
        saves_null_values=False,  # an empty cell keeps the stored flag (new officers: 是)
    )

    class Meta:
        model = Officer
        fields = ("certificate_no", "name", "unit", "post", "is_active")
        import_id_fields = ("certificate_no",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def __init__(self, actor: User | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.actor = actor

    def do_instance_save(self, instance: Officer, is_create: bool) -> None:
        """Through the officer services when a person imports (they check access and the
        certificate number again); the command without --user saves directly."""
        if self.actor is None:
            super().do_instance_save(instance, is_create)
            return
        from campaigns.services import officers as officer_services

        if is_create:
            created = officer_services.create_officer(
                actor=self.actor,
                unit=instance.unit,
                name=instance.name,
                certificate_no=instance.certificate_no,
                post=instance.post,
            )
            if not instance.is_active:
                officer_services.update_officer(actor=self.actor, officer=created, is_active=False)
            instance.pk = created.pk
            return
        stored = Officer.objects.get(pk=instance.pk)
        officer_services.update_officer(
            actor=self.actor,
            officer=stored,
            **{name: getattr(instance, name) for name in ("name", "unit", "post", "is_active")},
        )


# --- fact kinds ----------------------------------------------------------------------------


class CellWidget(widgets.Widget):
    """Cleans one cell with the kind's column rules (types, ranges, natural-key lookups)."""

    def __init__(self, column: Column, lookups: Lookups) -> None:
        super().__init__()
        self.column = column
        self.lookups = lookups

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        return parse_cell(self.column, value, self.lookups)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        return value


class FactRowResource(resources.Resource):
    """The columns of one fact kind; `clean_row` returns the typed values and the cells'
    errors (column header → Chinese message). Writing is `services`' job."""

    kind: ImportKind

    def __init__(self, lookups: Lookups, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lookups = lookups
        for column in self.kind.columns:
            self.fields[column.name] = fields.Field(
                attribute=column.name,
                column_name=column.header,
                widget=CellWidget(column, lookups),
            )

    def clean_row(self, row: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name, field in self.fields.items():
            try:
                values[name] = field.clean(row)
            except CellError as exc:
                errors[field.column_name] = str(exc)
        return values, errors


def fact_resource_class(kind: ImportKind) -> type[FactRowResource]:
    return type(f"{kind.key.title().replace('_', '')}Resource", (FactRowResource,), {"kind": kind})


FACT_RESOURCES: dict[str, type[FactRowResource]] = {
    key: fact_resource_class(kind) for key, kind in KINDS.items() if kind.is_fact_kind
}
# Case files: cleaned like the fact kinds (typed cells, Chinese messages); saved by
# `cases.services.import_cases`, the registry's own writer.
CaseFileResource = fact_resource_class(KINDS["case_files"])
