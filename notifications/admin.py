from django.contrib import admin

from notifications.models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "user", "unit", "campaign", "on_date", "created_at", "read_at"]
    list_filter = ["kind", "read_at"]
    search_fields = ["title", "body"]
    list_select_related = ["user", "unit", "campaign"]
    readonly_fields = [f.name for f in Notice._meta.fields]

    def has_add_permission(self, request) -> bool:  # notices are posted by the services
        return False
