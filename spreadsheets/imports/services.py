"""Importing spreadsheets: one function previews and (when asked) saves, in one transaction.

`run_import(dry_run=True)` is the preview: counts of new, changed, unchanged and rejected rows,
every rejected row with its sheet row number, column and a Chinese message. `dry_run=False`
does the same work and saves — unless a row was rejected and `valid_only` is not set, in which
case nothing is saved. Units and officers go through their django-import-export resources
(row by row, savepoint per row). Facts are diffed against the stored facts and only the changed
ones are written, in batches, through `scoring.services.facts.record_facts`, each with its
provenance `source=import`, `source_ref="<file> 第N行"` (the rows that changed it).
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tablib
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
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
from spreadsheets.imports.resources import FACT_RESOURCES, MODEL_RESOURCES

if TYPE_CHECKING:
    from accounts.models import User
    from campaigns.models import Campaign

Progress = Callable[[int, str], None]

FACT_BATCH = 1000  # facts per record_facts call (one validation pass + one re-score queue each)
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
    if k.CERTIFICATE in types:
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
    actor: User | None,
    dry_run: bool,
    progress: Progress | None,
) -> None:
    lookups = _lookups(kind)
    seen: dict[tuple[Any, ...], int] = {}
    file_codes: set[str] = set()
    dataset = tablib.Dataset(headers=kind.headers)
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
                value = str(raw).strip()  # the resource looks the code up itself
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
        dataset.append(clean)
        numbers.append(number)
    if progress:
        progress(30, "已检查数据，正在比对")
    resource = MODEL_RESOURCES[kind.key](actor=actor)
    result = resource.import_data(
        dataset, dry_run=dry_run, use_transactions=True, raise_errors=False
    )
    for error in result.base_errors:
        report.rejections.append(Rejection(0, "", f"导入出错：{error.error}"))
    for number, row_result in zip(numbers, result.rows, strict=False):
        import_type = row_result.import_type
        if import_type == "new":
            report.new += 1
        elif import_type == "update":
            report.changed += 1
        elif import_type == "skip":
            report.unchanged += 1
        elif import_type == "invalid":
            for name, messages in row_result.validation_error.message_dict.items():
                if name == NON_FIELD_ERRORS or name not in {c.name for c in kind.columns}:
                    header = kind.column(kind.natural_key[0]).header
                else:
                    header = kind.column(name).header
                report.rejections.extend(Rejection(number, header, m) for m in messages)
        else:
            report.rejections.append(
                Rejection(
                    number,
                    "",
                    f"保存失败：{row_result.errors[0].error if row_result.errors else '未知错误'}",
                )
            )
    report.rejections.sort(key=lambda r: r.row)


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
            else:
                _import_master(spec, sheet, report, actor=actor, dry_run=dry_run, progress=progress)
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
