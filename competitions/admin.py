"""Admin: browsing and history. Draws are read-only here (a draw is made through the service,
with an announced seed); results are entered by judges on their page."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cases.admin import ReadOnlyAdmin
from competitions.models import Competition, CompetitionDraw, Contestant, Enterprise, Event, Result


@admin.register(Competition)
class CompetitionAdmin(SimpleHistoryAdmin):
    list_display = ("title", "campaign", "mode", "level", "published_at")
    list_filter = ("mode", "level")
    search_fields = ("title",)
    readonly_fields = ("published_at", "created_by")


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    list_display = ("name", "competition", "weight", "max_score")
    filter_horizontal = ("judges",)


@admin.register(Contestant)
class ContestantAdmin(SimpleHistoryAdmin):
    list_display = ("officer", "competition", "unit", "team", "source")
    list_filter = ("source",)
    raw_id_fields = ("officer", "draw")


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = ("name", "unit", "competition", "sector", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "credit_code")


@admin.register(CompetitionDraw)
class CompetitionDrawAdmin(ReadOnlyAdmin):
    list_display = ("pk", "competition", "kind", "unit", "count", "pool_hash", "drawn_at")


@admin.register(Result)
class ResultAdmin(SimpleHistoryAdmin):
    list_display = ("event", "team", "contestant", "score", "problems", "entered_by")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
