"""store_upload and withdraw_evidence: content sniffing, limits, names, duplicates, quota,
versions and history. Every refusal must leave no row and no file behind."""

from __future__ import annotations

import hashlib
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.http import Http404

from evidence import sniff
from evidence.models import EvidenceFile
from evidence.services import (
    EMPTY,
    QUOTA,
    sanitize_display_name,
    store_upload,
    too_large_message,
    withdraw_evidence,
)
from evidence.sniff import WRONG_CONTENT, ZIP_BOMB
from evidence.storage import Spool, path_for
from tests.evidence.conftest import files_under
from tests.evidence.samples import (
    SAMPLES,
    exe_bytes,
    html_bytes,
    many_entries_docx,
    mp4_bytes,
    mp4_header,
    pdf_bytes,
    png_bytes,
    sample_bytes,
    sample_upload,
    zip_bomb_docx,
)


def refused(unit, actor, upload) -> str:
    """Store `upload`, expect a refusal, and return its message."""
    with pytest.raises(ValidationError) as excinfo:
        store_upload(unit=unit, upload=upload, actor=actor)
    return " ".join(excinfo.value.messages)


# --- accepted kinds ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_store_upload_accepts_each_kind_by_content(kind, own_unit, own_staff, evidence_root):
    content = sample_bytes(kind)
    evidence = store_upload(unit=own_unit, upload=sample_upload(kind), actor=own_staff)

    evidence.refresh_from_db()
    assert evidence.kind == kind
    assert evidence.size == len(content)
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert evidence.owner_unit == own_unit
    assert evidence.uploaded_by == own_staff
    assert evidence.version == 1
    assert evidence.duplicate_of is None
    assert path_for(evidence.stored_name).read_bytes() == content
    assert files_under(evidence_root) == [path_for(evidence.stored_name)]
    history = list(evidence.history.all())
    assert [(h.history_type, h.history_user) for h in history] == [("+", own_staff)]


def test_store_upload_ignores_extension_and_browser_type(own_unit, own_staff):
    upload = SimpleUploadedFile("照片.docx", png_bytes(), content_type="application/msword")
    evidence = store_upload(unit=own_unit, upload=upload, actor=own_staff)
    assert (evidence.kind, evidence.content_type) == ("png", "image/png")
    # The display name is made to agree with the content.
    assert evidence.original_name == "照片.docx.png"


def test_stored_name_is_generated_and_never_derived_from_the_upload_name(own_unit, own_staff):
    evidence = store_upload(
        unit=own_unit, upload=sample_upload("pdf", name="机密报告.pdf"), actor=own_staff
    )
    assert "机密" not in evidence.stored_name
    year, month, leaf = evidence.stored_name.split("/")
    assert len(year) == 4 and len(month) == 2
    assert len(leaf) == len("0" * 32 + ".pdf") and leaf.endswith(".pdf")


# --- wrong content ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.pdf", exe_bytes()),
        ("页面.pdf", html_bytes()),
        ("图片.png", html_bytes()),
        ("照片.jpg", b"GIF89a\x01\x00\x01\x00"),
        ("说明.docx", b"plain text, not a document"),
        ("表格.xlsx", b"PK\x03\x04 truncated archive"),
        ("视频.mp4", mp4_header(brand=b"qt  ")),  # QuickTime, not MP4
        ("script.pdf", b"#!/bin/sh\nrm -rf /\n"),
    ],
)
def test_store_upload_refuses_wrong_content_with_permitted_extension(
    name, content, own_unit, own_staff, evidence_root
):
    message = refused(own_unit, own_staff, SimpleUploadedFile(name, content, "application/pdf"))
    assert message == WRONG_CONTENT
    assert EvidenceFile.objects.count() == 0
    assert files_under(evidence_root) == []


def test_store_upload_refuses_zip_without_office_main_part(own_unit, own_staff, evidence_root):
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("payload.exe", exe_bytes())
    message = refused(own_unit, own_staff, SimpleUploadedFile("a.docx", out.getvalue()))
    assert message == WRONG_CONTENT
    assert files_under(evidence_root) == []


# --- archives ---------------------------------------------------------------------------------


def test_zip_bomb_disguised_as_docx_is_refused(own_unit, own_staff, evidence_root):
    bomb = zip_bomb_docx()
    assert len(bomb) < 512 * 1024  # small on disk, 64 MB unpacked
    message = refused(own_unit, own_staff, SimpleUploadedFile("情况说明.docx", bomb))
    assert message == ZIP_BOMB
    assert EvidenceFile.objects.count() == 0
    assert files_under(evidence_root) == []


