"""The Django admin of campaigns, units and leadership groups, for campaign admins.

Writes that carry rules go through the same code as the pages: phase dates through
`Phase.clean` (and `check_phase_set` for phases saved together in one inline), unit deletion
through `services.delete_unit`, which refuses a unit still in use with a Chinese message.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from import_export.admin import ImportExportMixin

from accounts import access
from campaigns import services
from campaigns.models import (
    Campaign,
    LeadershipGroup,
    LeadershipMember,
    Officer,
    OrgUnit,
    Participation,
    Phase,
    TaskPlanEntry,
    WorkingGroup,
    WorkingGroupMember,
)
from spreadsheets.imports.resources import OfficerResource, OrgUnitResource

# --- permissions ------------------------------------------------------------------------


class CampaignAdminRole:
    """Staff users with the campaign-admin role (领导小组办公室) manage everything of this app
    in the admin without per-model Django permissions, as they may everywhere else
    (`accounts.access.writes_everything`). Other staff need the usual permissions. The user
    admin (accounts/admin.py) deliberately keeps Django's permissions: a role must not be
    enough to hand out roles or superuser status."""

    def _by_role(self, request: HttpRequest) -> bool:
        return request.user.is_staff and access.writes_everything(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._by_role(request) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._by_role(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        # ModelAdmin takes (request); inlines take (request, obj).
        return self._by_role(request) or super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._by_role(request) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._by_role(request) or super().has_delete_permission(request, obj)


class ModelAdmin(CampaignAdminRole, admin.ModelAdmin):
    pass


class TabularInline(CampaignAdminRole, admin.TabularInline):
    pass


class StackedInline(CampaignAdminRole, admin.StackedInline):
    pass


# --- units and officers -----------------------------------------------------------------


@admin.register(OrgUnit)
class OrgUnitAdmin(ImportExportMixin, ModelAdmin):
    # The same resources as the import page and `manage.py import_data units|officers`.
    resource_classes = (OrgUnitResource,)
    list_display = ("name", "short_name", "code", "kind", "parent", "sort_order")
    list_filter = ("kind",)
    search_fields = ("name", "short_name", "code")
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)
    ordering = ("sort_order", "code")

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        """Refuse a unit still in use with the service's message, before Django would show
        its list of protected objects; a race that slips past is caught below."""
        unit = self.get_object(request, unquote(object_id))
        if unit is not None and self.has_delete_permission(request, unit):
            reasons = services.unit_in_use_reasons(unit=unit)
            if reasons:
                return self._refuse(request, unit, reasons)
        try:
            return super().delete_view(request, object_id, extra_context)
        except services.UnitInUse as exc:
            return self._refuse(request, unit, exc.messages)

    def _refuse(self, request: HttpRequest, unit: OrgUnit, reasons: list[str]) -> HttpResponse:
        for reason in reasons:
            self.message_user(request, f"“{unit}”：{reason}", messages.ERROR)
        return HttpResponseRedirect(
            reverse(
                "admin:campaigns_orgunit_change", args=[unit.pk], current_app=self.admin_site.name
            )
        )

    def delete_model(self, request: HttpRequest, obj: OrgUnit) -> None:
        services.delete_unit(unit=obj)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        """The bulk action: Django lists protected objects before this runs; a unit that gained
        an officer in between is skipped with a message instead of failing the whole batch."""
        for unit in queryset:
            try:
                services.delete_unit(unit=unit)
            except services.UnitInUse as exc:
                for reason in exc.messages:
                    self.message_user(request, f"“{unit}”：{reason}", messages.ERROR)


@admin.register(Officer)
class OfficerAdmin(ImportExportMixin, ModelAdmin):
    resource_classes = (OfficerResource,)
    list_display = ("name", "unit", "certificate_no", "post", "is_active", "user")
    list_filter = ("is_active", "unit__kind", "unit")
    search_fields = ("name", "certificate_no", "unit__name", "unit__short_name")
    autocomplete_fields = ("unit", "user")
    list_select_related = ("unit", "user")


# --- campaigns --------------------------------------------------------------------------


class PhaseInlineFormSet(BaseInlineFormSet):
    """Each phase form checks itself against the saved phases (`Phase.clean`); this checks the
    phases of the form against each other, so two new overlapping phases are refused too."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        # Saved phases and filled-in new rows; blank extra rows and rows marked for deletion
        # take no part.
        kept = [
            form.instance
            for form in self.forms
            if (form.instance.pk or form.has_changed()) and not self._should_delete_form(form)
        ]
        services.check_phase_set(kept)


class PhaseInline(TabularInline):
    model = Phase
    formset = PhaseInlineFormSet
    fields = ("kind", "starts_at", "ends_at", "note")
    extra = 0


