"""Who takes part in a campaign, when, and who leads it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from campaigns.enums import (
    CampaignStatus,
    GroupMemberRole,
    LeaderRole,
    PhaseKind,
    UnitKind,
    WorkingGroupKind,
)


class OrgUnit(models.Model):
    """A node of the organisation tree: city bureau → branches / county bureaus → teams."""

    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=30, blank=True)
    code = models.CharField("单位代码", max_length=30, unique=True)
    kind = models.CharField("类型", max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "组织单位"
        verbose_name_plural = "组织单位"
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="orgunit_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name


class Officer(models.Model):
    """An enforcement officer. The certificate number identifies them across imports."""

    name = models.CharField("姓名", max_length=50)
    unit = models.ForeignKey(
        OrgUnit, verbose_name="所属单位", on_delete=models.PROTECT, related_name="officers"
    )
    certificate_no = models.CharField(
        "执法证件号", max_length=40, blank=True, help_text="行政执法证件号；无证件时留空。"
    )
    post = models.CharField("职务", max_length=50, blank=True)
    is_active = models.BooleanField("在编在岗", default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账户",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="officer",
    )

    class Meta:
        verbose_name = "执法人员"
        verbose_name_plural = "执法人员"
        ordering = ["unit__sort_order", "name"]
        constraints = [
            # Unique when present: officers without a certificate may share the blank value.
            models.UniqueConstraint(
                fields=["certificate_no"],
                condition=~Q(certificate_no=""),
                name="officer_certificate_unique",
                violation_error_message="该执法证件号已登记给另一名执法人员。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit.label}）"


class Campaign(models.Model):
    """One year's enforcement training campaign (执法大练兵) of an issuing bureau."""

    title = models.CharField("活动名称", max_length=200)
    year = models.PositiveSmallIntegerField("年度")
    issuing_unit = models.ForeignKey(
        OrgUnit, verbose_name="发文单位", on_delete=models.PROTECT, related_name="issued_campaigns"
    )
    document_number = models.CharField("文号", max_length=60, blank=True)
    window_start = models.DateField("评审期起")
    window_end = models.DateField("评审期止")
    status = models.CharField(
        "状态", max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    summary = models.TextField("活动简介", blank=True)
    is_demo = models.BooleanField("演示数据", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "练兵活动"
        verbose_name_plural = "练兵活动"
        ordering = ["-year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_end__gte=F("window_start")),
                name="campaign_window_forward",
                violation_error_message="评审期止不能早于评审期起。",
            ),
            models.UniqueConstraint(
                fields=["issuing_unit", "year", "title"], name="campaign_unique_per_issuer_year"
            ),
        ]

    def __str__(self) -> str:
        # Titles usually carry their year already ("2021年全市…"); don't say it twice.
        return self.title if str(self.year) in self.title else f"{self.year} {self.title}"


class Phase(models.Model):
    """A dated phase of a campaign. Every write path asks `campaigns.phases.is_open`."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="练兵活动", on_delete=models.CASCADE, related_name="phases"
    )
    kind = models.CharField("阶段", max_length=20, choices=PhaseKind.choices)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "活动阶段"
        verbose_name_plural = "活动阶段"
        ordering = ["campaign", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind"], name="phase_once_per_campaign"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="phase_ends_after_start",
                violation_error_message="阶段结束时间必须晚于开始时间。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.get_kind_display()}"

    def clean(self) -> None:
        # Overlap and order involve sibling rows, which no portable constraint can check.
        from campaigns.phases import validate_phase_against_siblings

        validate_phase_against_siblings(self)


class Participation(models.Model):
    """A unit taking part in a campaign: as a collective, with a nomination quota, and the
    per-campaign facts about it that scoring needs (officers on post, key enterprises)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="练兵活动", on_delete=models.CASCADE, related_name="participations"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name="单位", on_delete=models.PROTECT, related_name="participations"
    )
    competes_as_collective = models.BooleanField("参评集体", default=True)
    individual_quota = models.PositiveSmallIntegerField("个人推荐名额", default=0)
    officers_on_post = models.PositiveIntegerField("在编在岗执法人员数", null=True, blank=True)
    key_enterprises = models.PositiveIntegerField("重点监控企业数", null=True, blank=True)

    class Meta:
        verbose_name = "参评单位"
        verbose_name_plural = "参评单位"
        ordering = ["campaign", "unit__sort_order", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="participation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.unit.label}"


class LeadershipGroup(models.Model):
    """The campaign's leadership group (领导小组) and its office (办公室)."""

    campaign = models.OneToOneField(
        Campaign, verbose_name="练兵活动", on_delete=models.CASCADE, related_name="leadership"
    )
    name = models.CharField("名称", max_length=100, default="执法大练兵活动领导小组")
    responsibilities = models.TextField("职责", blank=True)
    office_unit = models.ForeignKey(
        OrgUnit,
        verbose_name="办公室设在",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    office_director = models.CharField("办公室主任", max_length=50, blank=True)
    office_duties = models.TextField("办公室职责", blank=True)

    class Meta:
        verbose_name = "领导小组"
        verbose_name_plural = "领导小组"

    def __str__(self) -> str:
        return f"{self.campaign} · {self.name}"


class LeadershipMember(models.Model):
    group = models.ForeignKey(
        LeadershipGroup, verbose_name="领导小组", on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField("姓名", max_length=50)
    role = models.CharField("组内职务", max_length=10, choices=LeaderRole.choices)
    post = models.CharField("工作职务", max_length=100, blank=True)
    unit = models.ForeignKey(
        OrgUnit, verbose_name="所在单位", on_delete=models.PROTECT, null=True, blank=True
    )
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "领导小组成员"
        verbose_name_plural = "领导小组成员"
        ordering = ["group", "sort_order", "pk"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"


class WorkingGroup(models.Model):
    """A working group (seed 002: 综合协调组 …) or a member unit's division of duties (seed 000)."""

    group = models.ForeignKey(
        LeadershipGroup,
        verbose_name="领导小组",
        on_delete=models.CASCADE,
        related_name="working_groups",
    )
    kind = models.CharField(
        "类别",
        max_length=20,
        choices=WorkingGroupKind.choices,
        default=WorkingGroupKind.WORKING_GROUP,
    )
    name = models.CharField("名称", max_length=100)
    duties = models.TextField("职责")
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "工作组与分工"
        verbose_name_plural = "工作组与分工"
        ordering = ["group", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "name"], name="working_group_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class WorkingGroupMember(models.Model):
    working_group = models.ForeignKey(
        WorkingGroup, verbose_name="工作组", on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField("姓名", max_length=50)
    role = models.CharField("组内职务", max_length=10, choices=GroupMemberRole.choices)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "工作组成员"
        verbose_name_plural = "工作组成员"
        ordering = ["working_group", "sort_order", "pk"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"


class TaskPlanEntry(models.Model):
    """A row of the task plan (seed 000 附件2 推进计划; seed 002 附件2 任务分解): which
    department and leader drive an indicator or task, and by when."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="练兵活动", on_delete=models.CASCADE, related_name="task_plan"
    )
    seq = models.PositiveSmallIntegerField("序号")
    indicator = models.CharField("指标或任务", max_length=100)
    points_label = models.CharField(
        "指标分值", max_length=20, blank=True, help_text="如“30 分”“附加项”"
    )
    content = models.TextField("具体内容")
    lead_department = models.CharField("牵头科室（人员）", max_length=100, blank=True)
    supporting_departments = models.CharField("配合单位", max_length=200, blank=True)
    lead_leader = models.CharField("牵头领导", max_length=50, blank=True)
    schedule = models.CharField("开展时间", max_length=50, blank=True)
    remarks = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "任务计划"
        verbose_name_plural = "任务计划"
        ordering = ["campaign", "seq", "pk"]

    def __str__(self) -> str:
        return f"{self.seq}. {self.indicator}"
