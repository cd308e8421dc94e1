"""Reviewer pages (queue, scoring a file) and oversight pages (draws, matrix, progress, flagged).

Each view parses input, calls one service, renders or redirects. The review page works
without JavaScript (a save button and a submit button); static/cases/review.js saves each
change as it happens by posting the same form with `X-Requested-With: fetch`, and gets JSON.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import (
    can_edit_unit_officers,
    get_campaign_for_user,
    get_unit_for_user,
    writes_everything,
)
from campaigns.views import common
from cases import access, services
from cases.enums import AssignmentStatus
from cases.forms import (
    ArbitrationForm,
    CaseFileForm,
    CaseSubmissionForm,
    ConflictForm,
    DrawPlanForm,
    ReviewForm,
    SeedForm,
)
from cases.models import Assignment, CaseDocument, CaseFile, FileReview, ReviewSettings
from scoring.access import get_candidate_for_user

refusal_page = common.refusal_page("cases/refused.html")


def _messages_of(exc: ValidationError) -> list[str]:
    return list(exc.messages)


@require_GET
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    assignments = list(services.reviewer_queue(request.user))
    blind_campaigns = set(
        ReviewSettings.objects.filter(
            campaign_id__in={a.sampled.draw.campaign_id for a in assignments}, blind=True
        ).values_list("campaign_id", flat=True)
    )
    rows = [
        {
            "assignment": a,
            "case": a.sampled.case_file,
            "blind": a.sampled.draw.campaign_id in blind_campaigns,
            "review": getattr(a, "review", None),
        }
        for a in assignments
    ]
    return render(request, "cases/queue.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@login_required
@refusal_page
def review(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = access.get_assignment_for_user(request.user, pk)
    campaign = assignment.sampled.draw.campaign
    settings_row = services.review_settings(campaign)
    stored = FileReview.objects.filter(assignment=assignment).select_related("checklist").first()
    checklist_row = stored.checklist if stored else settings_row.checklist
    checklist = services.checklist_of(checklist_row)
    case = assignment.sampled.case_file
    form_kwargs = {"checklist": checklist, "case_type": case.case_type}
    errors: list[str] = []
    if request.method == "POST":
        form = ReviewForm(request.POST, **form_kwargs)
        action = request.POST.get("action", "save")
        if form.is_valid():
            try:
                services.save_marks(assignment=assignment, marks=form.marks(), actor=request.user)
                if action == "submit":
                    services.submit_review(assignment=assignment, actor=request.user)
            except ValidationError as exc:
                errors = _messages_of(exc)
        else:
            errors = [e for field_errors in form.errors.values() for e in field_errors]
        if request.headers.get("X-Requested-With") == common.FETCH:
            saved_at = timezone.localtime().strftime("%H:%M:%S")
            return JsonResponse(
                {"ok": not errors, "errors": errors, "saved_at": saved_at},
                status=400 if errors else 200,
            )
        if not errors:
            if action == "submit":
                messages.success(request, "评查结果已提交，已锁定。")
            else:
                messages.success(request, "已保存。")
            return redirect("cases:review", pk=assignment.pk)
    else:
        form = ReviewForm(
            initial=ReviewForm.initial_from(stored.marks if stored else {}), **form_kwargs
        )
    phase_message = ""
    try:
        services.check_review_phase(campaign)
    except ValidationError as exc:
        phase_message = "；".join(exc.messages)
    documents = (
        CaseDocument.objects.filter(case_file=case)
        .select_related("evidence")
        .order_by("sort_order")
    )
    return render(
        request,
        "cases/review.html",
        {
            "assignment": assignment,
            "case": case,
            "campaign": campaign,
            "blind": settings_row.blind,
            "form": form,
            "errors": errors,
            "review": stored,
            "locked": bool(stored and stored.is_locked)
            or assignment.status == AssignmentStatus.SUBMITTED,
            "checklist": checklist,
            "documents": documents,
            "conflict_form": ConflictForm(),
            "phase_message": phase_message,
        },
    )


@require_POST
@login_required
@refusal_page
def conflict(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = access.get_assignment_for_user(request.user, pk)
    form = ConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, "申报回避必须写明理由。")
        return redirect("cases:review", pk=assignment.pk)
    try:
        services.declare_conflict(
            assignment=assignment, reason=form.cleaned_data["reason"], actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("cases:review", pk=assignment.pk)
    messages.success(request, "已申报回避，案卷已改派其他评查人员。")
    return redirect("cases:queue")


@require_GET
@login_required
def oversight(request: HttpRequest, pk: int) -> HttpResponse:
    access.check_oversight(request.user)
    campaign = get_campaign_for_user(request.user, pk)
    rows, cols, counts = services.matrix(campaign)
    matrix_rows = [{"unit": r, "cells": [counts.get((r.pk, c.pk), 0) for c in cols]} for r in rows]
    return render(
        request,
        "cases/oversight.html",
        {
            "campaign": campaign,
            "draws": services.draws_of(campaign),
            "matrix_cols": cols,
            "matrix_rows": matrix_rows,
            "progress": services.progress_by_reviewer(campaign),
            "flagged": services.flagged_files(campaign),
            "arbitration_form": ArbitrationForm(),
            "seed_form": SeedForm(),
            "draw_form": DrawPlanForm(campaign=campaign),
            "proposed": Assignment.objects.filter(
                sampled__draw__campaign=campaign, status=AssignmentStatus.PROPOSED
            ).count(),
            "may_act": writes_everything(request.user),
            "may_arbitrate": services.may_arbitrate(request.user, campaign),
        },
    )


@require_POST
@login_required
@refusal_page
def arbitrate(request: HttpRequest, pk: int) -> HttpResponse:
    sampled = access.get_sampled_for_user(request.user, pk)
    campaign = sampled.draw.campaign
    form = ArbitrationForm(request.POST)
    if form.is_valid():
        try:
            services.arbitrate(
                sampled=sampled,
                score=form.cleaned_data["score"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
            messages.success(request, "已裁定。")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, "裁定得分须在 0 至 100 分之间，并写明理由。")
    return redirect("cases:oversight", pk=campaign.pk)


@require_GET
@login_required
def candidate_files(request: HttpRequest, pk: int) -> HttpResponse:
    """A candidate's sampled files: score, how it was combined, and the reasons for a zero."""
    candidate = get_candidate_for_user(request.user, pk)
    draws = list(services.draws_of(candidate.campaign_rubric.campaign).filter(candidate=candidate))
    files = services.candidate_files(candidate)
    return render(
        request,
        "cases/candidate_files.html",
        {
            "candidate": candidate,
            "draws": draws,
            "files": files,
            "submits_by_type": candidate.campaign_rubric.rubric_key in services.SUBMISSION_PLANS,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@refusal_page
def submit_cases(request: HttpRequest, pk: int) -> HttpResponse:
    """Seed 003: the candidate unit picks one eligible file per type slot and submits the set
    (once, while self-assessment is open; the service checks both)."""
    candidate = get_candidate_for_user(request.user, pk)
    if (
        candidate.campaign_rubric.rubric_key not in services.SUBMISSION_PLANS
        or not candidate.unit_id
    ):
        raise Http404
    submitted = services.submitted_draws(candidate)
    form = None
    errors: list[str] = []
    if not submitted:
        slots = services.submission_slots(candidate=candidate)
        data = request.POST if request.method == "POST" else None
        form = CaseSubmissionForm(data, slots=slots)
        if request.method == "POST":
            if form.is_valid():
                try:
                    services.submit_case_files(
                        candidate=candidate, choices=form.choices(), actor=request.user
                    )
                    messages.success(request, "案卷已提交，将进入交叉评查。")
                    return redirect("cases:candidate_files", pk=candidate.pk)
                except ValidationError as exc:
                    errors = _messages_of(exc)
            else:
                errors = [e for field_errors in form.errors.values() for e in field_errors]
    return render(
        request,
        "cases/submit_cases.html",
        {
            "candidate": candidate,
            "campaign": candidate.campaign_rubric.campaign,
            "form": form,
            "errors": errors,
            "submitted": submitted,
            "phase_open": services.submission_open(candidate),
        },
        status=400 if errors else 200,
    )


def _campaign_action(request: HttpRequest, pk: int) -> Any:
    access.check_oversight(request.user, write=True)
    return get_campaign_for_user(request.user, pk)


@require_POST
@login_required
@refusal_page
def announce_seed(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_action(request, pk)
    form = SeedForm(request.POST)
    if not form.is_valid():
        messages.error(request, "抽取前必须先公布随机种子，未填写种子不能抽取。")
    else:
        try:
            services.announce_seed(
                campaign=campaign,
                value=form.cleaned_data["value"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
            messages.success(request, "随机种子已公布。")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    return redirect("cases:oversight", pk=campaign.pk)


@require_POST
@login_required
@refusal_page
def draw(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_action(request, pk)
    form = DrawPlanForm(request.POST, campaign=campaign)
    if not form.is_valid():
        messages.error(request, "抽取前必须先公布随机种子，并选择评分细则。")
    else:
        try:
            n = services.draw_plan_for_pin(
                pin=form.cleaned_data["pin"], seed=form.cleaned_data["seed"], actor=request.user
            )
            messages.success(request, f"已完成 {n} 次抽取。")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    return redirect("cases:oversight", pk=campaign.pk)


@require_POST
@login_required
@refusal_page
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    """`step=propose` computes and records a proposal; `step=approve` approves it."""
    campaign = _campaign_action(request, pk)
    try:
        if request.POST.get("step") == "approve":
            n = services.approve_assignments(campaign=campaign, actor=request.user)
            messages.success(request, f"已批准 {n} 项评查分配。")
        else:
            n = services.propose_assignments(campaign=campaign, actor=request.user)
            messages.success(request, f"已生成 {n} 项评查分配，待批准。")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("cases:oversight", pk=campaign.pk)


@require_http_methods(["GET", "POST"])
@login_required
@refusal_page
def unit_cases(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit's case registry; its staff and campaign admins register files here."""
    unit = get_unit_for_user(request.user, pk)
    may_add = can_edit_unit_officers(request.user, unit)
    form = CaseFileForm()
    if request.method == "POST":
        unit = get_unit_for_user(request.user, pk, write=True)
        form = CaseFileForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.register_case(
                    unit=unit,
                    case_number=data["case_number"],
                    case_type=data["case_type"],
                    decision_date=data["decision_date"],
                    handlers=data["handlers"],
                    party_name=data["party_name"],
                    decision_published=data["decision_published"],
                    decision_only=data["decision_only"],
                    actor=request.user,
                )
                messages.success(request, "案卷已登记。")
                return redirect("cases:unit_cases", pk=unit.pk)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
    cases = (
        CaseFile.objects.filter(unit=unit)
        .prefetch_related("handlers__officer")
        .order_by("-decision_date", "case_number")
    )
    return render(
        request,
        "cases/unit_cases.html",
        {"unit": unit, "cases": cases, "form": form, "may_add": may_add},
    )
