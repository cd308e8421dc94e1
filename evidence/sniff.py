"""Decide what a file is from its bytes, never from its name or the browser's content type.

DOCX and XLSX are ZIP archives: their central directory is checked for entry count, total
unpacked size and compression ratio before a single entry is read, so a zip bomb is refused
without being inflated. Only then is ``[Content_Types].xml`` read (bounded) to tell a Word
document from a workbook; it is searched as bytes, never parsed as XML.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evidence.enums import EvidenceKind

WRONG_CONTENT = gettext_lazy("文件内容与扩展名不符：只接受 PDF、JPEG、PNG、DOCX、XLSX、MP4。")
ZIP_BOMB = gettext_lazy("压缩文档解压后过大，疑似压缩炸弹，已拒绝。")

# Limits on DOCX/XLSX archives. Real documents of a few hundred pages stay far below them.
ZIP_MAX_ENTRIES = 2_000
ZIP_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# Office XML compresses 5–30×; a ratio far beyond that on a sizeable entry is a bomb.
ZIP_MAX_RATIO = 200
ZIP_RATIO_MIN_ENTRY_BYTES = 1024 * 1024
CONTENT_TYPES_MAX_BYTES = 256 * 1024

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
ZIP_SIGNATURE = b"PK\x03\x04"
# ISO base media brands of MP4 files (phones, cameras, screen recorders); QuickTime (`qt  `)
# and 3GP are not MP4 and are refused.
MP4_BRANDS = frozenset(
    {
        b"isom",
        b"iso2",
        b"iso3",
        b"iso4",
        b"iso5",
        b"iso6",
        b"mp41",
        b"mp42",
        b"avc1",
        b"M4V ",
        b"dash",
        b"mmp4",
        b"MSNV",
        b"f4v ",
    }
)

DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def sniff_kind(head: bytes, path: Path) -> EvidenceKind:
    """The kind of the file at `path` whose first bytes are `head`; ValidationError if none."""
    if head.startswith(b"%PDF-"):
        return EvidenceKind.PDF
    if head.startswith(JPEG_SIGNATURE):
        return EvidenceKind.JPEG
    if head.startswith(PNG_SIGNATURE):
        return EvidenceKind.PNG
    if _is_mp4(head):
        return EvidenceKind.MP4
    if head.startswith(ZIP_SIGNATURE):
        return _office_kind(path)
    raise ValidationError(WRONG_CONTENT, code="wrong_content")


def _is_mp4(head: bytes) -> bool:
    # An MP4 opens with an `ftyp` box: 4-byte size, b"ftyp", 4-byte major brand.
    if len(head) < 12 or head[4:8] != b"ftyp":
        return False
    box_size = int.from_bytes(head[0:4], "big")
    return 12 <= box_size <= 4096 and head[8:12] in MP4_BRANDS


def check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse a bomb from the central directory alone (nothing is inflated here)."""
    entries = archive.infolist()
    if len(entries) > ZIP_MAX_ENTRIES:
        raise ValidationError(
            _("压缩文档包含的条目过多（超过 %(n)s 个），已拒绝。") % {"n": ZIP_MAX_ENTRIES},
            code="zip_entries",
        )
    total = 0
    for entry in entries:
        total += entry.file_size
        if total > ZIP_MAX_UNPACKED_BYTES:
            raise ValidationError(ZIP_BOMB, code="zip_bomb")
        if entry.file_size > ZIP_RATIO_MIN_ENTRY_BYTES and entry.file_size > ZIP_MAX_RATIO * max(
            entry.compress_size, 1
        ):
            raise ValidationError(ZIP_BOMB, code="zip_bomb")


def _office_kind(path: Path) -> EvidenceKind:
    try:
        with zipfile.ZipFile(path) as archive:
            check_archive(archive)
            try:
                info = archive.getinfo("[Content_Types].xml")
            except KeyError:
                raise ValidationError(WRONG_CONTENT, code="wrong_content") from None
            if info.file_size > CONTENT_TYPES_MAX_BYTES or info.flag_bits & 0x1:  # encrypted
                raise ValidationError(WRONG_CONTENT, code="wrong_content")
            with archive.open(info) as stream:
                content_types = stream.read(CONTENT_TYPES_MAX_BYTES + 1)
            names = set(archive.namelist())
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        OSError,
        EOFError,
        zlib.error,
    ):
        raise ValidationError(WRONG_CONTENT, code="wrong_content") from None
    # The main part must be declared AND present; macro-enabled variants (.docm/.xlsm)
    # declare other content types and are refused.
    if DOCX_MAIN in content_types and "word/document.xml" in names:
        return EvidenceKind.DOCX
    if XLSX_MAIN in content_types and "xl/workbook.xml" in names:
        return EvidenceKind.XLSX
    raise ValidationError(WRONG_CONTENT, code="wrong_content")
