"""Competitions (实战比武 / 技能比武) of a campaign: events, judges, teams, contestants, the
inspection targets drawn for them, auditable draws, and the judges' results.

Draws reuse the case-sampling mechanism: the seed is a `cases.DrawSeed` announced before any
draw, and the pool hash and result come from `cases.draws`. Results become facts only through
`competitions.services.publish_results` (scoring.services.facts.record_facts)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cases.models import DrawRecord, redraw_needs_reason
from competitions.enums import CompetitionLevel, CompetitionMode, ContestantSource, DrawKind


class Competition(models.Model):
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="练兵活动",
        on_delete=models.PROTECT,
        related_name="competitions",
    )
    title = models.CharField("比武名称", max_length=200)
    mode = models.CharField(
        "评分对象", max_length=20, choices=CompetitionMode.choices, default=CompetitionMode.TEAM
    )
    level = models.CharField(
        "比武级别", max_length=20, choices=CompetitionLevel.choices, default=CompetitionLevel.CITY
    )
    description = models.TextField("比武方案", blank=True)
    drawn_per_unit = models.PositiveSmallIntegerField(
        "每单位随机抽选人数", default=0, help_text="种子 001：“每期从各县（区）内随机抽选X名”。"
    )
    nominated_per_unit = models.PositiveSmallIntegerField(
        "每单位推荐人数", default=0, help_text="种子 001：“各县（区）推荐X名”。"
    )
    problem_deduction = models.DecimalField(
        "点评每个问题扣分",
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.5"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="种子 000：“点评结果中发现 1 个问题的，扣 0.5 分”。",
    )
    published_at = models.DateTimeField("成绩发布时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "比武竞赛"
        verbose_name_plural = "比武竞赛"
        ordering = ("campaign_id", "created_at", "pk")
        constraints = (
            models.UniqueConstraint(
                fields=["campaign", "title"],
                name="competition_title_unique_per_campaign",
                violation_error_message="本活动已有同名比武。",
            ),
            models.CheckConstraint(
                condition=Q(problem_deduction__gte=0),
                name="competition_deduction_not_negative",
                violation_error_message="点评扣分不能为负数。",
            ),
        )

    def __str__(self) -> str:
        return self.title


class Event(models.Model):
    """An event (比武项目): water / air / solid waste (000), law / case review / case analysis
    (001), or a weighted part (e.g. 40% case review, 20% theory exam, 40% on-site test)."""

    competition = models.ForeignKey(
        Competition, verbose_name="比武竞赛", on_delete=models.PROTECT, related_name="events"
    )
    name = models.CharField("项目名称", max_length=100)
    weight = models.DecimalField(
        "权重（%）",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
        help_text="留空：各项目成绩直接相加；全部填写时按权重加权，合计须为 100%。",
    )
    max_score = models.DecimalField("满分", max_digits=7, decimal_places=2, default=Decimal("100"))
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    judges = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="评委", blank=True, related_name="judged_events"
    )
    history = HistoricalRecords(m2m_fields=[judges])

    class Meta:
        verbose_name = "比武项目"
        verbose_name_plural = "比武项目"
        ordering = ("competition_id", "sort_order", "pk")
        constraints = (
            models.UniqueConstraint(
                fields=["competition", "name"],
                name="event_name_unique_per_competition",
                violation_error_message="本比武已有同名项目。",
            ),
            models.CheckConstraint(
                condition=Q(weight__isnull=True) | (Q(weight__gt=0) & Q(weight__lte=100)),
                name="event_weight_range",
                violation_error_message="权重须在 0 到 100 之间。",
            ),
            models.CheckConstraint(
                condition=Q(max_score__gt=0),
                name="event_max_score_positive",
                violation_error_message="满分须大于 0。",
            ),
        )

    def __str__(self) -> str:
        if self.weight is None:
            return self.name
        return f"{self.name}（{self.weight.normalize():f}%）"


class Team(models.Model):
    """A team: a county's team (000, 001: unit set) or a pair from the ranking (002: no unit)."""

    competition = models.ForeignKey(
        Competition, verbose_name="比武竞赛", on_delete=models.PROTECT, related_name="teams"
    )
    name = models.CharField("队名", max_length=100)
    unit = models.ForeignKey(
        "campaigns.OrgUnit",
        verbose_name="代表单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "参赛队伍"
        verbose_name_plural = "参赛队伍"
        ordering = ("competition_id", "sort_order", "pk")
        constraints = (
            models.UniqueConstraint(
                fields=["competition", "name"],
                name="team_name_unique_per_competition",
                violation_error_message="本比武已有同名队伍。",
            ),
            models.UniqueConstraint(
                fields=["competition", "unit"],
                condition=Q(unit__isnull=False),
                name="team_unit_unique_per_competition",
                violation_error_message="该单位在本比武中已有队伍。",
            ),
        )

    def __str__(self) -> str:
        return self.name


class CompetitionDraw(DrawRecord):
    """One recorded draw (contestants or inspection targets) for one unit. Immutable; a redraw
    is a new row with a reason and `replaces`, and the replaced draw stays visible."""

    competition = models.ForeignKey(
        Competition, verbose_name="比武竞赛", on_delete=models.PROTECT, related_name="draws"
    )
    kind = models.CharField("抽取内容", max_length=20, choices=DrawKind.choices)
    unit = models.ForeignKey(
        "campaigns.OrgUnit", verbose_name="抽取单位", on_delete=models.PROTECT, related_name="+"
    )
    count = models.PositiveSmallIntegerField("应抽数量")
    seed = models.ForeignKey(
        "cases.DrawSeed",
        verbose_name="随机种子",
        on_delete=models.PROTECT,
        related_name="competition_draws",
    )
    pool_ids = models.JSONField("可抽范围（规范顺序）", default=list)

    class Meta:
        verbose_name = "比武抽取记录"
        verbose_name_plural = "比武抽取记录"
        ordering = ("competition_id", "pk")
        constraints = (
            redraw_needs_reason("competitiondraw"),
            models.CheckConstraint(
                condition=Q(count__gte=1),
                name="competitiondraw_count_positive",
                violation_error_message="应抽数量至少为 1。",
            ),
        )
        indexes = (
            # The draw page and the "current draw of this unit" lookup.
            models.Index(fields=["competition", "kind", "unit"], name="compdraw_comp_kind_unit"),
        )

    def __str__(self) -> str:
        return f"比武抽取 #{self.pk} · {self.get_kind_display()}"


class Contestant(models.Model):
    competition = models.ForeignKey(
        Competition, verbose_name="比武竞赛", on_delete=models.PROTECT, related_name="contestants"
    )
    officer = models.ForeignKey(
        "campaigns.Officer", verbose_name="执法人员", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "campaigns.OrgUnit",
        verbose_name="代表单位",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="抽选或推荐该人员的单位（县区）。",
    )
    team = models.ForeignKey(
        Team,
        verbose_name="所在队伍",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    source = models.CharField("产生方式", max_length=20, choices=ContestantSource.choices)
    draw = models.ForeignKey(
        CompetitionDraw,
        verbose_name="抽取记录",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contestants",
    )
    ranking_place = models.PositiveIntegerField("内部排名名次", null=True, blank=True)
    added_at = models.DateTimeField("确定时间", default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "参赛人员"
        verbose_name_plural = "参赛人员"
        ordering = ("competition_id", "team__sort_order", "pk")
        constraints = (
            models.UniqueConstraint(
                fields=["competition", "officer"],
                name="contestant_once_per_competition",
                violation_error_message="该执法人员已是本比武的参赛人员。",
            ),
            models.CheckConstraint(
                condition=~Q(source=ContestantSource.DRAWN) | Q(draw__isnull=False),
                name="contestant_drawn_has_draw",
                violation_error_message="随机抽选的参赛人员必须对应抽取记录。",
            ),
        )

    def __str__(self) -> str:
        return f"{self.officer.name}（{self.get_source_display()}）"


class Enterprise(models.Model):
    """An enterprise in the list the office enters or imports (from the enforcement system's
    list, seed 000: "依托全省生态环境综合执法智慧监管系统，随机抽取检查对象，每县选取 1 家")."""

    competition = models.ForeignKey(
        Competition, verbose_name="比武竞赛", on_delete=models.PROTECT, related_name="enterprises"
    )
    unit = models.ForeignKey(
        "campaigns.OrgUnit", verbose_name="所在县区", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("企业名称", max_length=200)
    credit_code = models.CharField("统一社会信用代码", max_length=40, blank=True)
    sector = models.CharField("行业", max_length=50, blank=True)
    is_active = models.BooleanField("可抽取", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "检查对象"
        verbose_name_plural = "检查对象"
        ordering = ("competition_id", "unit_id", "pk")
        constraints = (
            models.UniqueConstraint(
                fields=["competition", "unit", "name"],
                name="enterprise_unique_per_unit",
                violation_error_message="该县区已登记同名企业。",
            ),
        )

    def __str__(self) -> str:
        return self.name


class Result(models.Model):
    """A judge's result for one team or one contestant in one event, with the problems the
    commentary found (点评发现问题数)."""

    event = models.ForeignKey(
        Event, verbose_name="比武项目", on_delete=models.PROTECT, related_name="results"
    )
    team = models.ForeignKey(
        Team,
        verbose_name="参赛队伍",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="results",
    )
    contestant = models.ForeignKey(
        Contestant,
        verbose_name="参赛人员",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="results",
    )
    score = models.DecimalField("成绩", max_digits=7, decimal_places=2)
    problems = models.PositiveSmallIntegerField("点评发现问题数", default=0)
    note = models.CharField("点评意见", max_length=500, blank=True)
    entered_at = models.DateTimeField("录入时间", default=timezone.now)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入评委",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "比武成绩"
        verbose_name_plural = "比武成绩"
        ordering = ("event_id", "pk")
        constraints = (
            models.CheckConstraint(
                condition=(Q(team__isnull=False) & Q(contestant__isnull=True))
                | (Q(team__isnull=True) & Q(contestant__isnull=False)),
                name="result_team_xor_contestant",
                violation_error_message="成绩须对应一支队伍或一名参赛人员。",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0),
                name="result_score_not_negative",
                violation_error_message="成绩不能为负数。",
            ),
            models.UniqueConstraint(
                fields=["event", "team"],
                condition=Q(team__isnull=False),
                name="result_once_per_event_team",
            ),
            models.UniqueConstraint(
                fields=["event", "contestant"],
                condition=Q(contestant__isnull=False),
                name="result_once_per_event_contestant",
            ),
        )

    def __str__(self) -> str:
        return f"{self.event.name} · {self.team or self.contestant} · {self.score}"
