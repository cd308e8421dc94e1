"""Objections (异议) to a published candidate: filing one (anyone, during the notice period),
and the office's investigation and outcome. An upheld objection becomes a veto fact through
scoring's record_fact, so the candidate leaves the ranking with the rubric's veto reason and the
shortlist updates after re-evaluation.

Attachments go through evidence's checks: the bytes decide the type (evidence.sniff), names are
sanitised as evidence's are, files are spooled and stored under EVIDENCE_ROOT (outside the web
root) and served to the office only.
"""

from __future__ import annotations

import ast
import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from evidence.enums import CONTENT_TYPES, EXTENSIONS, EvidenceKind
from evidence.services import EMPTY, sanitize_display_name, too_large_message
from evidence.sniff import sniff_kind
from evidence.storage import Spool, new_stored_name, path_for, spool_chunks
from publication import access
from publication.enums import DECIDED_OBJECTION_STATUSES, ObjectionStatus
from publication.models import ApprovalEntry, Notice, Objection, ObjectionAttachment
from publication.services.notices import notice_state
from scoring.enums import FactSource
from scoring.services import record_fact

if TYPE_CHECKING:
    from accounts.models import User
    from scoring.engine.model import Rubric

logger = logging.getLogger(__name__)

ALLOWED_KINDS = (EvidenceKind.PDF, EvidenceKind.JPEG, EvidenceKind.PNG, EvidenceKind.DOCX)
ATTACHMENTS_DIR = "objections"

CLOSED = "公示期已于 {end} 结束，不再受理异议。如有情况，请通过公示中公布的电话反映。"
UPCOMING = "公示尚未开始（{start} 开始），暂不受理异议。"
FORBIDDEN_TYPE = "附件“{name}”的类型不被接受：只接受 PDF、JPEG、PNG 图片和 Word（DOCX）文档。"
TOO_MANY = "最多上传 {n} 个附件。"
UNKNOWN_ENTRY = "请从公示名单中选择被反映的候选对象。"
DECIDED = "该异议已办结（{status}），不能再修改处理结论。"
NO_VETO = "该评分细则没有可由异议核实结果触发的否决项，不能认定属实。"
VETO_REQUIRED = "认定属实时须选择对应的否决项。"
OUTCOME_REQUIRED = "办结时须填写处理结论。"


def max_attachment_bytes() -> int:
    return int(getattr(settings, "PUBLICATION_OBJECTION_MAX_BYTES", 10 * 1024 * 1024))


def max_attachments() -> int:
    return int(getattr(settings, "PUBLICATION_OBJECTION_MAX_FILES", 3))


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def check_open(notice: Notice, at: dt.datetime | None = None) -> None:
    state = notice_state(notice, at)
    if state == "closed":
        raise ValidationError(CLOSED.format(end=_local(notice.ends_at)), code="closed")
    if state == "upcoming":
        raise ValidationError(UPCOMING.format(start=_local(notice.starts_at)), code="upcoming")


# --- attachments -----------------------------------------------------------------------------


@dataclass
class _Checked:
    spool: Spool
    kind: str
    name: str


def _check_attachment(upload: UploadedFile) -> _Checked:
    """Spool and check one file (content type by bytes, size); ValidationError otherwise."""
    spool = spool_chunks(upload)
    try:
        limit = max_attachment_bytes()
        if spool.oversize or spool.size > limit:
            raise ValidationError(
                f"附件“{upload.name}”：{too_large_message(limit)}", code="too_large"
            )
        if spool.size == 0:
            raise ValidationError(f"附件“{upload.name}”：{EMPTY}", code="empty")
        try:
            kind = sniff_kind(spool.head, spool.path)
        except ValidationError:
            raise ValidationError(FORBIDDEN_TYPE.format(name=upload.name), code="type") from None
        if kind not in ALLOWED_KINDS:
            raise ValidationError(FORBIDDEN_TYPE.format(name=upload.name), code="type")
        return _Checked(spool, kind, sanitize_display_name(upload.name, kind))
    except BaseException:
        spool.discard()
        raise


