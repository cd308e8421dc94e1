"""Adding and editing a unit's officers: form → service (campaigns.services.officers)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import access
from campaigns.forms import OfficerForm
from campaigns.services.officers import create_officer, update_officer
from campaigns.views.common import add_service_errors


@require_http_methods(["GET", "POST"])
@login_required
def officer_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access.get_unit_for_user(request.user, pk, write=True)
    form = OfficerForm(data=request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            officer = create_officer(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已添加执法人员“%(name)s”。") % {"name": officer.name})
            return redirect("campaigns:unit_detail", pk=unit.pk)
    return render(
        request, "campaigns/officer_form.html", {"form": form, "unit": unit, "officer": None}
    )


@require_http_methods(["GET", "POST"])
@login_required
def officer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    officer = access.get_officer_for_user(request.user, pk, write=True)
    unit = officer.unit
    initial = {
        "name": officer.name,
        "certificate_no": officer.certificate_no,
        "post": officer.post,
        "is_active": officer.is_active,
    }
    form = OfficerForm(
        data=request.POST if request.method == "POST" else None,
        initial=initial,
        include_is_active=True,
    )
    if form.is_bound and form.is_valid():
        try:
            update_officer(actor=request.user, officer=officer, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已保存执法人员“%(name)s”。") % {"name": officer.name})
            return redirect("campaigns:unit_detail", pk=unit.pk)
    return render(
        request, "campaigns/officer_form.html", {"form": form, "unit": unit, "officer": officer}
    )
