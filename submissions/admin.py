"""Admin: read-mostly lists with history. Changes go through the pages and their services;
the admin shows what happened (claims are never edited here)."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from submissions.models import Claim, ClaimEvidence, MonthlyReport, Nomination, ReportSchedule


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Claim)
class ClaimAdmin(ReadOnlyHistoryAdmin):
    list_display = (
        "id",
        "owner_unit",
        "candidate",
        "item_id",
        "status",
        "claimed_points",
        "verified_points",
        "submitted_at",
        "reviewed_at",
    )
    list_filter = ("status", "campaign")
    list_select_related = ("owner_unit", "candidate__unit", "candidate__officer__unit")
    search_fields = ("item_id", "owner_unit__name")


@admin.register(ClaimEvidence)
class ClaimEvidenceAdmin(ReadOnlyHistoryAdmin):
    list_display = ("id", "claim", "file", "attached_at", "detached_at")
    list_select_related = ("claim", "file")


@admin.register(Nomination)
class NominationAdmin(ReadOnlyHistoryAdmin):
    list_display = ("id", "campaign_rubric", "unit", "officer", "status", "nominated_at")
    list_filter = ("status",)
    list_select_related = ("campaign_rubric__campaign", "unit", "officer__unit")


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyHistoryAdmin):
    list_display = ("id", "campaign", "unit", "kind", "period", "submitted_at")
    list_filter = ("kind", "campaign")
    list_select_related = ("campaign", "unit")


@admin.register(ReportSchedule)
class ReportScheduleAdmin(admin.ModelAdmin):
    """Due days per campaign: the one thing here an admin edits."""

    list_display = ("campaign", "kind", "due_day")
    list_filter = ("kind",)
