"""The case registry, versioned review checklists, auditable draws, cross-review assignments and
file reviews. Fields, constraints and small properties only; `cases.services` does the writing.

The chain: CaseFile ─(Draw with an announced DrawSeed)→ SampledFile ─→ Assignment (reviewer)
─→ FileReview (marks, locked on submit) ─→ SampledFile.final_score ─→ a scoring Fact."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cases.enums import (
    Aggregation,
    AssignmentStatus,
    CaseType,
    DrawMethod,
    HandlerRole,
    SlotKind,
)


class Checklist(models.Model):
    """One checklist data file as loaded (e.g. cases/checklists/national-2024.yaml). Immutable:
    an edited file is a new row; reviews keep pointing at the version they were scored with."""

    key = models.CharField("评查表编号", max_length=64)
    version = models.CharField("版本", max_length=32)
    title = models.CharField("名称", max_length=200)
    content = models.TextField("评查表内容（YAML）")
    content_hash = models.CharField("内容哈希（SHA-256）", max_length=64)
    created_at = models.DateTimeField("载入时间", default=timezone.now)

    class Meta:
        verbose_name = "案卷评查表版本"
        verbose_name_plural = "案卷评查表版本"
        ordering = ("key", "-version")
        constraints = (
            models.UniqueConstraint(
                fields=["key", "version"],
                name="checklist_unique_version",
                violation_error_message="该评查表版本已存在；修改内容须使用新的版本号。",
            ),
        )

    def __str__(self) -> str:
        return f"{self.title}（{self.key}@{self.version}）"

    def parsed(self):  # -> cases.scoring.Checklist
        from cases.services import checklist_of

        return checklist_of(self)


class CaseFile(models.Model):
    """An enforcement case file (案卷) of a unit."""

    unit = models.ForeignKey(
        "campaigns.OrgUnit",
        verbose_name="办案单位",
        on_delete=models.PROTECT,
        related_name="case_files",
    )
    case_number = models.CharField("案件编号（文号）", max_length=80)
    case_type = models.CharField("案卷类型", max_length=30, choices=CaseType.choices)
    party_name = models.CharField("当事人", max_length=200, blank=True)
    decision_date = models.DateField("决定日期", null=True, blank=True)
    decision_published = models.BooleanField("处罚决定已在门户网站公开", default=False)
    decision_only = models.BooleanField(
        "系统中仅录入处罚决定书",
        default=False,
        help_text="种子 000：仅录入处罚决定书的案卷按 0 分计。",
    )
    # Scanned documents: CaseDocument rows link evidence.EvidenceFile uploads of the same unit.
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords(verbose_name="案卷登记历史")

    class Meta:
        verbose_name = "执法案卷"
        verbose_name_plural = "执法案卷"
        ordering = ("unit_id", "-decision_date", "case_number")
        constraints = (
            # Also the index of "a unit's files" (collective pools: WHERE unit_id = …).
            models.UniqueConstraint(
                fields=["unit", "case_number"],
                name="casefile_number_unique_per_unit",
                violation_error_message="本单位已登记该案件编号。",
            ),
        )
        indexes = (
            # Individual pools: files of a type decided inside the campaign window.
            models.Index(fields=["case_type", "decision_date"], name="casefile_type_date"),
        )

    def __str__(self) -> str:
        return f"{self.case_number}（{self.get_case_type_display()}）"


class CaseHandler(models.Model):
    """An officer's role on a case file; one row per role."""

    case_file = models.ForeignKey(
        CaseFile, verbose_name="案卷", on_delete=models.CASCADE, related_name="handlers"
    )
    officer = models.ForeignKey(
        "campaigns.Officer",
        verbose_name="执法人员",
        on_delete=models.PROTECT,
        related_name="case_roles",
    )
    role = models.CharField("角色", max_length=30, choices=HandlerRole.choices)

    class Meta:
        verbose_name = "案卷承办人"
        verbose_name_plural = "案卷承办人"
        ordering = ("case_file_id", "role", "officer_id")
        constraints = (
            models.UniqueConstraint(
                fields=["case_file", "officer", "role"],
                name="casehandler_unique_role",
                violation_error_message="该执法人员已登记为本案卷的这一角色。",
            ),
        )
        indexes = (
            # Individual pools: "files where officer X has role R".
            models.Index(fields=["officer", "role"], name="casehandler_officer_role"),
        )

    def __str__(self) -> str:
        return f"{self.case_file} · {self.officer} · {self.get_role_display()}"


