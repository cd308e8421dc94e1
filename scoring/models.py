"""Rubric versions, what a campaign scores with, the facts scores come from, and the scores.

The flow is one way: Fact rows (the only input) + a RubricVersion → the engine → ScoreSnapshot
rows. Nothing here computes a score; `scoring.services` does, and it is the only writer.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone
from simple_history.models import HistoricalRecords

from scoring.enums import ContestGrouping, FactSource, RubricSubject, RunKind

# Points are kept at six decimal places: the engine never rounds, a database column must. Ranks
# compare totals at this precision, in full and incremental runs alike (see services.ranking).
POINTS_DIGITS = 14
POINTS_PLACES = 6


class RawJSON(str):
    """JSON text that is already serialised. The evaluation serialises each breakdown once, to
    hash it; saving it through PreEncodedJSONEncoder then writes that text as it is."""

    __slots__ = ()


class PreEncodedJSONEncoder(json.JSONEncoder):
    def encode(self, o: Any) -> str:
        if isinstance(o, RawJSON):
            return str(o)
        return super().encode(o)


class TextJSONField(models.JSONField):
    """A JSONField that PostgreSQL stores as `json` (the text, checked for syntax) instead of
    `jsonb` (parsed into a binary tree on every write).

    For a value written often, read whole and never searched by containment: converting each
    ~3 kB score breakdown to jsonb was most of a national evaluation's write time
    (bench/RESULTS.md). Path lookups (KT, `__key`) work on both types and on SQLite;
    jsonb-only lookups (`__contains`, `__has_key`) do not."""

    def db_type(self, connection: Any) -> str | None:
        if connection.vendor == "postgresql":
            return "json"
        return super().db_type(connection)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is not None and not isinstance(value, str):
            return value  # psycopg2 decodes `json` columns itself
        return super().from_db_value(value, expression, connection)


def _points_field(verbose_name: str) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=POINTS_DIGITS, decimal_places=POINTS_PLACES, default=Decimal(0)
    )


class RubricVersion(models.Model):
    """One rubric file as it was loaded. Immutable: an edited file is a new version, and every
    snapshot keeps pointing at the version it was computed with."""

    key = models.CharField("规则编号", max_length=64, help_text="评分细则文件中的 id。")
    title = models.CharField("标题", max_length=200)
    subject = models.CharField("评价对象", max_length=20, choices=RubricSubject.choices)
    source_seed = models.CharField("来源文件", max_length=100, blank=True)
    content = models.TextField("规则内容（YAML）")
    content_hash = models.CharField("内容哈希（SHA-256）", max_length=64)
    created_at = models.DateTimeField("载入时间", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="载入人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "评分细则版本"
        verbose_name_plural = "评分细则版本"
        ordering = ["key", "-created_at"]
        constraints = [
            # Also the index for "the versions of rubric X" (WHERE key = …).
            models.UniqueConstraint(
                fields=["key", "content_hash"],
                name="rubricversion_unique_content",
                violation_error_message="相同内容的评分细则版本已存在。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} @ {self.content_hash[:8]}"

    @property
    def short_hash(self) -> str:
        return self.content_hash[:12]

    def rubric(self) -> Any:
        """The validated engine rubric of this version (parsed once per process)."""
        from scoring.services.rubrics import rubric_of

        return rubric_of(self)


class CampaignRubric(models.Model):
    """A campaign scores with one pinned version per rubric key, and shortlists by these rules.

    Re-pinning (services.rubrics.pin_rubric) changes `version` in place, so candidates stay;
    the history table keeps every earlier pin, and old snapshots keep their own version."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="练兵活动",
        # Pins are configuration; the runs and snapshots that hang off them PROTECT the campaign.
        on_delete=models.CASCADE,
        related_name="rubric_pins",
    )
    rubric_key = models.CharField("规则编号", max_length=64)
    version = models.ForeignKey(
        RubricVersion, verbose_name="启用版本", on_delete=models.PROTECT, related_name="pins"
    )
    pinned_at = models.DateTimeField("启用时间", default=timezone.now)
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="启用人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    shortlist_size = models.PositiveSmallIntegerField(
        "推荐名额（前 N 名）", null=True, blank=True, help_text="留空表示不限。"
    )
    per_unit_limit = models.PositiveSmallIntegerField(
        "每单位最多入选", null=True, blank=True, help_text="留空表示不限。"
    )
    category_quotas = models.JSONField(
        "分类别名额",
        default=dict,
        blank=True,
        help_text='评选类别 → 名额，例如 {"市局直属单位": 1, "县市区": 4}；留空表示不分类别。',
    )
    contest_group_size = models.PositiveSmallIntegerField(
        "参赛分组人数",
        null=True,
        blank=True,
        help_text="入选者按名次分组参加小组赛，例如前 10 名每组 2 人分为 5 组；留空表示不分组。",
    )
    contest_grouping = models.CharField(
        "分组方式",
        max_length=20,
        choices=ContestGrouping.choices,
        default=ContestGrouping.BALANCED,
    )
    history = HistoricalRecords(verbose_name="评分细则启用历史")

    class Meta:
        verbose_name = "活动评分细则"
        verbose_name_plural = "活动评分细则"
        ordering = ["campaign_id", "rubric_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "rubric_key"],
                name="campaignrubric_one_pin_per_key",
                violation_error_message="本活动已启用该评分细则的一个版本。",
            ),
            models.CheckConstraint(
                condition=Q(shortlist_size__isnull=True) | Q(shortlist_size__gte=1),
                name="campaignrubric_shortlist_size_positive",
                violation_error_message="推荐名额至少为 1。",
            ),
            models.CheckConstraint(
                condition=Q(per_unit_limit__isnull=True) | Q(per_unit_limit__gte=1),
                name="campaignrubric_per_unit_limit_positive",
                violation_error_message="每单位最多入选人数至少为 1。",
            ),
            models.CheckConstraint(
                condition=Q(contest_group_size__isnull=True)
                | Q(contest_group_size__gte=2, shortlist_size__isnull=False),
                name="campaignrubric_groups_need_shortlist",
                violation_error_message="分组参赛须同时设置推荐名额，且每组至少 2 人。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.rubric_key}"


class Candidate(models.Model):
    """A unit (collective rubric) or an officer (individual rubric) scored under a pinned rubric.

    `home_unit` is the unit itself for a collective and the nominating unit for an officer: the
    per-unit limit and the ranking page's unit filter use it."""

    campaign_rubric = models.ForeignKey(
        CampaignRubric,
        verbose_name="活动评分细则",
        on_delete=models.CASCADE,  # protected by the candidate's snapshots
        related_name="candidates",
    )
    unit = models.ForeignKey(
        "campaigns.OrgUnit",
        verbose_name="参评单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scoring_candidacies",
    )
    officer = models.ForeignKey(
        "campaigns.Officer",
        verbose_name="参评个人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scoring_candidacies",
    )
    home_unit = models.ForeignKey(
        "campaigns.OrgUnit",
        verbose_name="所属单位",
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.CharField(
        "评选类别", max_length=50, blank=True, help_text="按类别分配名额时使用，如“县市区”。"
    )
    is_active = models.BooleanField("参评中", default=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "参评对象"
        verbose_name_plural = "参评对象"
        ordering = ["campaign_rubric_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, officer__isnull=True)
                | Q(unit__isnull=True, officer__isnull=False),
                name="candidate_unit_xor_officer",
                violation_error_message="参评对象须是一个单位或一名执法人员，且只能是其一。",
            ),
            models.CheckConstraint(
                condition=Q(unit__isnull=True) | Q(home_unit=F("unit")),
                name="candidate_collective_home_is_itself",
                violation_error_message="参评集体的所属单位必须是其本身。",
            ),
            models.UniqueConstraint(
                fields=["campaign_rubric", "unit"],
                condition=Q(unit__isnull=False),
                name="candidate_unit_once_per_rubric",
                violation_error_message="该单位已是本评分细则的参评对象。",
            ),
            models.UniqueConstraint(
                fields=["campaign_rubric", "officer"],
                condition=Q(officer__isnull=False),
                name="candidate_officer_once_per_rubric",
                violation_error_message="该执法人员已是本评分细则的参评对象。",
            ),
        ]
        indexes = [
            # Ranking page filtered by unit; shortlist per-unit limits.
            models.Index(fields=["campaign_rubric", "home_unit"], name="candidate_rubric_home"),
        ]

    def __str__(self) -> str:
        return str(self.unit if self.unit_id else self.officer)

    @property
    def pool_id(self) -> str:
        """The id the engine knows this candidate by."""
        return str(self.pk)


class Fact(models.Model):
    """One verified input value: per campaign, subject (a unit, an officer, or the campaign as a
    whole — a provincial average, a city total) and key, with where it came from.

    Only these rows feed official scores. Values are stored as the engine's fact types want
    them, with decimals as strings so that nothing passes through binary floating point."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="练兵活动",
        on_delete=models.PROTECT,
        related_name="facts",
    )
    unit = models.ForeignKey(
        "campaigns.OrgUnit",
        verbose_name="单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="facts",
    )
    officer = models.ForeignKey(
        "campaigns.Officer",
        verbose_name="执法人员",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="facts",
    )
    key = models.CharField("事实键", max_length=64)
    value = models.JSONField("取值")
    source = models.CharField("来源", max_length=20, choices=FactSource.choices)
    source_ref = models.CharField(
        "出处",
        max_length=300,
        blank=True,
        help_text="如导入文件及行号、自评申报编号、评查记录编号。",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField("录入时间", default=timezone.now)
    history = HistoricalRecords(verbose_name="评分事实历史")

    class Meta:
        verbose_name = "评分事实"
        verbose_name_plural = "评分事实"
        ordering = ["campaign_id", "key", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=True) | Q(officer__isnull=True),
                name="fact_one_subject",
                violation_error_message="一条事实只能属于一个单位或一名执法人员。",
            ),
            # The three partial unique indexes are also the indexes of the evaluation's reads:
            # "WHERE campaign_id = … AND unit_id IS NOT NULL" (collective pools),
            # "… AND officer_id IS NOT NULL" (individual pools) and campaign-wide facts.
            models.UniqueConstraint(
                fields=["campaign", "unit", "key"],
                condition=Q(unit__isnull=False),
                name="fact_unique_unit_key",
                violation_error_message="该单位的这项事实已存在。",
            ),
            models.UniqueConstraint(
                fields=["campaign", "officer", "key"],
                condition=Q(officer__isnull=False),
                name="fact_unique_officer_key",
                violation_error_message="该执法人员的这项事实已存在。",
            ),
            models.UniqueConstraint(
                fields=["campaign", "key"],
                condition=Q(unit__isnull=True, officer__isnull=True),
                name="fact_unique_campaign_key",
                violation_error_message="本活动的这项全局事实已存在。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_label} · {self.key}"

    @property
    def subject_label(self) -> str:
        if self.unit_id:
            return str(self.unit)
        if self.officer_id:
            return str(self.officer)
        return "全局"


class PendingChange(models.Model):
    """A fact or candidate change not yet reflected in the scores: the debounced evaluation task
    reads these, evaluates what they touch, and deletes exactly the rows it read — in the same
    transaction as the snapshots, so a change committed meanwhile is never lost."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="练兵活动",
        on_delete=models.CASCADE,
        related_name="+",
    )
    unit = models.ForeignKey(
        "campaigns.OrgUnit", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    officer = models.ForeignKey(
        "campaigns.Officer", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    key = models.CharField("事实键", max_length=64, blank=True)
    full = models.BooleanField("需全量重算", default=False)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "待重算变更"
        verbose_name_plural = "待重算变更"

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.unit_id or self.officer_id or '*'} {self.key}"


class EvaluationRun(models.Model):
    """One evaluation of one pinned rubric. A run writes a snapshot for every candidate whose
    result changed; unchanged candidates keep their earlier (identical) snapshot."""

    campaign_rubric = models.ForeignKey(
        CampaignRubric, verbose_name="活动评分细则", on_delete=models.PROTECT, related_name="runs"
    )
    rubric_version = models.ForeignKey(
        RubricVersion, verbose_name="细则版本", on_delete=models.PROTECT, related_name="runs"
    )
    kind = models.CharField("方式", max_length=20, choices=RunKind.choices)
    started_at = models.DateTimeField("开始时间", default=timezone.now)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    candidates_evaluated = models.PositiveIntegerField("计算对象数", default=0)
    snapshots_written = models.PositiveIntegerField("新快照数", default=0)
    ranks_changed = models.PositiveIntegerField("名次变动数", default=0)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "评分计算"
        verbose_name_plural = "评分计算"
        ordering = ["-started_at", "-pk"]
        indexes = [
            # "Latest runs of a pinned rubric" (admin, ranking page header).
            models.Index(fields=["campaign_rubric", "-started_at"], name="run_rubric_started"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.campaign_rubric} · {self.get_kind_display()} · {self.started_at:%Y-%m-%d %H:%M}"
        )


class ScoreSnapshotQuerySet(models.QuerySet):
    def current(self) -> ScoreSnapshotQuerySet:
        return self.filter(is_current=True)

    def ranking(self, campaign_rubric: CampaignRubric | int) -> ScoreSnapshotQuerySet:
        """The current ranking of a pinned rubric, best first, excluded candidates last.

        Served by the partial index snapshot_current_rank; the candidate, unit and officer come
        in the same query, so a page costs one query whatever the number of candidates."""
        return (
            self.filter(campaign_rubric=campaign_rubric, is_current=True)
            .select_related("candidate__unit", "candidate__officer__unit", "candidate__home_unit")
            .order_by(F("rank").asc(nulls_last=True), "-total", "candidate_id")
        )

    def with_node_points(self, *node_ids: str) -> ScoreSnapshotQuerySet:
        """Annotate `points_<node>` (Decimal) for sorting or filtering by an indicator."""
        return self.annotate(
            **{
                f"points_{node}": Cast(
                    KT(f"breakdown__{node}__0"),
                    models.DecimalField(max_digits=POINTS_DIGITS, decimal_places=POINTS_PLACES),
                )
                for node in node_ids
            }
        )


class ScoreSnapshot(models.Model):
    """A candidate's result under one rubric version: totals, flags and every node's points and
    explanation, from the run that first produced it (a later run with the same result keeps
    it: same facts, same snapshot). The result columns never change once written.

    `is_current` marks the one snapshot per candidate the ranking shows. `rank` is that
    snapshot's place in the current ranking (ties share a rank; None when vetoed or
    ineligible): a run that moves one candidate updates the ranks of the current snapshots it
    passes, and nothing else. A superseded snapshot keeps the rank it last had.

    `breakdown` is compact: {node_id: [points, explanation]} plus, when set, a third element
    {"capped": true, "zeroed": reason}; points are exact decimal strings without trailing
    zeros. Titles, maxima and citations are the same for every candidate and are read from the
    rubric version (services.evaluation.expand_breakdown)."""

    run = models.ForeignKey(
        EvaluationRun,
        verbose_name="评分计算",
        on_delete=models.PROTECT,
        related_name="snapshots",
        db_index=False,  # the (run, candidate) unique index serves "snapshots of a run"
    )
    candidate = models.ForeignKey(
        Candidate, verbose_name="参评对象", on_delete=models.PROTECT, related_name="snapshots"
    )
    # Denormalised from the run so that the current ranking is one index range scan.
    campaign_rubric = models.ForeignKey(
        CampaignRubric,
        verbose_name="活动评分细则",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # snapshot_current_rank leads with it
    )
    rubric_version = models.ForeignKey(
        RubricVersion,
        verbose_name="细则版本",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # versions are never deleted; an index would only slow the bulk writes
    )
    total = _points_field("总分")
    base = _points_field("基础分")
    bonus = _points_field("加分")
    rank = models.PositiveIntegerField("名次", null=True, blank=True)
    vetoed = models.BooleanField("被否决", default=False)
    veto_reasons = models.JSONField("否决理由", default=list, blank=True)
    ineligible = models.BooleanField("不符合参评条件", default=False)
    ineligible_reasons = models.JSONField("不符合条件的理由", default=list, blank=True)
    breakdown = TextJSONField("得分明细", default=dict, encoder=PreEncodedJSONEncoder)
    warnings = models.JSONField(
        "计算提示", default=list, blank=True, help_text="无效取值、无法计算的表达式等。"
    )
    result_digest = models.CharField("结果摘要", max_length=32)
    is_current = models.BooleanField("当前有效", default=True)

    objects = ScoreSnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = "得分快照"
        verbose_name_plural = "得分快照"
        ordering = ["run_id", "rank", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate"],
                condition=Q(is_current=True),
                name="snapshot_one_current_per_candidate",
            ),
            models.UniqueConstraint(fields=["run", "candidate"], name="snapshot_once_per_run"),
            models.CheckConstraint(
                condition=Q(rank__isnull=True) | Q(rank__gte=1, vetoed=False, ineligible=False),
                name="snapshot_rank_only_when_ranked",
                violation_error_message="被否决或不符合参评条件的对象没有名次。",
            ),
        ]
        indexes = [
            # The ranking page: current snapshots of a pinned rubric ordered by rank.
            models.Index(
                fields=["campaign_rubric", "rank"],
                condition=Q(is_current=True),
                name="snapshot_current_rank",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} · {self.total}"

    @property
    def excluded(self) -> bool:
        return self.vetoed or self.ineligible

    def node_points(self, node_id: str) -> Decimal | None:
        entry = self.breakdown.get(node_id)
        return Decimal(entry[0]) if entry else None
