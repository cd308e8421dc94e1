"""The stored facts of a campaign in an import kind's layout (the kind's template columns), so
that a file exported here imports back unchanged — into the same campaign (nothing changes)
or into another campaign with the same rubrics (the same facts, hence the same snapshots).

Monthly kinds get one row per subject and month; the other fact kinds one row per subject.
Subjects are named by their natural keys (certificate number, unit code); a subject without
one cannot be imported and is left out. Decimal facts (stored as exact strings) are written as
numbers: the import reads a number cell by its shortest representation, which gives back the
same string."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook

from campaigns.models import Officer, OrgUnit
from scoring.models import Fact
from spreadsheets.exports.files import atomic_target
from spreadsheets.imports.kinds import ImportKind, get_kind
from spreadsheets.imports.templates import DATA_SHEET

if TYPE_CHECKING:
    from campaigns.models import Campaign


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() else float(value)
    return value


def fact_rows(campaign: Campaign, kind: ImportKind) -> list[list[Any]]:
    """The rows (in the kind's column order) holding `campaign`'s facts of `kind`'s keys."""
    if not kind.is_fact_kind:
        raise ValueError(f"“{kind.label}”不是评分事实类导入。")
    officer = kind.subject == "officer"
    attr = "officer_id" if officer else "unit_id"
    names = dict(
        Officer.objects.exclude(certificate_no="").values_list("id", "certificate_no")
        if officer
        else OrgUnit.objects.values_list("id", "code")
    )
    columns = kind.fact_columns
    by_key = {column.fact_key: index for index, column in enumerate(columns)}
    cells: dict[tuple[Any, ...], list[Any]] = {}
    facts = (
        Fact.objects.filter(campaign=campaign, key__in=by_key, **{f"{attr}__isnull": False})
        .order_by()
        .values_list(attr, "key", "value")
    )
    for subject_id, key, value in facts:
        if subject_id not in names:
            continue
        if kind.monthly:
            for month, amount in (value or {}).items():
                row = cells.setdefault((names[subject_id], month), [None] * len(columns))
                row[by_key[key]] = _cell(amount)
        else:
            row = cells.setdefault((names[subject_id],), [None] * len(columns))
            row[by_key[key]] = _cell(value)
    return [[*natural, *values] for natural, values in sorted(cells.items())]


def write_facts(*, campaign: Campaign, kind: str, target: str | Path) -> int:
    """Write `campaign`'s facts of import kind `kind` to the .xlsx `target` (atomically);
    returns the number of data rows."""
    spec = get_kind(kind)
    rows = fact_rows(campaign, spec)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(DATA_SHEET)
    sheet.append(spec.headers)
    for row in rows:
        sheet.append(row)
    with atomic_target(target) as partial:
        workbook.save(partial)
    return len(rows)
