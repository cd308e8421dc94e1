"""The user admin: Django's, with the portal's role, unit and display name."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import User

PORTAL_FIELDS = ("display_name", "role", "unit")


class UserCreationForm(AdminUserCreationForm):
    """Role and unit are chosen with the user name, so the "branch staff need a unit"
    constraint is checked on the form (with its Chinese message), not left to the database."""

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", *PORTAL_FIELDS)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserCreationForm
    # Django's sections (translated by Django), with the portal's fields after the name.
    fieldsets = (
        DjangoUserAdmin.fieldsets[0],
        (_("练兵活动"), {"fields": PORTAL_FIELDS}),
        *DjangoUserAdmin.fieldsets[1:],
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", *PORTAL_FIELDS, "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = ("username", "display_name", "role", "unit", "is_staff", "is_active")
    list_filter = ("role", "is_staff", "is_superuser", "is_active", "unit__kind")
    search_fields = ("username", "display_name", "first_name", "last_name", "email", "unit__name")
    autocomplete_fields = ("unit",)
    list_select_related = ("unit",)
