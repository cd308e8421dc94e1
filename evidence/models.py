"""Evidence files (佐证材料): stored outside the web root, served only through checked views.

A row is never deleted: a unit withdraws a file (who, when, why) and reviewers still see it,
marked withdrawn. Every write goes through `evidence.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from evidence.enums import PREVIEWABLE, EvidenceKind


class EvidenceFile(models.Model):
    """One uploaded file of one unit. Claims link to it; it knows nothing about claims."""

    owner_unit = models.ForeignKey(
        "campaigns.OrgUnit",
        verbose_name="所属单位",
        on_delete=models.PROTECT,
        related_name="evidence_files",
        # The (owner_unit, sha256) and (owner_unit, uploaded_at) indexes lead with it.
        db_index=False,
    )
    original_name = models.CharField(
        "文件名", max_length=255, help_text="上传时的文件名，已清理，仅用于显示和下载。"
    )
    stored_name = models.CharField(
        "存储名",
        max_length=100,
        unique=True,
        editable=False,
        help_text="系统生成的相对路径（EVIDENCE_ROOT 之下），与上传文件名无关。",
    )
    kind = models.CharField("文件类型", max_length=10, choices=EvidenceKind.choices)
    content_type = models.CharField("内容类型", max_length=100)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name="重复于",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        help_text="本单位此前上传的内容相同的文件（仅提示，不拒绝）。",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="撤回人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdraw_reason = models.TextField("撤回原因", blank=True)
    version = models.PositiveIntegerField(
        "版本", default=1, help_text="每次修改加一；修改时核对，防止互相覆盖。"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ("-uploaded_at", "-pk")
        indexes = (
            # store_upload: "an earlier file of this unit with the same content?"
            models.Index(fields=["owner_unit", "sha256"], name="evidence_unit_sha256"),
            # the unit's file list, newest first, and the quota sum over the unit's files
            models.Index(fields=["owner_unit", "-uploaded_at"], name="evidence_unit_uploaded"),
        )
        constraints = (
            models.CheckConstraint(
                condition=Q(size__gt=0),
                name="evidence_not_empty",
                violation_error_message="文件为空。",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=EvidenceKind.values), name="evidence_kind_known"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="evidence_version_positive"),
            models.CheckConstraint(
                condition=~Q(duplicate_of=F("pk")), name="evidence_not_own_duplicate"
            ),
            # Withdrawn means all three of when, who and why; not withdrawn means none of them.
            models.CheckConstraint(
                condition=(
                    Q(withdrawn_at__isnull=True, withdrawn_by__isnull=True, withdraw_reason="")
                    | (
                        Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False)
                        & ~Q(withdraw_reason="")
                    )
                ),
                name="evidence_withdrawal_complete",
                violation_error_message="撤回须同时记录撤回时间、撤回人和原因。",
            ),
        )

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def is_previewable(self) -> bool:
        return self.kind in PREVIEWABLE