def test_zip_bomb_is_refused_before_any_entry_is_opened(own_unit, own_staff, monkeypatch):
    def no_open(*args, **kwargs):
        raise AssertionError("an entry was opened before the central directory was checked")

    bomb = zip_bomb_docx()
    monkeypatch.setattr(zipfile.ZipFile, "open", no_open)
    message = refused(own_unit, own_staff, SimpleUploadedFile("a.docx", bomb))
    assert message == ZIP_BOMB


def test_archive_over_total_unpacked_size_is_refused(own_unit, own_staff, monkeypatch):
    monkeypatch.setattr(sniff, "ZIP_MAX_UNPACKED_BYTES", 100)
    message = refused(own_unit, own_staff, sample_upload("docx"))
    assert message == ZIP_BOMB


def test_archive_with_too_many_entries_is_refused(own_unit, own_staff, monkeypatch, evidence_root):
    monkeypatch.setattr(sniff, "ZIP_MAX_ENTRIES", 10)
    message = refused(own_unit, own_staff, SimpleUploadedFile("a.docx", many_entries_docx(20)))
    assert message == "压缩文档包含的条目过多（超过 10 个），已拒绝。"
    assert files_under(evidence_root) == []


# --- size, emptiness, quota -------------------------------------------------------------------


def test_default_size_limit_message():
    assert too_large_message(20 * 1024 * 1024) == "文件超过 20 MB 上限。"
    assert too_large_message(500 * 1024 * 1024) == "文件超过 500 MB 上限。"


def test_oversize_file_is_refused_and_nothing_kept(settings, own_unit, own_staff, evidence_root):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    content = pdf_bytes() + b"%" + b"0" * (1024 * 1024)
    message = refused(own_unit, own_staff, SimpleUploadedFile("big.pdf", content))
    assert message == "文件超过 1 MB 上限。"
    assert EvidenceFile.objects.count() == 0
    assert files_under(evidence_root) == []


def test_video_has_its_own_limit(settings, own_unit, own_staff, evidence_root):
    settings.EVIDENCE_MAX_BYTES = 1000
    settings.EVIDENCE_VIDEO_MAX_BYTES = 10_000
    video = store_upload(
        unit=own_unit, upload=SimpleUploadedFile("v.mp4", mp4_bytes(5000)), actor=own_staff
    )
    assert video.kind == "mp4"
    # The same 5 KB as a PDF is over the document limit.
    message = refused(own_unit, own_staff, SimpleUploadedFile("d.pdf", pdf_bytes() + b"0" * 5000))
    assert message == too_large_message(1000)
    settings.EVIDENCE_VIDEO_MAX_BYTES = 4000
    assert refused(own_unit, own_staff, SimpleUploadedFile("v2.mp4", mp4_bytes(5000))) == (
        too_large_message(4000)
    )
    assert files_under(evidence_root) == [path_for(video.stored_name)]


def test_empty_file_is_refused(own_unit, own_staff, evidence_root):
    assert refused(own_unit, own_staff, SimpleUploadedFile("空.pdf", b"")) == EMPTY
    assert EvidenceFile.objects.count() == 0
    assert files_under(evidence_root) == []


def test_unit_quota_is_enforced_per_unit(settings, own_unit, other_unit, own_staff, other_staff):
    settings.EVIDENCE_UNIT_QUOTA_BYTES = len(pdf_bytes("a")) * 2 - 1
    first = store_upload(
        unit=own_unit, upload=sample_upload("pdf", content=pdf_bytes("a")), actor=own_staff
    )
    assert refused(own_unit, own_staff, sample_upload("pdf", content=pdf_bytes("b"))) == QUOTA
    assert list(EvidenceFile.objects.filter(owner_unit=own_unit)) == [first]
    # Another unit has its own quota.
    store_upload(
        unit=other_unit, upload=sample_upload("pdf", content=pdf_bytes("b")), actor=other_staff
    )


# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\system32\\报告.pdf", "报告.pdf"),
        ("C:\\Users\\张三\\桌面\\检查记录.pdf", "检查记录.pdf"),
        ("bad\x00na\x07me\x1b.pdf", "badname.pdf"),
        ("line\nbreak\ttab.pdf", "line break tab.pdf"),
        ("report\u202efdp.exe", "reportfdp.exe.pdf"),  # right-to-left override dropped
        ("a" * 300 + ".pdf", "a" * 200 + ".pdf"),
        ("...", "未命名文件.pdf"),
        ("", "未命名文件.pdf"),
        (".pdf", "pdf.pdf"),
        ("notes.PDF", "notes.PDF"),
    ],
)
def test_sanitize_display_name(raw, expected):
    assert sanitize_display_name(raw, "pdf") == expected


