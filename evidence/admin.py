"""Evidence in the admin: read-only, with history. Uploads and withdrawals go through the
portal's views and `evidence.services`, which check content, quota and versions."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from evidence.models import EvidenceFile


@admin.register(EvidenceFile)
class EvidenceFileAdmin(SimpleHistoryAdmin):
    list_display = (
        "original_name",
        "owner_unit",
        "kind",
        "size",
        "uploaded_by",
        "uploaded_at",
        "withdrawn_at",
    )
    list_filter = ("kind", "owner_unit")
    search_fields = ("original_name", "sha256")
    list_select_related = ("owner_unit", "uploaded_by")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
