"""Admin: the registry is editable; checklists, draws, reviews and results are read-only here
(they change only through cases.services, which keeps the audit trail)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cases.models import (
    Assignment,
    CaseDocument,
    CaseFile,
    CaseHandler,
    Checklist,
    Draw,
    DrawSeed,
    FileReview,
    ReviewSettings,
    SampledFile,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class CaseHandlerInline(admin.TabularInline):
    model = CaseHandler
    extra = 1
    autocomplete_fields = ("officer",)


class CaseDocumentInline(admin.TabularInline):
    model = CaseDocument
    extra = 0
    raw_id_fields = ("evidence",)


@admin.register(CaseFile)
class CaseFileAdmin(SimpleHistoryAdmin):
    list_display = ("case_number", "unit", "case_type", "decision_date", "decision_published")
    list_filter = ("case_type", "decision_published")
    search_fields = ("case_number", "party_name", "unit__name")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit",)
    inlines = (CaseHandlerInline, CaseDocumentInline)


@admin.register(Checklist)
class ChecklistAdmin(ReadOnlyAdmin):
    list_display = ("key", "version", "title", "content_hash", "created_at")


@admin.register(ReviewSettings)
class ReviewSettingsAdmin(SimpleHistoryAdmin):
    list_display = ("campaign", "checklist", "reviewers_per_file", "max_load", "aggregation")
    filter_horizontal = ("lead_reviewers",)


@admin.register(DrawSeed)
class DrawSeedAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "value", "announced_at", "announced_by")


@admin.register(Draw)
class DrawAdmin(ReadOnlyAdmin):
    list_display = ("pk", "campaign", "purpose", "slot", "count", "pool_hash", "drawn_at")
    list_select_related = ("campaign",)


@admin.register(SampledFile)
class SampledFileAdmin(ReadOnlyAdmin):
    list_display = ("case_file", "draw", "combined_score", "flagged", "final_score")


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("sampled", "reviewer", "status", "created_at")


@admin.register(FileReview)
class FileReviewAdmin(ReadOnlyAdmin):
    list_display = ("assignment", "score", "zeroed", "submitted_at")