class ParticipationInline(TabularInline):
    model = Participation
    fields = (
        "unit",
        "competes_as_collective",
        "individual_quota",
        "officers_on_post",
        "key_enterprises",
    )
    autocomplete_fields = ("unit",)
    extra = 0


class TaskPlanInline(StackedInline):
    model = TaskPlanEntry
    fields = (
        ("seq", "indicator", "points_label"),
        "content",
        ("lead_department", "supporting_departments"),
        ("lead_leader", "schedule", "remarks"),
    )
    extra = 0
    classes = ("collapse",)


@admin.register(Campaign)
class CampaignAdmin(ModelAdmin):
    list_display = (
        "title",
        "year",
        "issuing_unit",
        "document_number",
        "window_start",
        "window_end",
        "status",
        "is_demo",
    )
    list_filter = ("status", "year", "is_demo")
    search_fields = ("title", "document_number", "issuing_unit__name")
    autocomplete_fields = ("issuing_unit",)
    list_select_related = ("issuing_unit",)
    date_hierarchy = "window_start"
    inlines = (PhaseInline, ParticipationInline, TaskPlanInline)
    readonly_fields = ("created_at",)


@admin.register(Phase)
class PhaseAdmin(ModelAdmin):
    list_display = ("campaign", "kind", "starts_at", "ends_at", "note")
    list_filter = ("kind", "campaign__year")
    search_fields = ("campaign__title", "note")
    autocomplete_fields = ("campaign",)
    list_select_related = ("campaign",)


@admin.register(Participation)
class ParticipationAdmin(ModelAdmin):
    list_display = (
        "campaign",
        "unit",
        "competes_as_collective",
        "individual_quota",
        "officers_on_post",
        "key_enterprises",
    )
    list_filter = ("competes_as_collective", "campaign__year", "unit__kind")
    search_fields = ("campaign__title", "unit__name", "unit__short_name")
    autocomplete_fields = ("campaign", "unit")
    list_select_related = ("campaign", "unit")


@admin.register(TaskPlanEntry)
class TaskPlanEntryAdmin(ModelAdmin):
    list_display = (
        "campaign",
        "seq",
        "indicator",
        "points_label",
        "lead_department",
        "lead_leader",
        "schedule",
    )
    list_filter = ("campaign",)
    search_fields = ("indicator", "content", "lead_department", "lead_leader")
    autocomplete_fields = ("campaign",)
    list_select_related = ("campaign",)


# --- leadership groups ------------------------------------------------------------------


class LeadershipMemberInline(TabularInline):
    model = LeadershipMember
    fields = ("sort_order", "name", "role", "post", "unit")
    autocomplete_fields = ("unit",)
    extra = 0


class WorkingGroupInline(StackedInline):
    model = WorkingGroup
    fields = (("sort_order", "kind", "name"), "duties")
    extra = 0
    show_change_link = True  # its members are edited on the working group's own page


@admin.register(LeadershipGroup)
class LeadershipGroupAdmin(ModelAdmin):
    list_display = ("name", "campaign", "office_unit", "office_director")
    list_filter = ("campaign__year",)
    search_fields = ("name", "campaign__title", "office_director")
    autocomplete_fields = ("campaign", "office_unit")
    list_select_related = ("campaign", "office_unit")
    inlines = (LeadershipMemberInline, WorkingGroupInline)


@admin.register(LeadershipMember)
class LeadershipMemberAdmin(ModelAdmin):
    list_display = ("name", "role", "post", "unit", "group")
    list_filter = ("role", "group__campaign__year")
    search_fields = ("name", "post", "group__campaign__title")
    autocomplete_fields = ("group", "unit")
    list_select_related = ("group__campaign", "unit")


class WorkingGroupMemberInline(TabularInline):
    model = WorkingGroupMember
    fields = ("sort_order", "name", "role")
    extra = 0


@admin.register(WorkingGroup)
class WorkingGroupAdmin(ModelAdmin):
    list_display = ("name", "kind", "group", "sort_order")
    list_filter = ("kind", "group__campaign__year")
    search_fields = ("name", "duties", "group__campaign__title")
    autocomplete_fields = ("group",)
    list_select_related = ("group__campaign",)
    inlines = (WorkingGroupMemberInline,)


@admin.register(WorkingGroupMember)
class WorkingGroupMemberAdmin(ModelAdmin):
    list_display = ("name", "role", "working_group")
    list_filter = ("role",)
    search_fields = ("name", "working_group__name")
    autocomplete_fields = ("working_group",)
    list_select_related = ("working_group__group__campaign",)
