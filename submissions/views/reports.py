"""Monthly reports: a unit submits its statistics and briefings; the office sees who is late."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import get_campaign_for_user, is_scoped_to_unit, reads_everything
from evidence.access import evidence_visible_to
from submissions.enums import ReportKind
from submissions.models import MonthlyReport
from submissions.services.reports import due_days, late_reports, submit_report


class MonthlyReportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("报送类型"), choices=ReportKind.choices)
    period = forms.DateField(
        label=gettext_lazy("所属月份"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    content = forms.CharField(
        label=gettext_lazy("内容"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000
    )


@require_http_methods(["GET", "POST"])
@login_required
def unit_reports(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, pk)
    if not is_scoped_to_unit(request.user):
        raise PermissionDenied
    unit = request.user.unit
    form = MonthlyReportForm(
        request.POST or None, initial={"period": timezone.localdate().replace(day=1)}
    )
    if request.method == "POST" and form.is_valid():
        ids = [int(v) for v in request.POST.getlist("report_files") if v.isdigit()]
        files = list(evidence_visible_to(request.user).filter(pk__in=ids))
        try:
            if len(files) != len(set(ids)):
                raise ValidationError(_("有文件不存在或无权使用。"))
            submit_report(
                campaign=campaign,
                unit=unit,
                kind=form.cleaned_data["kind"],
                period=form.cleaned_data["period"],
                content=form.cleaned_data["content"],
                actor=request.user,
                files=files,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("已报送。"))
            return redirect("submissions:unit_reports", pk=campaign.pk)
    reports = (
        MonthlyReport.objects.filter(campaign=campaign, unit=unit)
        .select_related("submitted_by")
        .prefetch_related("evidence")
    )
    return render(
        request,
        "submissions/unit_reports.html",
        {
            "campaign": campaign,
            "unit": unit,
            "form": form,
            "reports": reports,
            "due_days": due_days(campaign),
            "late": [x for x in late_reports(campaign=campaign) if x.unit.pk == unit.pk],
        },
    )


@require_GET
@login_required
def late_reports_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, pk)
    if not reads_everything(request.user):
        raise PermissionDenied
    return render(
        request,
        "submissions/late_reports.html",
        {"campaign": campaign, "late": late_reports(campaign=campaign)},
    )