class CaseDocument(models.Model):
    """A scanned document of a case file: an evidence upload of the case's own unit."""

    case_file = models.ForeignKey(
        CaseFile, verbose_name="案卷", on_delete=models.CASCADE, related_name="documents"
    )
    evidence = models.ForeignKey(
        "evidence.EvidenceFile",
        verbose_name="佐证材料文件",
        on_delete=models.PROTECT,
        related_name="case_documents",
    )
    label = models.CharField("文书名称", max_length=100, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "案卷扫描件"
        verbose_name_plural = "案卷扫描件"
        ordering = ("case_file_id", "sort_order", "pk")
        constraints = (
            models.UniqueConstraint(
                fields=["case_file", "evidence"],
                name="casedocument_once",
                violation_error_message="该文件已附在本案卷中。",
            ),
        )

    def __str__(self) -> str:
        return self.label or str(self.evidence_id)


class ReviewSettings(models.Model):
    """How a campaign reviews its files: the pinned checklist version, reviewers per file,
    loads, aggregation and the arbitration threshold."""

    campaign = models.OneToOneField(
        "campaigns.Campaign",
        verbose_name="练兵活动",
        on_delete=models.CASCADE,
        related_name="case_review_settings",
    )
    checklist = models.ForeignKey(
        Checklist, verbose_name="评查表版本", on_delete=models.PROTECT, related_name="+"
    )
    reviewers_per_file = models.PositiveSmallIntegerField("每份案卷评查人数", default=1)
    max_load = models.PositiveIntegerField("每人最多评查份数", default=20)
    aggregation = models.CharField(
        "多人评分合成方式", max_length=10, choices=Aggregation.choices, default=Aggregation.MEAN
    )
    spread_threshold = models.DecimalField(
        "提交主审的分差阈值", max_digits=6, decimal_places=2, default=Decimal(10)
    )
    no_reciprocal = models.BooleanField("禁止单位互评", default=False)
    rotation = models.JSONField(
        "轮换顺序",
        default=list,
        blank=True,
        help_text="单位编号按顺序排列，如 [A, B, C] 表示 A 评 B、B 评 C、C 评 A；留空表示不轮换。",
    )
    blind = models.BooleanField("盲评（隐藏单位和人员名称）", default=False)
    lead_reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="主审人员", blank=True, related_name="+"
    )
    history = HistoricalRecords(verbose_name="评查设置历史")

    class Meta:
        verbose_name = "案卷评查设置"
        verbose_name_plural = "案卷评查设置"
        constraints = (
            models.CheckConstraint(
                condition=Q(reviewers_per_file__gte=1) & Q(max_load__gte=1),
                name="reviewsettings_positive",
                violation_error_message="每份案卷评查人数和每人最多评查份数至少为 1。",
            ),
        )

    def __str__(self) -> str:
        return f"{self.campaign} · 案卷评查设置"


