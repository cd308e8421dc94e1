"""The kinds of evidence file accepted, decided by content (see `evidence.sniff`)."""

from django.db import models


class EvidenceKind(models.TextChoices):
    PDF = "pdf", "PDF 文档"
    JPEG = "jpeg", "JPEG 图片"
    PNG = "png", "PNG 图片"
    DOCX = "docx", "Word 文档（DOCX）"
    XLSX = "xlsx", "Excel 表格（XLSX）"
    MP4 = "mp4", "MP4 视频"


CONTENT_TYPES: dict[str, str] = {
    EvidenceKind.PDF: "application/pdf",
    EvidenceKind.JPEG: "image/jpeg",
    EvidenceKind.PNG: "image/png",
    EvidenceKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    EvidenceKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    EvidenceKind.MP4: "video/mp4",
}

# The extensions a display name may keep for each kind; the first is the one added otherwise.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    EvidenceKind.PDF: (".pdf",),
    EvidenceKind.JPEG: (".jpg", ".jpeg", ".jpe"),
    EvidenceKind.PNG: (".png",),
    EvidenceKind.DOCX: (".docx",),
    EvidenceKind.XLSX: (".xlsx",),
    EvidenceKind.MP4: (".mp4", ".m4v"),
}

# Shown inline by the preview view; everything else is download-only.
PREVIEWABLE = frozenset({EvidenceKind.PDF, EvidenceKind.JPEG, EvidenceKind.PNG})
