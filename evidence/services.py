"""Writes on evidence files: store an upload, withdraw a file (STYLE.md #1).

Every refusal is a `ValidationError` with a Chinese message, and a refused upload leaves
nothing behind: no row and no file on disk.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import unicodedata
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import access
from campaigns.models import OrgUnit
from evidence.access import check_evidence
from evidence.enums import CONTENT_TYPES, EXTENSIONS, EvidenceKind
from evidence.models import EvidenceFile
from evidence.sniff import sniff_kind
from evidence.storage import (
    INCOMING_DIR,
    Spool,
    evidence_root,
    limit_for_head,
    new_stored_name,
    path_for,
    spool_chunks,
)

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

EMPTY = gettext_lazy("文件为空。")
QUOTA = gettext_lazy("本单位佐证材料已达配额上限。")
MAX_NAME_CHARS = 255
MAX_STEM_CHARS = 200
MAX_EXT_CHARS = 16
UNNAMED = "未命名文件"  # stored as the display name: data, not interface


def _megabytes(n: int) -> str:
    mb = n / (1024 * 1024)
    return f"{mb:.0f}" if mb >= 1 and mb == int(mb) else f"{mb:.1f}".rstrip("0").rstrip(".")


def too_large_message(limit: int) -> str:
    return _("文件超过 %(mb)s MB 上限。") % {"mb": _megabytes(limit)}


def sanitize_display_name(raw: str, kind: str) -> str:
    """A name fit to show and to offer as a download name; never used for the stored path.

    Keeps the last path component (``/`` and ``\\`` both count), drops control and format
    characters (including right-to-left overrides that disguise extensions), collapses
    whitespace, keeps at most 200 characters of the stem plus the extension, and makes the
    extension agree with the content (``scan.exe`` holding a PDF is shown as ``scan.exe.pdf``).
    """
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        " " if ch.isspace() else ch
        for ch in unicodedata.normalize("NFC", name)
        if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn") or ch.isspace()
    )
    name = " ".join(name.split()).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) > MAX_EXT_CHARS - 1 or " " in ext:
        stem, ext = name, ""
    else:
        ext = "." + ext
    stem = stem[:MAX_STEM_CHARS].strip(" .") or UNNAMED
    allowed = EXTENSIONS[kind]
    if ext.lower() not in allowed:
        stem, ext = (f"{stem}{ext}"[:MAX_STEM_CHARS].strip(" .") or UNNAMED), allowed[0]
    return f"{stem}{ext}"[:MAX_NAME_CHARS]


def unit_bytes_used(unit: OrgUnit) -> int:
    """All the unit's stored bytes, withdrawn files included: they stay on disk."""
    return EvidenceFile.objects.filter(owner_unit=unit).aggregate(total=Sum("size"))["total"] or 0


def store_upload(*, unit: OrgUnit, upload: UploadedFile, actor: User) -> EvidenceFile:
    """Check and store one uploaded file as evidence of `unit`.

    The type is decided by the bytes; the size limit by the type; duplicates within the unit
    are flagged (``duplicate_of``), not refused. Raises PermissionDenied/Http404 (access) or
    ValidationError (the file), in both cases storing nothing.
    """
    access.check_unit(actor, unit, write=True)
    spool: Spool = spool_chunks(upload)
    try:
        return _store_spool(unit=unit, spool=spool, display_name=upload.name, actor=actor)
    finally:
        spool.discard()  # a no-op when the file was moved into place


