"""Self-assessment claims (自评申报), their evidence links, nominations and monthly reports.

A claim is what a unit says about one scoring item of one candidate: the values of the facts
the item reads. Nothing here is a score: a reviewer's verified values become `scoring.Fact`
rows through `scoring.services.record_facts`, and only facts feed scores. Every write goes
through `submissions.services`; the state moves only through `services.workflow.transition`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from submissions.enums import ClaimStatus, NominationStatus, ReportKind

POINTS = {"max_digits": 14, "decimal_places": 6}


class Claim(models.Model):
    """One candidate × one rubric item: the claimed fact values and, beside them, the review."""

    candidate = models.ForeignKey(
        "scoring.Candidate",
        verbose_name="参评对象",
        on_delete=models.PROTECT,
        related_name="claims",
        db_index=False,  # the (candidate, item_id) unique index leads with it
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="练兵活动",
        on_delete=models.PROTECT,
        related_name="claims",
    )
    owner_unit = models.ForeignKey(
        "campaigns.OrgUnit",
        verbose_name="申报单位",
        on_delete=models.PROTECT,
        related_name="claims",
        help_text="参评对象的所属单位；访问范围按它判断。",
    )
    item_id = models.CharField("评分项编号", max_length=64)
    indicator_id = models.CharField("所属指标编号", max_length=64, blank=True)
    values = models.JSONField("申报取值", default=dict, blank=True)
    claimed_points = models.DecimalField("申报得分（系统计算）", default=Decimal(0), **POINTS)
    status = models.CharField(
        "状态", max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_values = models.JSONField("认定取值", null=True, blank=True)
    verified_points = models.DecimalField("认定得分", null=True, blank=True, **POINTS)
    review_comment = models.TextField("复核意见（调整理由或退回说明）", blank=True)
    evidence_checked = models.BooleanField("佐证已核对", default=False)
    reviewed_at = models.DateTimeField("复核时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="复核人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)
    history = HistoricalRecords(verbose_name="自评申报历史")

    class Meta:
        verbose_name = "自评申报"
        verbose_name_plural = "自评申报"
        ordering = ["candidate_id", "pk"]
        constraints = [
            # Also the index of the self-assessment page: "the claims of candidate X".
            models.UniqueConstraint(
                fields=["candidate", "item_id"],
                name="claim_once_per_candidate_item",
                violation_error_message="该参评对象的这一评分项已有申报。",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="claim_version_positive"),
        ]
        indexes = [
            # The reviewer queue: WHERE campaign = … AND status = … [AND owner_unit = …].
            models.Index(fields=["campaign", "status", "owner_unit"], name="claim_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id} · {self.item_id} · {self.get_status_display()}"

    @property
    def is_editable(self) -> bool:
        return self.status in (ClaimStatus.DRAFT, ClaimStatus.RETURNED)

    @property
    def points_differ(self) -> bool:
        return self.verified_points is not None and self.verified_points != self.claimed_points


class ClaimEvidence(models.Model):
    """A file attached to a claim. Never deleted: detaching stamps `detached_at`, so reviewers
    still see what was attached once. The file itself is PROTECTed."""

    claim = models.ForeignKey(
        Claim, verbose_name="自评申报", on_delete=models.PROTECT, related_name="evidence_links"
    )
    file = models.ForeignKey(
        "evidence.EvidenceFile",
        verbose_name="佐证材料",
        on_delete=models.PROTECT,
        related_name="claim_links",
    )
    attached_at = models.DateTimeField("附加时间", default=timezone.now)
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="附加人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    detached_at = models.DateTimeField("移除时间", null=True, blank=True)
    detached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="移除人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords(verbose_name="申报佐证历史")

    class Meta:
        verbose_name = "申报佐证"
        verbose_name_plural = "申报佐证"
        ordering = ["claim_id", "attached_at", "pk"]
        constraints = [
            # A file is attached to a claim at most once at a time (re-attaching after a
            # detach makes a new row, so the history shows both).
            models.UniqueConstraint(
                fields=["claim", "file"],
                condition=Q(detached_at__isnull=True),
                name="claim_evidence_once_attached",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} · {self.file_id}"

    @property
    def is_detached(self) -> bool:
        return self.detached_at is not None


class Nomination(models.Model):
    """An officer nominated by a unit for a campaign's individual rubric (within its quota).

    Nominating registers (or reactivates) the officer as a scoring Candidate; withdrawing
    deactivates it. The row stays, so the history shows every nomination."""

    campaign_rubric = models.ForeignKey(
        "scoring.CampaignRubric",
        verbose_name="个人评分细则",
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    unit = models.ForeignKey(
        "campaigns.OrgUnit",
        verbose_name="推荐单位",
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    officer = models.ForeignKey(
        "campaigns.Officer",
        verbose_name="被推荐人",
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    candidate = models.ForeignKey(
        "scoring.Candidate",
        verbose_name="参评对象",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=20, choices=NominationStatus.choices, default=NominationStatus.ACTIVE
    )
    eligibility_values = models.JSONField("资格确认", default=dict, blank=True)
    evidence = models.ManyToManyField(
        "evidence.EvidenceFile",
        verbose_name="证明材料",
        blank=True,
        related_name="nominations",
        help_text="如廉洁执法证明（seed 003）。",
    )
    nominated_at = models.DateTimeField("推荐时间", default=timezone.now)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="推荐人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords(verbose_name="推荐历史")

    class Meta:
        verbose_name = "个人推荐"
        verbose_name_plural = "个人推荐"
        ordering = ["campaign_rubric_id", "unit_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign_rubric", "officer"],
                name="nomination_once_per_rubric",
                violation_error_message="该执法人员已被推荐。",
            ),
        ]
        indexes = [
            # Quota check: active nominations of a unit under a pinned rubric.
            models.Index(fields=["campaign_rubric", "unit", "status"], name="nomination_quota"),
        ]

    def __str__(self) -> str:
        return f"{self.officer_id} @ {self.campaign_rubric_id} ({self.get_status_display()})"


class NominationTally(models.Model):
    """How many active nominations a unit has under a pinned individual rubric: the row the
    quota is enforced on. Nominating raises it with one conditional UPDATE
    (`… SET active = active + 1 WHERE active < quota`), which holds on every database: two
    staff nominating at once cannot both take the last place (PostgreSQL makes the second
    UPDATE wait for the first and re-checks it; SQLite runs writers one at a time), where a
    count followed by an insert would let both through. Only `services.nominations` writes it,
    in the same transaction as the nomination."""

    campaign_rubric = models.ForeignKey(
        "scoring.CampaignRubric",
        verbose_name="个人评分细则",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the unique (campaign_rubric, unit) index leads with it
    )
    unit = models.ForeignKey(
        "campaigns.OrgUnit", verbose_name="推荐单位", on_delete=models.CASCADE, related_name="+"
    )
    active = models.PositiveIntegerField("有效推荐人数", default=0)

    class Meta:
        verbose_name = "推荐名额占用"
        verbose_name_plural = "推荐名额占用"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign_rubric", "unit"], name="nomination_tally_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_rubric_id} · {self.unit_id}: {self.active}"


class ReportSchedule(models.Model):
    """The due day of a monthly report kind in a campaign (defaults: statistics 3, briefing 25)."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="练兵活动",
        on_delete=models.CASCADE,
        related_name="report_schedules",
    )
    kind = models.CharField("报送类型", max_length=20, choices=ReportKind.choices)
    due_day = models.PositiveSmallIntegerField("每月截止日", help_text="1–28。")

    class Meta:
        verbose_name = "月度报送安排"
        verbose_name_plural = "月度报送安排"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind"], name="report_schedule_unique"),
            models.CheckConstraint(
                condition=Q(due_day__gte=1, due_day__lte=28),
                name="report_schedule_due_day_range",
                violation_error_message="每月截止日应在 1 到 28 之间。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} · {self.get_kind_display()} · {self.due_day}"


class MonthlyReport(models.Model):
    """A unit's monthly report (statistics or briefing) for one month of a campaign."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="练兵活动",
        on_delete=models.PROTECT,
        related_name="monthly_reports",
    )
    unit = models.ForeignKey(
        "campaigns.OrgUnit",
        verbose_name="报送单位",
        on_delete=models.PROTECT,
        related_name="monthly_reports",
    )
    kind = models.CharField("报送类型", max_length=20, choices=ReportKind.choices)
    period = models.DateField("所属月份", help_text="该月第一天。")
    content = models.TextField("内容", blank=True)
    evidence = models.ManyToManyField(
        "evidence.EvidenceFile",
        verbose_name="附件",
        blank=True,
        related_name="monthly_reports",
        help_text="只增不减：更正报送时可追加附件，已附的文件保留。",
    )
    submitted_at = models.DateTimeField("报送时间", default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报送人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords(verbose_name="月度报送历史")

    class Meta:
        verbose_name = "月度报送"
        verbose_name_plural = "月度报送"
        ordering = ["campaign_id", "-period", "unit_id", "kind"]
        constraints = [
            # Also the index of "who is late": WHERE campaign = … AND kind = … AND period = ….
            models.UniqueConstraint(
                fields=["campaign", "kind", "period", "unit"],
                name="monthly_report_once_per_month",
                violation_error_message="本单位该月的这类报送已提交。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.get_kind_display()} · {self.period:%Y-%m}"
