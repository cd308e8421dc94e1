"""Importing spreadsheets: one function previews and (when asked) saves, in one transaction.

`run_import(dry_run=True)` is the preview: counts of new, changed, unchanged and rejected rows,
every rejected row with its sheet row number, column and a Chinese message. `dry_run=False`
does the same work and saves — unless a row was rejected and `valid_only` is not set, in which
case nothing is saved. Units and officers are compared with the stored rows in a few queries
and written in bulk (new units level by level, parents first); their django-import-export
resources serve the admin. Case files are checked here (row, column, message) and the new ones
registered through `cases.services.import_cases`. Facts are diffed against the stored facts and
only the changed ones are written, in batches, through the set-based
`scoring.services.facts.record_facts`, each with its provenance `source=import`,
`source_ref="<file> 第N行"` (the rows that changed it).
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts import access
from campaigns.models import Officer, OrgUnit
from scoring.enums import FactSource
from scoring.models import Fact
from scoring.services.facts import Declarations, FactEntry, record_facts, validate_fact
from scoring.services.rubrics import CLOSED_STATUSES
from spreadsheets.imports import kinds as k
from spreadsheets.imports.cells import CellError, Lookups, parse_cell
from spreadsheets.imports.kinds import ImportKind, get_kind
from spreadsheets.imports.reading import Sheet, SpreadsheetError, read_sheet
from spreadsheets.imports.resources import FACT_RESOURCES, CaseFileResource

if TYPE_CHECKING:
    from accounts.models import User
    from campaigns.models import Campaign

Progress = Callable[[int, str], None]

FACT_BATCH = 5000  # facts per record_facts call (one validation pass + one re-score queue each)
REJECTS_BLOCK = "有被拒绝的行，未保存任何数据。修正后重新上传，或选择“只导入有效行”。"


@dataclass
class Rejection:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    kind: str
    kind_label: str
    filename: str
    dry_run: bool = True
    valid_only: bool = False
    total: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    file_error: str = ""
    saved: bool = False
    facts_written: int = 0
    notice: str = ""

    @property
    def rejected(self) -> int:
        """Rejected rows (a row with two bad cells counts once)."""
        return len({r.row for r in self.rejections})

    @property
    def ok(self) -> bool:
        return not self.file_error

    def summary_lines(self) -> list[str]:
        if self.file_error:
            return [f"{self.filename}：{self.file_error}", "未保存任何数据。"]
        lines = [
            f"{self.kind_label}《{self.filename}》：共 {self.total} 行，"
            f"新增 {self.new} 行，变更 {self.changed} 行，未变 {self.unchanged} 行，"
            f"拒绝 {self.rejected} 行。"
        ]
        lines += [f"  第{r.row}行 [{r.column or '—'}] {r.message}" for r in self.rejections]
        if self.dry_run:
            lines.append("预览：未保存任何数据。")
        elif self.saved:
            extra = f"（写入评分事实 {self.facts_written} 项）" if self.facts_written else ""
            lines.append(f"已保存{extra}。" + ("已跳过被拒绝的行。" if self.rejected else ""))
        else:
            lines.append(self.notice or "未保存任何数据。")
        return lines

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportReport:
        data = dict(data)
        data["rejections"] = [Rejection(**r) for r in data.get("rejections", [])]
        return cls(**data)


def _check_actor(actor: User | None) -> None:
    if actor is not None and not access.writes_everything(actor):
        raise PermissionDenied("只有活动管理员可以导入数据。")


def _lookups(kind: ImportKind) -> Lookups:
    types = {c.type for c in kind.columns}
    lookups = Lookups()
    if k.UNIT_CODE in types or kind.key == "units":
        lookups.unit_ids = dict(OrgUnit.objects.order_by().values_list("code", "id"))
    if k.CERTIFICATE in types or k.CERTIFICATES in types:
        lookups.officer_ids = dict(
            Officer.objects.exclude(certificate_no="")
            .order_by()
            .values_list("certificate_no", "id")
        )
    return lookups


def _duplicate_message(kind: ImportKind, first_row: int) -> str:
    return (
        f"与第{first_row}行重复（{'、'.join(kind.column(n).header for n in kind.natural_key)}相同）"
    )


# --- units and officers -------------------------------------------------------------------


def _import_master(
    kind: ImportKind,
    sheet: Sheet,
    report: ImportReport,
    *,
    dry_run: bool,
    progress: Progress | None,
) -> None:
    lookups = _lookups(kind)
    seen: dict[tuple[Any, ...], int] = {}
    file_codes: set[str] = set()
    rows: list[dict[str, Any]] = []
    numbers: list[int] = []
    for number, values in sheet.rows:
        row_errors = []
        clean: list[Any] = []
        for column, raw in zip(kind.columns, values, strict=True):
            try:
                value = parse_cell(column, raw, lookups)
            except CellError as exc:
                row_errors.append(Rejection(number, column.header, str(exc)))
                clean.append(None)
                continue
            if column.type == k.UNIT_CODE:
                value = str(raw).strip()  # _save_officers looks the code up itself
            unknown_parent = value not in lookups.unit_ids and value not in file_codes
            if kind.key == "units" and column.name == "parent" and value and unknown_parent:
                row_errors.append(
                    Rejection(
                        number,
                        column.header,
                        f"上级单位代码“{value}”不存在（若在本文件中新增，请放在本行之前）",
                    )
                )
            clean.append("" if value is None and column.type == k.TEXT else value)
        if not row_errors:
            key = tuple(clean[kind.headers.index(kind.column(n).header)] for n in kind.natural_key)
            if key in seen:
                row_errors.append(
                    Rejection(
                        number,
                        kind.column(kind.natural_key[-1]).header,
                        _duplicate_message(kind, seen[key]),
                    )
                )
            else:
                seen[key] = number
        if row_errors:
            report.rejections.extend(row_errors)
            continue
        if kind.key == "units":
            file_codes.add(clean[0])
        rows.append(dict(zip(kind.headers, clean, strict=True)))
        numbers.append(number)
    if progress:
        progress(30, "已检查数据，正在比对")
    by_name = {c.name: c.header for c in kind.columns}
    if kind.key == "units":
        _save_units(rows, numbers, by_name, report, dry_run=dry_run)
    else:
        _save_officers(rows, numbers, by_name, report, dry_run=dry_run)
    report.rejections.sort(key=lambda r: r.row)


def _model_errors(
    instance: Any, number: int, by_name: dict[str, str], report: ImportReport
) -> bool:
    """Field validation of one instance (uniqueness is checked on the whole file instead);
    every message becomes a rejection of its column. True when the instance is valid."""
    try:
        # Foreign keys were looked up by code already (a check here is a query per row).
        instance.full_clean(
            exclude=["unit", "parent"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            header = by_name.get(name, next(iter(by_name.values())))
            report.rejections.extend(Rejection(number, header, m) for m in messages)
        return False
    return True


def _in_chunks(values: list[Any], size: int = 2000) -> Any:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _save_units(
    rows: list[dict[str, Any]],
    numbers: list[int],
    by_name: dict[str, str],
    report: ImportReport,
    *,
    dry_run: bool,
) -> None:
    """Units in bulk: compare with the stored units (one query), then insert the new ones
    level by level (a parent new in this file is inserted before its children) and update the
    changed ones in batches."""
    header = by_name
    stored = {unit.code: unit for unit in OrgUnit.objects.order_by()}
    code_of = {unit.pk: code for code, unit in stored.items()}
    parents = {code: code_of[unit.parent_id] for code, unit in stored.items() if unit.parent_id}
    placed = set(stored)  # codes that will exist: stored ones, then accepted new ones
    new: list[tuple[OrgUnit, str]] = []  # (unit, parent code)
    changed: list[tuple[OrgUnit, str]] = []
    for number, row in zip(numbers, rows, strict=True):
        code, parent_code = row[header["code"]], row[header["parent"]] or ""
        values = {
            "name": row[header["name"]],
            "short_name": row[header["short_name"]],
            "kind": row[header["kind"]],
        }
        if row[header["sort_order"]] is not None:  # empty keeps the stored order
            values["sort_order"] = row[header["sort_order"]]
        if parent_code and parent_code not in placed:
            report.rejections.append(
                Rejection(number, header["parent"], f"上级单位“{parent_code}”所在的行被拒绝")
            )
            continue
        if _loops(code, parent_code, parents):
            report.rejections.append(
                Rejection(number, header["parent"], "设置该上级单位后，单位层级将形成循环")
            )
            continue
        unit = stored.get(code)
        if unit is None:
            unit = OrgUnit(code=code, **values)
            target = new
        else:
            current_parent = parents.get(code, "")
            if current_parent == parent_code and all(
                getattr(unit, name) == value for name, value in values.items()
            ):
                report.unchanged += 1
                continue
            for name, value in values.items():
                setattr(unit, name, value)
            target = changed
        if not _model_errors(unit, number, by_name, report):
            continue
        target.append((unit, parent_code))
        placed.add(code)
        if parent_code:
            parents[code] = parent_code
        else:
            parents.pop(code, None)
        if target is new:
            report.new += 1
        else:
            report.changed += 1
    if dry_run:
        return
    ids = {code: unit.pk for code, unit in stored.items()}
    pending = list(new)
    while pending:  # parents come first in the file, so every level finds its parents
        ready = [(u, p) for u, p in pending if not p or p in ids]
        for unit, parent in ready:
            unit.parent_id = ids[parent] if parent else None
        OrgUnit.objects.bulk_create([u for u, _p in ready], batch_size=1000)
        ids.update({u.code: u.pk for u, _p in ready})
        pending = [(u, p) for u, p in pending if u.pk is None]
    for unit, parent in changed:
        unit.parent_id = ids[parent] if parent else None
    OrgUnit.objects.bulk_update(
        [u for u, _p in changed],
        ["name", "short_name", "kind", "parent", "sort_order"],
        batch_size=1000,
    )


def _loops(code: str, parent_code: str, parents: dict[str, str]) -> bool:
    """Would `code` under `parent_code` make the tree a loop?"""
    seen: set[str] = set()
    walk = parent_code
    while walk and walk not in seen:
        if walk == code:
            return True
        seen.add(walk)
        walk = parents.get(walk, "")
    return False


def _save_officers(
    rows: list[dict[str, Any]],
    numbers: list[int],
    by_name: dict[str, str],
    report: ImportReport,
    *,
    dry_run: bool,
) -> None:
    """Officers in bulk: the stored officers of the file's certificate numbers in a few
    queries, new and changed ones told apart in Python, then inserted and updated in batches.
    (The campaign-admin check of `campaigns.services.officers` is run_import's; their
    uniqueness check is the file's own duplicate check plus this comparison.)"""
    header = by_name
    units = dict(OrgUnit.objects.order_by().values_list("code", "id"))
    certificates = [row[header["certificate_no"]] for row in rows]
    stored: dict[str, Officer] = {}
    for chunk in _in_chunks(certificates):
        stored.update(
            (officer.certificate_no, officer)
            for officer in Officer.objects.filter(certificate_no__in=chunk).order_by()
        )
    fields = ["name", "unit", "post", "is_active"]
    new: list[Officer] = []
    changed: list[Officer] = []
    for number, row in zip(numbers, rows, strict=True):
        values = {
            "name": row[header["name"]],
            "unit_id": units[row[header["unit"]]],
            "post": row[header["post"]],
        }
        if row[header["is_active"]] is not None:  # empty keeps the stored flag (new: 是)
            values["is_active"] = row[header["is_active"]]
        officer = stored.get(row[header["certificate_no"]])
        if officer is None:
            officer = Officer(certificate_no=row[header["certificate_no"]], **values)
            if _model_errors(officer, number, by_name, report):
                new.append(officer)
                report.new += 1
            continue
        if all(getattr(officer, name) == value for name, value in values.items()):
            report.unchanged += 1
            continue
        for name, value in values.items():
            setattr(officer, name, value)
        if _model_errors(officer, number, by_name, report):
            changed.append(officer)
            report.changed += 1
    if dry_run:
        return
    Officer.objects.bulk_create(new, batch_size=1000)
    Officer.objects.bulk_update(changed, fields, batch_size=1000)


# --- case files -----------------------------------------------------------------------------

_ROLE_COLUMNS = ("inspection_record", "filing_approval", "presiding")


def _case_state(parsed: dict[str, Any], officer_ids: dict[str, int]) -> tuple[Any, ...]:
    """What an import row says about a case, comparable with a registered one."""
    handlers = frozenset(
        (officer_ids[number], role) for role in _ROLE_COLUMNS for number in parsed[role] or ()
    )
    return (
        parsed["case_type"],
        parsed["decision_date"],
        parsed["party_name"] or "",
        bool(parsed["decision_published"]),
        bool(parsed["decision_only"]),
        handlers,
    )


def _registered_cases(unit_ids: set[int]) -> dict[tuple[int, str], tuple[Any, ...]]:
    from cases.models import CaseFile, CaseHandler

    handlers: dict[int, set[tuple[int, str]]] = {}
    for case_id, officer_id, role in (
        CaseHandler.objects.filter(case_file__unit_id__in=unit_ids)
        .order_by()
        .values_list("case_file_id", "officer_id", "role")
    ):
        handlers.setdefault(case_id, set()).add((officer_id, role))
    rows = (
        CaseFile.objects.filter(unit_id__in=unit_ids)
        .order_by()
        .values_list(
            "pk",
            "unit_id",
            "case_number",
            "case_type",
            "decision_date",
            "party_name",
            "decision_published",
            "decision_only",
        )
    )
    return {
        (unit_id, number): (kind, date, party, published, only, frozenset(handlers.get(pk, ())))
        for pk, unit_id, number, kind, date, party, published, only in rows
    }


def _case_row(kind: ImportKind, parsed: dict[str, Any], code: str) -> dict[str, Any]:
    """The row as `cases.services.import_cases` reads it (header → value)."""
    row: dict[str, Any] = {}
    for column in kind.columns:
        value = parsed[column.name]
        if column.name == "unit":
            value = code
        elif column.type == k.CERTIFICATES:
            value = "、".join(value or ())
        elif column.type == k.BOOL:
            value = "是" if value else "否"
        elif column.type == k.CHOICE:
            value = dict(column.choices)[value]
        elif value is None:
            value = ""
        row[column.header] = value
    return row


def _import_cases(
    kind: ImportKind,
    sheet: Sheet,
    report: ImportReport,
    *,
    actor: User | None,
    dry_run: bool,
    save_if: Callable[[ImportReport], bool],
    progress: Progress | None,
) -> None:
    """New case files go to `cases.services.import_cases`; a registered one (same unit and
    case number) is never changed: identical is "unchanged", different is rejected."""
    from cases.services import import_cases

    lookups = _lookups(kind)
    resource = CaseFileResource(lookups)
    codes = {unit_id: code for code, unit_id in lookups.unit_ids.items()}
    parsed_rows: list[tuple[int, dict[str, Any]]] = []
    seen: dict[tuple[Any, ...], int] = {}
    for number, values in sheet.rows:
        parsed, errors = resource.clean_row(dict(zip(kind.headers, values, strict=True)))
        if errors:
            report.rejections.extend(Rejection(number, h, m) for h, m in errors.items())
            continue
        natural = (parsed["unit"], parsed["case_number"])
        if natural in seen:
            report.rejections.append(
                Rejection(number, "案件编号", _duplicate_message(kind, seen[natural]))
            )
            continue
        seen[natural] = number
        parsed_rows.append((number, parsed))
    if progress:
        progress(40, "已检查数据，正在比对已登记的案卷")
    registered = _registered_cases({parsed["unit"] for _n, parsed in parsed_rows})
    new_rows: list[dict[str, Any]] = []
    for number, parsed in parsed_rows:
        stored = registered.get((parsed["unit"], parsed["case_number"]))
        if stored is None:
            report.new += 1
            new_rows.append(_case_row(kind, parsed, codes[parsed["unit"]]))
        elif stored == _case_state(parsed, lookups.officer_ids):
            report.unchanged += 1
        else:
            report.rejections.append(
                Rejection(
                    number,
                    "案件编号",
                    f"本单位已登记案件编号“{parsed['case_number']}”，但内容与登记的不同；"
                    "导入不修改已登记的案卷，请在案卷页面修改。",
                )
            )
    report.rejections.sort(key=lambda r: r.row)
    if dry_run or not save_if(report) or not new_rows:
        return
    if progress:
        progress(60, f"正在登记 {len(new_rows)} 份案卷")
    import_cases(rows=new_rows, actor=actor)


# --- facts --------------------------------------------------------------------------------


def _source_ref(filename: str, rows: list[int]) -> str:
    """ "名单.xlsx 第3行", "名单.xlsx 第3-14、20行"; a long list is cut to fit the column."""
    rows = sorted(rows)
    parts: list[str] = []
    start = prev = rows[0]
    for number in [*rows[1:], None]:
        if number is not None and number == prev + 1:
            prev = number
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if number is not None:
            start = prev = number
    text = f"{filename} 第{'、'.join(parts)}行"
    if len(text) > 300:
        text = f"{filename[:200]} 第{'、'.join(parts)[:60]}…等{len(rows)}行"
    return text


def _import_facts(
    kind: ImportKind,
    sheet: Sheet,
    report: ImportReport,
    *,
    campaign: Campaign,
    actor: User | None,
    dry_run: bool,
    save_if: Callable[[ImportReport], bool],
    progress: Progress | None,
) -> None:
    lookups = _lookups(kind)
    resource = FACT_RESOURCES[kind.key](lookups)
    declarations = Declarations(campaign)
    subject_attr = "officer_id" if kind.subject == "officer" else "unit_id"
    prototype: OrgUnit | Officer = Officer() if kind.subject == "officer" else OrgUnit()
    keys = [c.fact_key for c in kind.fact_columns]
    stored: dict[tuple[int, str], Any] = {
        (subject_id, key): value
        for subject_id, key, value in Fact.objects.filter(
            campaign=campaign, key__in=keys, **{f"{subject_attr}__isnull": False}
        )
        .order_by()
        .values_list(subject_attr, "key", "value")
    }
    pending: dict[tuple[int, str], Any] = {}  # the new values of the facts that change
    pending_rows: dict[tuple[int, str], list[int]] = {}
    seen: dict[tuple[Any, ...], int] = {}
    headers = kind.headers
    step = max(len(sheet.rows) // 10, 1)
    for index, (number, values) in enumerate(sheet.rows, start=1):
        if progress and index % step == 0:
            progress(5 + 45 * index // len(sheet.rows), f"正在检查第 {index} 行")
        parsed, errors = resource.clean_row(dict(zip(headers, values, strict=True)))
        if errors:
            report.rejections.extend(Rejection(number, h, m) for h, m in errors.items())
            continue
        natural = tuple(parsed[n] for n in kind.natural_key)
        if natural in seen:
            report.rejections.append(
                Rejection(
                    number,
                    kind.column(kind.natural_key[-1]).header,
                    _duplicate_message(kind, seen[natural]),
                )
            )
            continue
        seen[natural] = number
        subject_id = parsed[kind.natural_key[0]]
        month = parsed.get("month")
        changes: list[tuple[tuple[int, str], Any, str]] = []  # (fact, new value, status)
        rejected = False
        provided = 0
        for column in kind.fact_columns:
            value = parsed[column.name]
            if value is None:
                continue
            provided += 1
            raw_value = {month: value} if kind.monthly else value
            try:
                clean = validate_fact(
                    declarations=declarations,
                    subject=prototype,
                    key=column.fact_key,
                    value=raw_value,
                )
            except ValidationError as exc:
                report.rejections.append(Rejection(number, column.header, "；".join(exc.messages)))
                rejected = True
                continue
            fact = (subject_id, column.fact_key)
            current = pending.get(fact, stored.get(fact))
            if kind.monthly:
                before = current.get(month) if isinstance(current, dict) else None
                after = clean[month]
                if before == after:
                    continue
                merged = dict(current) if isinstance(current, dict) else {}
                merged[month] = after
                changes.append((fact, merged, "new" if before is None else "changed"))
            elif current != clean:
                changes.append((fact, clean, "new" if current is None else "changed"))
        if rejected:
            continue
        if not provided:
            report.rejections.append(
                Rejection(number, kind.fact_columns[0].header, "本行没有填写任何数值")
            )
            continue
        for fact, value, _status in changes:
            pending[fact] = value
            pending_rows.setdefault(fact, []).append(number)
        statuses = {status for _f, _v, status in changes}
        if "changed" in statuses:
            report.changed += 1
        elif "new" in statuses:
            report.new += 1
        else:
            report.unchanged += 1
    if dry_run or not save_if(report) or not pending:
        return
    model = Officer if kind.subject == "officer" else OrgUnit
    facts = list(pending)
    subjects: dict[int, Any] = {}
    ids = sorted({subject_id for subject_id, _key in facts})
    for start in range(0, len(ids), 5000):
        subjects.update(model.objects.only("id").in_bulk(ids[start : start + 5000]))
    for start in range(0, len(facts), FACT_BATCH):
        batch = facts[start : start + FACT_BATCH]
        entries = [
            FactEntry(
                subject=subjects[subject_id],
                key=key,
                value=pending[(subject_id, key)],
                source_ref=_source_ref(report.filename, pending_rows[(subject_id, key)]),
            )
            for subject_id, key in batch
        ]
        report.facts_written += record_facts(
            campaign=campaign, entries=entries, source=FactSource.IMPORT, actor=actor
        )
        if progress:
            done = start + len(batch)
            progress(50 + 49 * done // len(facts), f"已写入 {done}/{len(facts)} 项评分事实")


# --- entry points ---------------------------------------------------------------------------


def run_import(
    *,
    kind: str,
    path: str | Path,
    filename: str,
    campaign: Campaign | None = None,
    actor: User | None = None,
    dry_run: bool = True,
    valid_only: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Preview (`dry_run`) or import the file at `path` as `kind`; see the module docstring.

    `actor` None means the operator of the management command. Fact kinds need `campaign`.
    Raises PermissionDenied when `actor` is not a campaign admin; every problem with the file
    or its rows is reported in the returned ImportReport, never raised."""
    _check_actor(actor)
    spec = get_kind(kind)
    report = ImportReport(
        kind=spec.key,
        kind_label=spec.label,
        filename=filename,
        dry_run=dry_run,
        valid_only=valid_only,
    )
    if spec.is_fact_kind and campaign is None:
        report.file_error = f"导入“{spec.label}”须指定练兵活动。"
        return report
    if spec.is_fact_kind and campaign.status in CLOSED_STATUSES:
        report.file_error = "活动已结束，评分事实不能再修改。"
        return report
    try:
        sheet = read_sheet(path, filename, spec)
    except SpreadsheetError as exc:
        report.file_error = str(exc)
        return report
    report.total = len(sheet.rows)
    if progress:
        progress(5, f"已读取 {report.total} 行")

    def may_save(current: ImportReport) -> bool:
        return not current.rejections or valid_only

    try:
        with transaction.atomic():
            if spec.is_fact_kind:
                _import_facts(
                    spec, sheet, report, campaign=campaign, actor=actor, dry_run=dry_run,
                    save_if=may_save, progress=progress,
                )  # fmt: skip
            elif spec.key == "case_files":
                _import_cases(
                    spec, sheet, report, actor=actor, dry_run=dry_run, save_if=may_save,
                    progress=progress,
                )  # fmt: skip
            else:
                _import_master(spec, sheet, report, dry_run=dry_run, progress=progress)
            if not dry_run:
                if may_save(report) and report.new + report.changed > 0:
                    report.saved = True
                elif may_save(report):
                    report.saved = True
                    report.notice = "没有需要保存的变化。"
                else:
                    report.notice = REJECTS_BLOCK
                    transaction.set_rollback(True)
    except (ValidationError, PermissionDenied) as exc:
        # e.g. the campaign closed meanwhile; the transaction above is already rolled back
        report.saved = False
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        report.file_error = "；".join(messages)
    if progress:
        progress(100, "完成")
    return report


# --- uploaded files (kept between the preview and the confirmation) -----------------------


def upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def store_upload(source: Any, filename: str) -> str:
    """Copy an uploaded file (a Django UploadedFile or a path) to the upload area; returns the
    token that names it for the confirmation step."""
    suffix = ".csv" if filename.lower().endswith(".csv") else ".xlsx"
    token = f"{uuid.uuid4().hex}{suffix}"
    target = upload_dir()
    target.mkdir(parents=True, exist_ok=True)
    if isinstance(source, str | Path):
        shutil.copyfile(source, target / token)
    else:
        with (target / token).open("wb") as out:
            for chunk in source.chunks():
                out.write(chunk)
    return token


def upload_path(token: str) -> Path:
    name = Path(token).name
    if name != token or not name[:32].isalnum() or not name.endswith((".xlsx", ".csv")):
        raise ValueError("无效的文件标识")
    return upload_dir() / name