def _store_spool(*, unit: OrgUnit, spool: Spool, display_name: str, actor: User) -> EvidenceFile:
    if spool.oversize:
        raise ValidationError(too_large_message(limit_for_head(spool.head)), code="too_large")
    if spool.size == 0:
        raise ValidationError(EMPTY, code="empty")
    kind = sniff_kind(spool.head, spool.path)
    limit = (
        settings.EVIDENCE_VIDEO_MAX_BYTES
        if kind == EvidenceKind.MP4
        else settings.EVIDENCE_MAX_BYTES
    )
    if spool.size > limit:
        raise ValidationError(too_large_message(limit), code="too_large")

    spool.finish()
    stored_name = new_stored_name(EXTENSIONS[kind][0])
    target = None
    try:
        with transaction.atomic():
            # A no-op write, first in the transaction, to take the lock before reading:
            # - PostgreSQL: it locks the unit's row, so two uploads of one unit run one after the
            #   other and cannot both squeeze under the quota;
            # - SQLite: a transaction that reads first and writes later fails with "database is
            #   locked" when another writer got in between (the upgrade does not wait); writing
            #   first makes it wait for the write lock (busy timeout) instead. The benchmark's 40
            #   concurrent uploads lost one to this before. `select_for_update` does neither on
            #   SQLite.
            OrgUnit.objects.filter(pk=unit.pk).update(sort_order=F("sort_order"))
            if unit_bytes_used(unit) + spool.size > settings.EVIDENCE_UNIT_QUOTA_BYTES:
                raise ValidationError(QUOTA, code="quota")
            original = (
                EvidenceFile.objects.filter(
                    owner_unit=unit, sha256=spool.sha256, withdrawn_at__isnull=True
                )
                .order_by("uploaded_at", "pk")
                .first()
            )
            evidence = EvidenceFile(
                owner_unit=unit,
                original_name=sanitize_display_name(display_name, kind),
                stored_name=stored_name,
                kind=kind,
                content_type=CONTENT_TYPES[kind],
                size=spool.size,
                sha256=spool.sha256,
                duplicate_of=original,
                uploaded_by=actor,
                uploaded_at=timezone.now(),
            )
            evidence._history_user = actor
            target = spool.move_to(stored_name)
            evidence.save()
    except BaseException:
        # Refused, or the row could not be written or committed: no file without its row.
        if target is not None:
            target.unlink(missing_ok=True)
        raise
    logger.info(
        "evidence %s stored for unit %s by %s (%s, %d bytes)",
        evidence.pk,
        unit.pk,
        actor.pk,
        kind,
        spool.size,
    )
    return evidence


def withdraw_evidence(
    *, evidence: EvidenceFile, actor: User, reason: str, expected_version: int
) -> EvidenceFile:
    """Withdraw a file: it stays stored and visible to reviewers, marked withdrawn.

    The update only happens if the row is still at `expected_version`, so a withdrawal based
    on a stale page (someone else changed the file meanwhile) is refused rather than applied
    over the other change. `select_for_update` would not lock on SQLite; a version-checked
    UPDATE works on every database.
    """
    check_evidence(actor, evidence, write=True)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写撤回原因。"), code="reason_required")
    with transaction.atomic():
        now = timezone.now()
        updated = EvidenceFile.objects.filter(
            pk=evidence.pk, version=expected_version, withdrawn_at__isnull=True
        ).update(
            withdrawn_at=now,
            withdrawn_by=actor,
            withdraw_reason=reason[:2000],
            version=F("version") + 1,
        )
        current = EvidenceFile.objects.get(pk=evidence.pk)
        if not updated:
            if current.is_withdrawn and current.version == expected_version:
                raise ValidationError(_("该文件已撤回。"), code="already_withdrawn")
            raise ValidationError(
                _(
                    "该文件已被他人修改（当前为第 %(current)s 版，您提交的是第 %(posted)s 版），"
                    "未做更改。请刷新页面查看最新状态后再操作。"
                )
                % {"current": current.version, "posted": expected_version},
                code="stale_version",
            )
        # .update() bypasses signals: record the history row explicitly.
        EvidenceFile.history.bulk_history_create(
            [current], update=True, default_user=actor, default_change_reason=reason[:100]
        )
    return current


def open_for_reading(evidence: EvidenceFile):
    """The stored bytes as an open binary file (the caller closes it, FileResponse does)."""
    return path_for(evidence.stored_name).open("rb")


def sweep_incoming(*, older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Delete spool files left by uploads that never finished (a worker killed mid-request).

    Uploads in progress keep writing their spool file, so anything untouched for a day is an
    orphan. Returns the number of files deleted. Run by `manage.py evidence_sweep_incoming`.
    """
    incoming = evidence_root() / INCOMING_DIR
    if not incoming.is_dir():
        return 0
    cutoff = time.time() - older_than.total_seconds()
    deleted = 0
    for path in incoming.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted
