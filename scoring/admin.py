"""Admin for scoring. Every change goes through scoring.services; results are read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from scoring.engine import RubricError
from scoring.models import (
    CampaignRubric,
    Candidate,
    EvaluationRun,
    Fact,
    RubricVersion,
    ScoreSnapshot,
)
from scoring.services import (
    evaluate_campaign,
    load_rubric_version,
    pin_rubric,
    record_fact,
    register_candidate,
    set_shortlist_rules,
    withdraw_candidate,
)
from scoring.services.facts import Declarations, validate_fact
from scoring.services.rubrics import CLOSED_STATUSES
from scoring.services.shortlists import clean_shortlist_rules


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that are written by services only: viewable, never edited here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RubricUploadForm(forms.Form):
    content = forms.CharField(label="规则内容（YAML）", widget=forms.Textarea(attrs={"rows": 30}))


@admin.register(RubricVersion)
class RubricVersionAdmin(ReadOnlyAdmin):
    list_display = ["key", "title", "subject", "short_hash", "created_at", "created_by"]
    list_filter = ["subject", "key"]
    search_fields = ["key", "title", "content_hash"]
    fields = [
        "key",
        "title",
        "subject",
        "source_seed",
        "content_hash",
        "created_at",
        "created_by",
        "content_display",
    ]
    readonly_fields = fields
    actions = ["load_as_new_version"]

    @admin.display(description="规则内容（YAML）")
    def content_display(self, obj: RubricVersion) -> str:
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', obj.content)

    @admin.action(description="按原内容重新载入（校验；内容相同则不产生新版本）")
    def load_as_new_version(self, request: HttpRequest, queryset: QuerySet[RubricVersion]) -> None:
        for version in queryset:
            try:
                load_rubric_version(path_or_text=version.content, actor=request.user)
            except RubricError as exc:
                self.message_user(request, str(exc), messages.ERROR)


class PinForm(forms.ModelForm):
    class Meta:
        model = CampaignRubric
        fields = [
            "campaign",
            "version",
            "shortlist_size",
            "per_unit_limit",
            "category_quotas",
            "contest_group_size",
            "contest_grouping",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        version = data.get("version")
        if self.instance.pk and version and version.key != self.instance.rubric_key:
            raise ValidationError({"version": f"只能换用“{self.instance.rubric_key}”的其他版本。"})
        campaign = data.get("campaign")
        if campaign is not None and campaign.status in CLOSED_STATUSES:
            raise ValidationError("活动已结束，不能再更改评分细则。")
        data.update(
            clean_shortlist_rules(
                shortlist_size=data.get("shortlist_size"),
                per_unit_limit=data.get("per_unit_limit"),
                category_quotas=data.get("category_quotas"),
                contest_group_size=data.get("contest_group_size"),
                contest_grouping=data.get("contest_grouping") or "",
            )
        )
        return data


@admin.register(CampaignRubric)
class CampaignRubricAdmin(SimpleHistoryAdmin):
    form = PinForm
    list_display = ["campaign", "rubric_key", "version", "pinned_at", "pinned_by", "shortlist_size"]
    list_filter = ["rubric_key"]
    list_select_related = ["campaign", "version", "pinned_by"]
    readonly_fields = ["rubric_key", "pinned_at", "pinned_by"]
    actions = ["evaluate_now"]

    def save_model(
        self, request: HttpRequest, obj: CampaignRubric, form: Any, change: bool
    ) -> None:
        pin = pin_rubric(campaign=obj.campaign, version=obj.version, actor=request.user)
        set_shortlist_rules(
            campaign_rubric=pin,
            actor=request.user,
            shortlist_size=obj.shortlist_size,
            per_unit_limit=obj.per_unit_limit,
            category_quotas=obj.category_quotas,
            contest_group_size=obj.contest_group_size,
            contest_grouping=obj.contest_grouping,
        )
        obj.pk = pin.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="立即重新计算所选活动的评分")
    def evaluate_now(self, request: HttpRequest, queryset: QuerySet[CampaignRubric]) -> None:
        for campaign in {pin.campaign for pin in queryset.select_related("campaign")}:
            runs = evaluate_campaign(campaign=campaign, actor=request.user)
            written = sum(run.snapshots_written for run in runs)
            self.message_user(request, f"{campaign}：计算完成，新快照 {written} 个。")


class CandidateForm(forms.ModelForm):
    class Meta:
        model = Candidate
        fields = ["campaign_rubric", "unit", "officer", "category"]


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    form = CandidateForm
    list_display = ["__str__", "campaign_rubric", "home_unit", "category", "is_active"]
    list_filter = ["is_active", "campaign_rubric__rubric_key", "category"]
    list_select_related = ["campaign_rubric__campaign", "unit", "officer__unit", "home_unit"]
    search_fields = ["unit__name", "officer__name", "officer__certificate_no"]
    raw_id_fields = ["unit", "officer"]
    actions = ["withdraw"]

    def save_model(self, request: HttpRequest, obj: Candidate, form: Any, change: bool) -> None:
        candidate = register_candidate(
            campaign_rubric=obj.campaign_rubric,
            unit=obj.unit,
            officer=obj.officer,
            category=obj.category,
            actor=request.user,
        )
        obj.pk = candidate.pk

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="退出参评（保留已有得分记录）")
    def withdraw(self, request: HttpRequest, queryset: QuerySet[Candidate]) -> None:
        for candidate in queryset.select_related("campaign_rubric__campaign"):
            withdraw_candidate(candidate=candidate, actor=request.user)


class FactForm(forms.ModelForm):
    """The value is typed as JSON; the rubric declaring the key checks it before saving."""

    class Meta:
        model = Fact
        fields = ["campaign", "unit", "officer", "key", "value", "source", "source_ref"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        campaign = data.get("campaign")
        if campaign is None or self.errors:
            return data
        if data.get("unit") and data.get("officer"):
            raise ValidationError("一条事实只能属于一个单位或一名执法人员。")
        subject = data.get("unit") or data.get("officer")
        data["value"] = validate_fact(
            declarations=Declarations(campaign),
            subject=subject,
            key=data.get("key", ""),
            value=data.get("value"),
        )
        return data


@admin.register(Fact)
class FactAdmin(SimpleHistoryAdmin):
    form = FactForm
    list_display = [
        "key",
        "subject_label",
        "value",
        "source",
        "source_ref",
        "recorded_by",
        "recorded_at",
    ]
    list_filter = ["source", "campaign", "key"]
    list_select_related = ["unit", "officer__unit", "recorded_by"]
    search_fields = ["key", "unit__name", "officer__name", "source_ref"]
    raw_id_fields = ["unit", "officer"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The identity of an existing fact is fixed: a fact about another subject is a new fact.
        return ["campaign", "unit", "officer", "key"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Fact, form: Any, change: bool) -> None:
        fact = record_fact(
            campaign=obj.campaign,
            subject=obj.unit or obj.officer,
            key=obj.key,
            value=obj.value,
            source=obj.source,
            source_ref=obj.source_ref,
            actor=request.user,
        )
        obj.pk = fact.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # retract_fact, with a reason, is the way to take a fact back


@admin.register(EvaluationRun)
class EvaluationRunAdmin(ReadOnlyAdmin):
    list_display = [
        "campaign_rubric",
        "kind",
        "rubric_version",
        "started_at",
        "finished_at",
        "candidates_evaluated",
        "snapshots_written",
        "ranks_changed",
    ]
    list_filter = ["kind"]
    list_select_related = ["campaign_rubric__campaign", "rubric_version"]


@admin.register(ScoreSnapshot)
class ScoreSnapshotAdmin(ReadOnlyAdmin):
    list_display = [
        "candidate",
        "campaign_rubric",
        "rank",
        "total",
        "base",
        "bonus",
        "vetoed",
        "ineligible",
        "is_current",
    ]
    list_filter = ["is_current", "vetoed", "ineligible"]
    list_select_related = [
        "candidate__unit",
        "candidate__officer__unit",
        "campaign_rubric__campaign",
    ]
    search_fields = ["candidate__unit__name", "candidate__officer__name"]
    raw_id_fields = ["candidate", "run"]