def file_objection(
    *,
    notice: Notice,
    entry_id: int,
    objector_name: str,
    objector_phone: str,
    content: str,
    objector_email: str = "",
    files: Sequence[UploadedFile] = (),
    client_address: str | None = None,
    at: dt.datetime | None = None,
) -> Objection:
    """File an objection during the notice period. Anyone may; nothing is stored on refusal."""
    check_open(notice, at)
    errors: dict[str, str] = {}
    if not ApprovalEntry.objects.filter(
        pk=entry_id, approval_id=notice.approval_id, selected=True
    ).exists():
        errors["entry"] = UNKNOWN_ENTRY
    if not objector_name.strip():
        errors["objector_name"] = "请填写姓名。"
    if not objector_phone.strip():
        errors["objector_phone"] = "请填写联系电话，便于核实情况。"
    if objector_email.strip():
        try:
            validate_email(objector_email.strip())
        except ValidationError:
            errors["objector_email"] = "电子邮箱格式不正确。"
    if len(content.strip()) < 10:
        errors["content"] = "请具体说明反映的问题（至少 10 个字）。"
    if len(files) > max_attachments():
        errors["attachments"] = TOO_MANY.format(n=max_attachments())
    if errors:
        raise ValidationError(errors)
    checked: list[_Checked] = []
    moved: list = []
    try:
        for upload in files:
            checked.append(_check_attachment(upload))
        for item in checked:
            item.spool.finish()
        with transaction.atomic():
            objection = Objection.objects.create(
                notice=notice,
                entry_id=entry_id,
                objector_name=objector_name.strip()[:50],
                objector_phone=objector_phone.strip()[:30],
                objector_email=objector_email.strip(),
                content=content.strip(),
                client_address=client_address,
                submitted_at=at or timezone.now(),
            )
            for item in checked:
                stored = f"{ATTACHMENTS_DIR}/{new_stored_name(EXTENSIONS[item.kind][0])}"
                ObjectionAttachment.objects.create(
                    objection=objection,
                    original_name=item.name,
                    stored_name=stored,
                    kind=item.kind,
                    content_type=CONTENT_TYPES[item.kind],
                    size=item.spool.size,
                    sha256=item.spool.sha256,
                )
                moved.append(item.spool.move_to(stored))
    except BaseException:
        for path in moved:  # no file without its row
            path.unlink(missing_ok=True)
        raise
    finally:
        for item in checked:
            item.spool.discard()  # a no-op once moved into place
    logger.info("objection %s filed on notice %s", objection.pk, notice.pk)
    return objection


def open_attachment(attachment: ObjectionAttachment):
    return path_for(attachment.stored_name).open("rb")


# --- investigation ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VetoOption:
    key: str  # the boolean fact that, when true, fires the veto
    label: str
    reason: str


def veto_options(rubric: Rubric) -> list[VetoOption]:
    """The vetoes of a rubric that an investigation can establish: those whose condition is a
    boolean fact, or an "or" of boolean facts (e.g. s003-individual integrity_violation_found,
    "经查确实存在不廉洁行为"). Setting the fact to true fires the veto with its reason."""
    options: list[VetoOption] = []
    seen: set[str] = set()
    for veto in rubric.vetoes:
        tree = veto.when.tree
        parts = (
            tree.values if isinstance(tree, ast.BoolOp) and isinstance(tree.op, ast.Or) else [tree]
        )
        names = [part.id for part in parts if isinstance(part, ast.Name)]
        for name in names:
            spec = rubric.facts.get(name)
            if spec is None or spec.type != "bool" or name in seen:
                continue
            seen.add(name)
            options.append(VetoOption(name, spec.label, veto.reason))
    return options


@transaction.atomic
def record_investigation(
    *,
    objection: Objection,
    actor: User,
    status: str,
    investigation: str,
    outcome: str = "",
    veto_key: str = "",
) -> Objection:
    """Record the investigation and, when decided, the outcome. Upholding records the veto fact
    (with the outcome as its reason and the objection as its provenance); the evaluation that
    record_fact queues removes the candidate from the ranking and the shortlist."""
    access.check_office(actor)
    locked = (
        Objection.objects.select_for_update(of=("self",))  # not the nullable joined rows
        .select_related(
            "entry__candidate__unit",
            "entry__candidate__officer",
            "entry__candidate__campaign_rubric__campaign",
            "entry__candidate__campaign_rubric__version",
        )
        .get(pk=objection.pk)
    )
    if locked.status in DECIDED_OBJECTION_STATUSES:
        raise ValidationError(DECIDED.format(status=locked.get_status_display()))
    if status not in ObjectionStatus.values or status == ObjectionStatus.RECEIVED:
        raise ValidationError({"status": "请选择处理状态。"})
    errors: dict[str, str] = {}
    if not investigation.strip():
        errors["investigation"] = "请填写调查核实情况。"
    if status in DECIDED_OBJECTION_STATUSES and not outcome.strip():
        errors["outcome"] = OUTCOME_REQUIRED
    candidate = locked.entry.candidate
    pin = candidate.campaign_rubric
    if status == ObjectionStatus.UPHELD:
        options = {option.key for option in veto_options(pin.version.rubric())}
        if not options:
            errors["veto_key"] = NO_VETO
        elif veto_key not in options:
            errors["veto_key"] = VETO_REQUIRED
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    locked.status = status
    locked.investigation = investigation.strip()
    locked.outcome = outcome.strip()
    locked.handled_by = actor
    locked.handled_at = now
    fields = ["status", "investigation", "outcome", "handled_by", "handled_at"]
    if status == ObjectionStatus.UPHELD:
        subject = candidate.officer if candidate.officer_id else candidate.unit
        ref = f"公示异议 #{locked.pk} 经查属实（{now:%Y-%m-%d}）：{locked.outcome}"
        locked.veto_fact = record_fact(
            campaign=pin.campaign,
            subject=subject,
            key=veto_key,
            value=True,
            source=FactSource.SYSTEM,
            source_ref=ref[:300],
            actor=actor,
        )
        locked.veto_key = veto_key
        fields += ["veto_fact", "veto_key"]
    locked._history_user = actor
    locked.save(update_fields=fields)
    return locked
