"""Long-running work (imports, exports, recomputation) that a person waits for behind a
progress page. The Celery task updates the row; the page polls it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class Job(models.Model):
    kind = models.CharField(
        "任务类型", max_length=40, help_text="如 export_ranking、import_officers"
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="练兵活动",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="jobs",
    )
    status = models.CharField(
        "状态", max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    message = models.CharField("当前说明", max_length=300, blank=True)
    params = models.JSONField("参数", default=dict, blank=True)
    result = models.JSONField("结果", default=dict, blank=True)
    input_file = models.CharField("输入文件", max_length=300, blank=True)
    output_file = models.CharField("输出文件", max_length=300, blank=True)
    output_name = models.CharField("下载文件名", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="job_progress_at_most_100"),
        ]
        indexes = [
            # "My recent jobs" list on the import/export pages.
            models.Index(fields=["created_by", "-created_at"], name="job_owner_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}（{self.get_status_display()}）"