@pytest.mark.parametrize(
    "raw", ["../../etc/passwd.pdf", "..\\..\\evil.pdf", "x\x00\x1f.pdf", "名" * 300 + ".pdf"]
)
def test_store_upload_sanitises_hostile_names(raw, own_unit, own_staff, evidence_root):
    upload = sample_upload("pdf")
    upload._name = raw  # as a hand-built request could deliver it, bypassing Django's basename
    evidence = store_upload(unit=own_unit, upload=upload, actor=own_staff)
    assert "/" not in evidence.original_name and "\\" not in evidence.original_name
    assert all(ord(ch) >= 32 for ch in evidence.original_name)
    assert len(evidence.original_name) <= 204
    assert evidence.original_name.endswith(".pdf")
    assert path_for(evidence.stored_name).parent.parent.parent == evidence_root.resolve()


# --- duplicates -------------------------------------------------------------------------------


def test_duplicate_within_unit_is_flagged_not_refused(own_unit, other_unit, own_staff, other_staff):
    first = store_upload(unit=own_unit, upload=sample_upload("png"), actor=own_staff)
    second = store_upload(
        unit=own_unit, upload=sample_upload("png", name="again.png"), actor=own_staff
    )
    elsewhere = store_upload(unit=other_unit, upload=sample_upload("png"), actor=other_staff)
    different = store_upload(
        unit=own_unit, upload=sample_upload("png", content=png_bytes(seed=9)), actor=own_staff
    )
    assert second.duplicate_of == first
    assert second.sha256 == first.sha256
    assert elsewhere.duplicate_of is None
    assert different.duplicate_of is None


def test_duplicate_points_at_earliest_file_not_withdrawn(own_unit, own_staff):
    first = store_upload(unit=own_unit, upload=sample_upload("pdf"), actor=own_staff)
    second = store_upload(unit=own_unit, upload=sample_upload("pdf"), actor=own_staff)
    withdraw_evidence(evidence=first, actor=own_staff, reason="上传错了", expected_version=1)
    third = store_upload(unit=own_unit, upload=sample_upload("pdf"), actor=own_staff)
    assert third.duplicate_of == second


# --- streaming --------------------------------------------------------------------------------


class ChunksOnly(UploadedFile):
    """An upload that fails the test if anything reads it whole."""

    def __init__(self, parts: list[bytes]):
        super().__init__(None, "stream.mp4", "video/mp4", sum(map(len, parts)))
        self.parts = parts

    def read(self, *args, **kwargs):
        raise AssertionError("read whole into memory")

    def chunks(self, chunk_size=None):
        yield from self.parts


def test_store_upload_streams_chunks_and_hashes_as_it_writes(own_unit, own_staff):
    parts = [mp4_header()] + [bytes([n]) * 65536 for n in range(8)]
    evidence = store_upload(unit=own_unit, upload=ChunksOnly(parts), actor=own_staff)
    assert evidence.sha256 == hashlib.sha256(b"".join(parts)).hexdigest()
    assert evidence.size == sum(map(len, parts))


def test_spool_stops_writing_past_the_limit(settings, evidence_root):
    settings.EVIDENCE_MAX_BYTES = 100
    spool = Spool()
    spool.write(b"%PDF-" + b"0" * 50)
    assert spool.path is not None and spool.path.exists()
    spool.write(b"0" * 100)
    assert spool.oversize and spool.path is None
    assert files_under(evidence_root) == []
    assert spool.size == 155


# --- access in the service --------------------------------------------------------------------


def test_store_upload_checks_access(own_unit, other_staff, reviewer, evidence_root):
    with pytest.raises(Http404):
        store_upload(unit=own_unit, upload=sample_upload("pdf"), actor=other_staff)
    with pytest.raises(PermissionDenied):
        store_upload(unit=own_unit, upload=sample_upload("pdf"), actor=reviewer)
    assert EvidenceFile.objects.count() == 0
    assert files_under(evidence_root) == []


def test_campaign_admin_may_upload_for_any_unit(own_unit, campaign_admin):
    evidence = store_upload(unit=own_unit, upload=sample_upload("xlsx"), actor=campaign_admin)
    assert evidence.kind == "xlsx"


# --- withdraw ---------------------------------------------------------------------------------


