"""Admin for publication: read-only. Submissions, decisions, notices and objections are written
by publication.services (through the portal's pages), never edited here; objectors' personal
data is shown to the office, who alone reach the admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from publication.models import (
    ApprovalEntry,
    Notice,
    Objection,
    ObjectionAttachment,
    ShortlistApproval,
)


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ApprovalEntryInline(ReadOnly, admin.TabularInline):
    model = ApprovalEntry
    fields = ["position", "candidate", "rank", "total", "selected", "excluded", "result_digest"]
    readonly_fields = fields
    extra = 0


@admin.register(ShortlistApproval)
class ShortlistApprovalAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ["campaign_rubric", "status", "submitted_by", "submitted_at", "decided_by"]
    list_filter = ["status"]
    list_select_related = ["campaign_rubric__campaign", "submitted_by", "decided_by"]
    inlines = [ApprovalEntryInline]


@admin.register(Notice)
class NoticeAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ["title", "starts_at", "ends_at", "published_by"]
    list_select_related = ["published_by"]


class ObjectionAttachmentInline(ReadOnly, admin.TabularInline):
    model = ObjectionAttachment
    fields = ["original_name", "kind", "size", "sha256"]
    readonly_fields = fields
    extra = 0


@admin.register(Objection)
class ObjectionAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ["pk", "notice", "objector_name", "submitted_at", "status", "handled_by"]
    list_filter = ["status"]
    list_select_related = ["notice", "handled_by"]
    inlines = [ObjectionAttachmentInline]