class DrawSeed(models.Model):
    """A random seed announced (e.g. by the office, in a meeting or notice) BEFORE any draw
    uses it. Draws reference it; it cannot be edited or deleted once used (PROTECT)."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="练兵活动",
        on_delete=models.PROTECT,
        related_name="draw_seeds",
    )
    value = models.CharField("随机种子", max_length=200)
    note = models.CharField("公布方式", max_length=200, blank=True)
    announced_at = models.DateTimeField("公布时间", default=timezone.now)
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="公布人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "抽取随机种子"
        verbose_name_plural = "抽取随机种子"
        ordering = ("campaign_id", "announced_at")
        constraints = (
            models.UniqueConstraint(
                fields=["campaign", "value"],
                name="drawseed_unique_per_campaign",
                violation_error_message="本活动已公布过该随机种子。",
            ),
            models.CheckConstraint(
                condition=~Q(value=""),
                name="drawseed_not_blank",
                violation_error_message="随机种子不能为空。",
            ),
        )

    def __str__(self) -> str:
        return self.value


class DrawRecord(models.Model):
    """What every auditable draw stores beside its seed and pool — case files here, contestants
    and inspection targets in competitions — so both are recorded and verified alike (the
    computation itself is cases.draws). Rows are immutable: a redraw is a new row with a
    reason and `replaces`, and the replaced draw stays visible."""

    pool_hash = models.CharField("可抽范围哈希（SHA-256）", max_length=64)
    result_ids = models.JSONField("抽取结果（抽取顺序）", default=list)
    reason = models.TextField("重新抽取理由", blank=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name="取代的抽取",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    drawn_at = models.DateTimeField("抽取时间", default=timezone.now)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="抽取人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True


def redraw_needs_reason(model_name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(replaces__isnull=True) | ~Q(reason=""),
        name=f"{model_name}_redraw_needs_reason",
        violation_error_message="重新抽取必须填写理由。",
    )


class Draw(DrawRecord):
    """One recorded random draw for one candidate's slot. Immutable. A redraw is a new row with
    a reason and `replaces`; the replaced draw stays visible.

    A SUBMITTED row records the files a unit chose for one type slot (seed 003) instead: no
    seed, the eligible pool at submission and the unit's choice as the result."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="练兵活动",
        on_delete=models.PROTECT,
        related_name="draws",
    )
    candidate = models.ForeignKey(
        "scoring.Candidate", verbose_name="参评对象", on_delete=models.PROTECT, related_name="draws"
    )
    purpose = models.CharField("用途", max_length=200)
    slot = models.CharField("抽取类别", max_length=20, choices=SlotKind.choices)
    count = models.PositiveSmallIntegerField("应抽份数")
    method = models.CharField(
        "方式", max_length=10, choices=DrawMethod.choices, default=DrawMethod.RANDOM
    )
    seed = models.ForeignKey(
        DrawSeed,
        verbose_name="随机种子",
        on_delete=models.PROTECT,
        related_name="draws",
        null=True,
        blank=True,
    )
    pool_ids = models.JSONField("可抽案卷（规范顺序）", default=list)

    class Meta:
        verbose_name = "案卷抽取记录"
        verbose_name_plural = "案卷抽取记录"
        ordering = ("campaign_id", "pk")
        constraints = (
            redraw_needs_reason("draw"),
            models.CheckConstraint(
                condition=Q(method=DrawMethod.SUBMITTED) | Q(seed__isnull=False),
                name="draw_random_needs_seed",
                violation_error_message="抽取前必须先公布随机种子，未填写种子不能抽取。",
            ),
        )
        indexes = (
            # Oversight page and eligibility: a campaign's draws per candidate.
            models.Index(fields=["campaign", "candidate"], name="draw_campaign_candidate"),
        )

    def __str__(self) -> str:
        return f"抽取 #{self.pk} · {self.purpose}"

    @property
    def shortfall(self) -> int:
        """Slots the pool could not fill: each scores 0 (seed 002: 系统中无…该案卷不得分)."""
        return max(0, self.count - len(self.result_ids))


class SampledFile(models.Model):
    """A file a draw picked, and its combined review result (with arbitration if flagged)."""

    draw = models.ForeignKey(
        Draw, verbose_name="抽取记录", on_delete=models.PROTECT, related_name="sampled"
    )
    case_file = models.ForeignKey(
        CaseFile, verbose_name="案卷", on_delete=models.PROTECT, related_name="samplings"
    )
    position = models.PositiveSmallIntegerField("抽取顺序")
    combined_score = models.DecimalField(
        "合成得分", max_digits=6, decimal_places=2, null=True, blank=True
    )
    spread = models.DecimalField("分差", max_digits=6, decimal_places=2, null=True, blank=True)
    flagged = models.BooleanField("待主审裁定", default=False)
    zeroed = models.BooleanField("零分案卷", default=False)
    seed002_defect = models.BooleanField("存在种子 002 所列 5 种情形之一", default=False)
    explanation = models.JSONField("计分说明", default=list, blank=True)
    arbitrated_score = models.DecimalField(
        "主审裁定得分", max_digits=6, decimal_places=2, null=True, blank=True
    )
    arbitration_reason = models.TextField("裁定理由", blank=True)
    arbitrated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="主审人员",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    arbitrated_at = models.DateTimeField("裁定时间", null=True, blank=True)
    final_score = models.DecimalField(
        "最终得分", max_digits=6, decimal_places=2, null=True, blank=True
    )
    history = HistoricalRecords(verbose_name="抽取案卷评查结果历史")

    class Meta:
        verbose_name = "抽取案卷"
        verbose_name_plural = "抽取案卷"
        ordering = ("draw_id", "position")
        constraints = (
            models.UniqueConstraint(fields=["draw", "case_file"], name="sampledfile_once_per_draw"),
            models.CheckConstraint(
                condition=Q(arbitrated_score__isnull=True) | ~Q(arbitration_reason=""),
                name="sampledfile_arbitration_needs_reason",
                violation_error_message="主审裁定必须写明理由。",
            ),
            models.CheckConstraint(
                condition=Q(final_score__isnull=True) | Q(final_score__gte=0, final_score__lte=200),
                name="sampledfile_final_score_range",
            ),
        )

    def __str__(self) -> str:
        return f"{self.case_file}（抽取 #{self.draw_id}）"


