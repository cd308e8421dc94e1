"""The office's and leadership's pages: a campaign's approvals and notices, one approval with
its frozen list and the actions on it, and the objections of a notice (office only)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import get_campaign_for_user
from campaigns.enums import PhaseKind
from campaigns.views.common import add_service_errors
from publication import access, selectors, services
from publication.enums import DECIDED_OBJECTION_STATUSES, ApprovalStatus
from publication.forms import DecisionForm, InvestigationForm, PublishForm, SubmitForm
from publication.models import ObjectionAttachment
from publication.services.objections import open_attachment
from scoring.enums import RubricSubject
from scoring.models import CampaignRubric

OBJECTIONS_PER_PAGE = 50


@require_GET
@login_required
def campaign_publication(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, pk)
    access.check_reader(request.user)
    return render(
        request,
        "publication/campaign.html",
        {
            "campaign": campaign,
            "statuses": selectors.campaign_pin_statuses(campaign),
            "is_office": access.is_office(request.user),
            "submit_form": SubmitForm(),
        },
    )


@require_POST
@login_required
def submit(request: HttpRequest, pin_pk: int) -> HttpResponse:
    access.check_office(request.user)
    pin = get_object_or_404(CampaignRubric.objects.select_related("campaign"), pk=pin_pk)
    form = SubmitForm(request.POST)
    form.is_valid()
    try:
        approval = services.submit_for_approval(
            campaign_rubric=pin, actor=request.user, note=form.cleaned_data.get("note", "")
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("publication:campaign", pk=pin.campaign_id)
    messages.success(request, _("名单已报送领导小组审定。"))
    return redirect("publication:approval", pk=approval.pk)


def _approval_context(request: HttpRequest, approval, **forms) -> dict:
    pin = approval.campaign_rubric
    shown = list(
        approval.entries.filter(Q(selected=True) | Q(excluded=True))
        .select_related("candidate__unit", "candidate__officer__unit")
        .order_by("position")
    )
    notice = getattr(approval, "notice", None)
    stale = approval.status in (ApprovalStatus.SUBMITTED, ApprovalStatus.APPROVED) and (
        services.is_stale(approval)
    )
    user = request.user
    now = timezone.localtime().replace(second=0, microsecond=0)
    # The campaign's 公示 phase, when it has one, gives the default period.
    phase = pin.campaign.phases.filter(kind=PhaseKind.PUBLIC_NOTICE).first()
    period = (
        {
            "starts_at": timezone.localtime(phase.starts_at),
            "ends_at": timezone.localtime(phase.ends_at),
        }
        if phase
        else {"starts_at": now, "ends_at": now + dt.timedelta(days=7)}
    )
    return {
        "approval": approval,
        "pin": pin,
        "campaign": pin.campaign,
        "individual": pin.version.subject == RubricSubject.INDIVIDUAL,
        "selected": [(e, *selectors.candidate_label(e.candidate)) for e in shown if e.selected],
        "excluded": [(e, *selectors.candidate_label(e.candidate)) for e in shown if e.excluded],
        "total_entries": approval.entries.count(),
        "notice": notice,
        "stale": stale,
        "may_decide": access.may_decide(user) and approval.status == ApprovalStatus.SUBMITTED,
        "may_publish": access.is_office(user)
        and approval.status == ApprovalStatus.APPROVED
        and notice is None,
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "publish_form": forms.get("publish_form") or PublishForm(initial=period),
    }


@require_GET
@login_required
def approval_detail(request: HttpRequest, pk: int) -> HttpResponse:
    approval = access.get_approval_for_user(request.user, pk)
    return render(request, "publication/approval.html", _approval_context(request, approval))


@require_POST
@login_required
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    approval = access.get_approval_for_user(request.user, pk)
    access.check_decider(request.user)
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == DecisionForm.APPROVE:
                services.approve(approval=approval, actor=request.user, comments=data["comments"])
                messages.success(request, _("名单已审定。"))
            else:
                services.return_for_changes(
                    approval=approval, actor=request.user, comments=data["comments"]
                )
                messages.success(request, _("名单已退回活动管理员。"))
            return redirect("publication:approval", pk=approval.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    context = _approval_context(request, approval, decision_form=form)
    return render(request, "publication/approval.html", context, status=400)


@require_POST
@login_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    approval = access.get_approval_for_user(request.user, pk)
    access.check_office(request.user)
    form = PublishForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            notice = services.publish_notice(
                approval=approval,
                actor=request.user,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                how_to_object=data["how_to_object"],
                title=data["title"],
            )
            messages.success(request, _("公示已发布。"))
            return redirect("publication:notice_public", pk=notice.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    context = _approval_context(request, approval, publish_form=form)
    return render(request, "publication/approval.html", context, status=400)


@require_GET
@login_required
def objection_list(request: HttpRequest, pk: int) -> HttpResponse:
    notice = access.get_notice_for_office(request.user, pk)
    objections = (
        notice.objections.select_related(
            "entry__candidate__unit", "entry__candidate__officer__unit", "handled_by"
        )
        .annotate(attachment_count=Count("attachments"))
        .order_by("-submitted_at", "-pk")
    )
    page = Paginator(objections, OBJECTIONS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(o, *selectors.candidate_label(o.entry.candidate)) for o in page]
    return render(
        request,
        "publication/objection_list.html",
        {
            "notice": notice,
            "campaign": notice.approval.campaign_rubric.campaign,
            "page": page,
            "rows": rows,
            "state": services.notice_state(notice),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def objection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    objection = access.get_objection_for_office(request.user, pk)
    pin = objection.notice.approval.campaign_rubric
    options = services.veto_options(pin.version.rubric())
    form = InvestigationForm(
        request.POST or None,
        veto_options=options,
        initial={
            "investigation": objection.investigation,
            "outcome": objection.outcome,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.record_investigation(
                    objection=objection, actor=request.user, **form.cleaned_data
                )
                messages.success(request, _("调查处理情况已记录。"))
                return redirect("publication:objection", pk=objection.pk)
            except ValidationError as exc:
                add_service_errors(form, exc)
        status = 400
    name, unit = selectors.candidate_label(objection.entry.candidate)
    return render(
        request,
        "publication/objection_detail.html",
        {
            "objection": objection,
            "notice": objection.notice,
            "pin": pin,
            "campaign": pin.campaign,
            "candidate_name": name,
            "candidate_unit": unit,
            "attachments": list(objection.attachments.all()),
            "form": form,
            "decided": objection.status in DECIDED_OBJECTION_STATUSES,
        },
        status=status,
    )


@require_GET
@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    access.check_office(request.user)
    attachment = get_object_or_404(ObjectionAttachment, pk=pk)
    response = FileResponse(
        open_attachment(attachment),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
