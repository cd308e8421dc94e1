"""Approval of a pinned rubric's shortlist (审定), its public notice (公示) and the objections
raised against it (异议, seed 003: "向社会公布先进个人候选名单，并公布举报电话").

An approval freezes what the office submitted: one ApprovalEntry per current ScoreSnapshot of
the pin at that moment, with its rank, total and result digest, and whether build_shortlist
selected it. Later fact changes never edit these rows; they make the approval stale
(publication.services.approvals.is_stale) and a new submission is needed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from publication.enums import ApprovalStatus, ObjectionStatus
from scoring.models import POINTS_DIGITS, POINTS_PLACES


class ShortlistApproval(models.Model):
    """One submission of a pin's ranking and shortlist to the leadership group, and its fate."""

    campaign_rubric = models.ForeignKey(
        "scoring.CampaignRubric",
        verbose_name="活动评分细则",
        on_delete=models.PROTECT,
        related_name="approvals",
    )
    status = models.CharField(
        "状态", max_length=20, choices=ApprovalStatus.choices, default=ApprovalStatus.SUBMITTED
    )
    fingerprint = models.CharField(
        "快照指纹",
        max_length=64,
        help_text="报送时全部当前得分快照（编号、名次、结果摘要）的 SHA-256；不一致即已过期。",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报送人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField("报送时间")
    note = models.TextField("报送说明", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审定人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("审定时间", null=True, blank=True)
    comments = models.TextField("审定意见", blank=True)
    warnings = models.JSONField("名单提示", default=list, blank=True)
    history = HistoricalRecords(verbose_name="审定历史")

    class Meta:
        verbose_name = "名单审定"
        verbose_name_plural = "名单审定"
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            # Also the index of "the pending submission of this pin".
            models.UniqueConstraint(
                fields=["campaign_rubric"],
                condition=Q(status=ApprovalStatus.SUBMITTED),
                name="approval_one_pending_per_pin",
                violation_error_message="该评分细则已有一份待审定的名单。",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[ApprovalStatus.APPROVED, ApprovalStatus.RETURNED],
                    decided_by__isnull=False,
                    decided_at__isnull=False,
                )
                | ~Q(status__in=[ApprovalStatus.APPROVED, ApprovalStatus.RETURNED]),
                name="approval_decision_recorded",
                violation_error_message="审定或退回须记录审定人和时间。",
            ),
        ]
        indexes = [
            # Results pages: the latest approved list of each pin.
            models.Index(
                fields=["campaign_rubric", "status", "-decided_at"], name="approval_pin_status"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.campaign_rubric} · {self.get_status_display()} · {self.submitted_at:%Y-%m-%d}"
        )