class Assignment(models.Model):
    """A reviewer assigned to a sampled file. A declared conflict ends it (CONFLICT) and a new
    row is created for the replacement reviewer; a redraw of the file's draw ends it too
    (REPLACED), with the reason in the same field."""

    sampled = models.ForeignKey(
        SampledFile, verbose_name="抽取案卷", on_delete=models.PROTECT, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="评查人员",
        on_delete=models.PROTECT,
        related_name="case_assignments",
    )
    status = models.CharField(
        "状态", max_length=20, choices=AssignmentStatus.choices, default=AssignmentStatus.PROPOSED
    )
    conflict_reason = models.TextField("回避或终止理由", blank=True)
    created_at = models.DateTimeField("分配时间", default=timezone.now)
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)
    history = HistoricalRecords(verbose_name="评查分配历史")

    class Meta:
        verbose_name = "评查分配"
        verbose_name_plural = "评查分配"
        ordering = ("sampled_id", "reviewer_id")
        constraints = (
            models.UniqueConstraint(
                fields=["sampled", "reviewer"],
                name="assignment_once_per_reviewer",
                violation_error_message="该评查人员已分配到这份案卷。",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[AssignmentStatus.CONFLICT, AssignmentStatus.REPLACED])
                | ~Q(conflict_reason=""),
                name="assignment_conflict_needs_reason",
                violation_error_message="申报回避必须写明理由。",
            ),
        )
        indexes = (
            # A reviewer's queue: WHERE reviewer_id = … AND status IN (…).
            models.Index(fields=["reviewer", "status"], name="assignment_reviewer_status"),
        )

    def __str__(self) -> str:
        return f"{self.sampled} → {self.reviewer}"


class FileReview(models.Model):
    """One reviewer's marks on one file. Saved as they go; `submitted_at` locks it."""

    assignment = models.OneToOneField(
        Assignment, verbose_name="评查分配", on_delete=models.PROTECT, related_name="review"
    )
    checklist = models.ForeignKey(
        Checklist, verbose_name="评查表版本", on_delete=models.PROTECT, related_name="+"
    )
    marks = models.JSONField("评查记录", default=dict, blank=True)
    score = models.DecimalField("得分", max_digits=6, decimal_places=2, null=True, blank=True)
    zeroed = models.BooleanField("零分案卷", default=False)
    explanation = models.JSONField("计分说明", default=list, blank=True)
    updated_at = models.DateTimeField("最后保存", default=timezone.now)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    history = HistoricalRecords(verbose_name="案卷评查记录历史")

    class Meta:
        verbose_name = "案卷评查记录"
        verbose_name_plural = "案卷评查记录"
        ordering = ("assignment_id",)
        constraints = (
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(score__isnull=False),
                name="filereview_submitted_has_score",
            ),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(submitted_at__gte=F("updated_at")),
                name="filereview_submitted_after_save",
            ),
        )

    def __str__(self) -> str:
        return f"{self.assignment} · {'已提交' if self.submitted_at else '评查中'}"

    @property
    def is_locked(self) -> bool:
        return self.submitted_at is not None
