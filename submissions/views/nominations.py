"""Nominating officers (推荐个人) within the unit's quota."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import get_officer_for_user, is_scoped_to_unit
from campaigns.models import Participation
from evidence.access import evidence_visible_to
from scoring.access import get_campaign_rubric_for_user
from submissions.enums import NominationStatus
from submissions.models import Nomination
from submissions.services.nominations import eligibility_questions, nominate, withdraw_nomination


class NominationForm(forms.Form):
    officer = forms.TypedChoiceField(label=gettext_lazy("执法人员"), coerce=int)

    def __init__(self, *args, officers, questions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = [("", "—")] + [
            (
                o.pk,
                _("%(name)s（%(certificate)s）")
                % {"name": o.name, "certificate": o.certificate_no or _("无证件号")},
            )
            for o in officers
        ]
        self.questions = questions
        for key, spec in questions:
            self.fields[f"q_{key}"] = forms.BooleanField(
                label=_("确认：%(label)s") % {"label": spec.label}, required=False
            )

    def answers(self) -> dict[str, bool]:
        return {key: bool(self.cleaned_data.get(f"q_{key}")) for key, _spec in self.questions}


@require_http_methods(["GET", "POST"])
@login_required
def nominations(request: HttpRequest, pk: int) -> HttpResponse:
    pin = get_campaign_rubric_for_user(request.user, pk)
    if not is_scoped_to_unit(request.user):
        raise PermissionDenied
    unit = request.user.unit
    participation = Participation.objects.filter(campaign=pin.campaign, unit=unit).first()
    active = list(
        Nomination.objects.filter(
            campaign_rubric=pin, unit=unit, status=NominationStatus.ACTIVE
        ).select_related("officer", "candidate")
    )
    taken = {n.officer_id for n in active}
    officers = [
        o for o in unit.officers.filter(is_active=True).order_by("name") if o.pk not in taken
    ]
    questions = eligibility_questions(pin)
    form = NominationForm(request.POST or None, officers=officers, questions=questions)
    if request.method == "POST" and form.is_valid():
        officer = get_officer_for_user(request.user, form.cleaned_data["officer"], write=True)
        ids = [int(v) for v in request.POST.getlist("nomination_files") if v.isdigit()]
        files = list(evidence_visible_to(request.user).filter(pk__in=ids))
        try:
            if len(files) != len(set(ids)):
                raise ValidationError(_("有文件不存在或无权使用。"))
            nominate(
                campaign_rubric=pin,
                officer=officer,
                actor=request.user,
                answers=form.answers(),
                files=files,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("已推荐 %(name)s。") % {"name": officer.name})
            return redirect("submissions:nominations", pk=pin.pk)
    return render(
        request,
        "submissions/nominations.html",
        {
            "pin": pin,
            "campaign": pin.campaign,
            "unit": unit,
            "quota": participation.individual_quota if participation else 0,
            "active": active,
            "form": form,
        },
    )


@require_POST
@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = get_object_or_404(
        Nomination.objects.select_related("officer", "campaign_rubric__campaign", "candidate"),
        pk=pk,
    )
    get_officer_for_user(request.user, nomination.officer_id, write=True)
    try:
        withdraw_nomination(nomination=nomination, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("已撤回对 %(name)s 的推荐。") % {"name": nomination.officer.name}
        )
    return redirect("submissions:nominations", pk=nomination.campaign_rubric_id)