def test_withdraw_keeps_file_and_records_history(stored, own_staff):
    evidence = stored("pdf")
    result = withdraw_evidence(
        evidence=evidence, actor=own_staff, reason="材料有误，重新上传", expected_version=1
    )
    row = EvidenceFile.objects.get(pk=evidence.pk)
    assert row == result
    assert row.is_withdrawn and row.withdrawn_by == own_staff
    assert row.withdraw_reason == "材料有误，重新上传"
    assert row.version == 2
    assert path_for(row.stored_name).exists()  # never deleted
    history = list(row.history.order_by("history_date", "history_id"))
    assert [h.history_type for h in history] == ["+", "~"]
    assert history[-1].history_user == own_staff
    assert history[-1].withdrawn_at == row.withdrawn_at
    assert history[-1].version == 2


def test_withdraw_with_stale_version_is_refused_and_changes_nothing(stored, own_staff, own_unit):
    from tests.factories import UserFactory

    colleague = UserFactory(username="colleague", unit=own_unit)
    evidence = stored("pdf")
    # Both load the page at version 1; the colleague withdraws first.
    withdraw_evidence(evidence=evidence, actor=colleague, reason="重复", expected_version=1)
    with pytest.raises(ValidationError) as excinfo:
        withdraw_evidence(
            evidence=evidence, actor=own_staff, reason="另一个原因", expected_version=1
        )
    assert excinfo.value.code == "stale_version"
    assert "已被他人修改" in excinfo.value.messages[0]
    row = EvidenceFile.objects.get(pk=evidence.pk)
    assert (row.version, row.withdrawn_by, row.withdraw_reason) == (2, colleague, "重复")
    assert row.history.count() == 2


def test_withdraw_with_wrong_version_on_live_file_changes_nothing(stored, own_staff):
    evidence = stored("png")
    with pytest.raises(ValidationError) as excinfo:
        withdraw_evidence(evidence=evidence, actor=own_staff, reason="x", expected_version=7)
    assert excinfo.value.code == "stale_version"
    row = EvidenceFile.objects.get(pk=evidence.pk)
    assert (row.version, row.withdrawn_at, row.withdraw_reason) == (1, None, "")
    assert row.history.count() == 1


def test_withdraw_twice_with_current_version_says_already_withdrawn(stored, own_staff):
    evidence = stored("pdf")
    withdraw_evidence(evidence=evidence, actor=own_staff, reason="x", expected_version=1)
    with pytest.raises(ValidationError) as excinfo:
        withdraw_evidence(evidence=evidence, actor=own_staff, reason="y", expected_version=2)
    assert excinfo.value.messages == ["该文件已撤回。"]


def test_withdraw_needs_a_reason(stored, own_staff):
    evidence = stored("pdf")
    with pytest.raises(ValidationError) as excinfo:
        withdraw_evidence(evidence=evidence, actor=own_staff, reason="  ", expected_version=1)
    assert excinfo.value.messages == ["请填写撤回原因。"]
    assert EvidenceFile.objects.get(pk=evidence.pk).version == 1


def test_withdraw_checks_access(stored, reviewer, other_staff):
    evidence = stored("pdf")
    with pytest.raises(PermissionDenied):
        withdraw_evidence(evidence=evidence, actor=reviewer, reason="x", expected_version=1)
    with pytest.raises(Http404):
        withdraw_evidence(evidence=evidence, actor=other_staff, reason="x", expected_version=1)
    assert EvidenceFile.objects.get(pk=evidence.pk).version == 1


def test_sweep_incoming_deletes_only_stale_spool_files(evidence_root, stored):
    import io
    import os
    import time

    from django.core.management import call_command

    kept = stored("pdf")
    incoming = evidence_root / ".incoming"
    stale, fresh = incoming / "up-stale.part", incoming / "up-fresh.part"
    stale.write_bytes(b"x")
    fresh.write_bytes(b"y")
    two_days_ago = time.time() - 2 * 86400
    os.utime(stale, (two_days_ago, two_days_ago))
    out = io.StringIO()
    call_command("evidence_sweep_incoming", stdout=out)
    assert out.getvalue().strip() == "已删除 1 个中断上传的临时文件。"
    assert not stale.exists() and fresh.exists()
    assert path_for(kept.stored_name).exists()


def test_failed_row_write_leaves_no_file(own_unit, own_staff, evidence_root, monkeypatch):
    from django.db import DatabaseError

    def broken_save(self, *args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(EvidenceFile, "save", broken_save)
    with pytest.raises(DatabaseError):
        store_upload(unit=own_unit, upload=sample_upload("pdf"), actor=own_staff)
    assert files_under(evidence_root) == []