class ApprovalEntry(models.Model):
    """A candidate's frozen place in a submitted list: its snapshot, rank, total and digest."""

    approval = models.ForeignKey(
        ShortlistApproval,
        verbose_name="名单审定",
        on_delete=models.CASCADE,  # approvals themselves are never deleted (PROTECT upstream)
        related_name="entries",
    )
    position = models.PositiveIntegerField("序号")
    candidate = models.ForeignKey(
        "scoring.Candidate", verbose_name="参评对象", on_delete=models.PROTECT, related_name="+"
    )
    snapshot = models.ForeignKey(
        "scoring.ScoreSnapshot",
        verbose_name="得分快照",
        on_delete=models.PROTECT,
        related_name="+",
    )
    rank = models.PositiveIntegerField("名次", null=True, blank=True)
    total = models.DecimalField("总分", max_digits=POINTS_DIGITS, decimal_places=POINTS_PLACES)
    result_digest = models.CharField("结果摘要", max_length=32)
    selected = models.BooleanField("入选", default=False)
    excluded = models.BooleanField("否决或不符合条件", default=False)
    reasons = models.JSONField("理由", default=list, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "审定名单条目"
        verbose_name_plural = "审定名单条目"
        ordering = ["approval_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["approval", "candidate"], name="approval_entry_once_per_candidate"
            ),
            models.UniqueConstraint(
                fields=["approval", "position"], name="approval_entry_unique_position"
            ),
            models.CheckConstraint(
                condition=~Q(selected=True, excluded=True),
                name="approval_entry_selected_not_excluded",
                violation_error_message="被否决的参评对象不能入选。",
            ),
        ]
        indexes = [
            # The public page and the results page read the selected rows of one approval.
            models.Index(
                fields=["approval", "position"],
                condition=Q(selected=True),
                name="approval_entry_selected",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.approval_id} · {self.position}. {self.candidate_id}"


class Notice(models.Model):
    """The public notice (公示) of an approved list: open to everyone, no login, for its period."""

    approval = models.OneToOneField(
        ShortlistApproval,
        verbose_name="审定名单",
        on_delete=models.PROTECT,
        related_name="notice",
    )
    title = models.CharField("公示标题", max_length=200)
    starts_at = models.DateTimeField("公示开始")
    ends_at = models.DateTimeField("公示结束")
    how_to_object = models.TextField(
        "异议受理方式", help_text="如举报电话、受理部门和地址；显示在公示页面上。"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发布人", on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField("发布时间")
    history = HistoricalRecords(verbose_name="公示历史")

    class Meta:
        verbose_name = "公示"
        verbose_name_plural = "公示"
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="notice_ends_after_start",
                violation_error_message="公示结束时间必须晚于开始时间。",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Objection(models.Model):
    """An objection to a published candidate, with the objector's contact details (visible only
    to the office) and the office's investigation and outcome."""

    notice = models.ForeignKey(
        Notice, verbose_name="公示", on_delete=models.PROTECT, related_name="objections"
    )
    entry = models.ForeignKey(
        ApprovalEntry,
        verbose_name="被反映的候选对象",
        on_delete=models.PROTECT,
        related_name="objections",
    )
    objector_name = models.CharField("反映人姓名", max_length=50)
    objector_phone = models.CharField("联系电话", max_length=30)
    objector_email = models.EmailField("电子邮箱", blank=True)
    content = models.TextField("反映内容")
    client_address = models.GenericIPAddressField("提交地址", null=True, blank=True)
    submitted_at = models.DateTimeField("提交时间")
    status = models.CharField(
        "处理状态",
        max_length=20,
        choices=ObjectionStatus.choices,
        default=ObjectionStatus.RECEIVED,
    )
    investigation = models.TextField("调查核实情况", blank=True)
    outcome = models.TextField("处理结论", blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)
    veto_fact = models.ForeignKey(
        "scoring.Fact",
        verbose_name="形成的否决事实",
        on_delete=models.SET_NULL,  # a retracted fact keeps its value in the fact's history
        null=True,
        blank=True,
        related_name="+",
    )
    veto_key = models.CharField("否决事实键", max_length=64, blank=True)
    history = HistoricalRecords(verbose_name="异议处理历史")

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ObjectionStatus.UPHELD) | ~Q(veto_key=""),
                name="objection_upheld_has_veto_key",
                violation_error_message="经查属实的异议须指明形成的否决事实。",
            ),
        ]
        indexes = [
            # The office's list of one notice's objections, newest first.
            models.Index(fields=["notice", "-submitted_at"], name="objection_notice_time"),
        ]

    def __str__(self) -> str:
        return f"异议 #{self.pk} · {self.get_status_display()}"


class ObjectionAttachment(models.Model):
    """A file attached to an objection, stored beside evidence (outside the web root) and served
    only to the office."""

    objection = models.ForeignKey(
        Objection, verbose_name="公示异议", on_delete=models.PROTECT, related_name="attachments"
    )
    original_name = models.CharField("文件名", max_length=255)
    stored_name = models.CharField("存储名", max_length=255, unique=True)
    kind = models.CharField("类型", max_length=10)
    content_type = models.CharField("内容类型", max_length=100)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)

    class Meta:
        verbose_name = "异议附件"
        verbose_name_plural = "异议附件"
        ordering = ["objection_id", "pk"]

    def __str__(self) -> str:
        return self.original_name
