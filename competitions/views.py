"""Competition pages: list per campaign, detail (admins manage), draw records, results, and the
judges' entry page. Each view parses input, calls one service, renders or redirects."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import campaigns_visible_to, get_campaign_for_user, writes_everything
from campaigns.views import common
from cases import services as case_services
from competitions import forms, services
from competitions.access import get_competition_for_user, get_event_for_user
from competitions.enums import CompetitionMode, DrawKind
from competitions.models import Competition, Contestant, Event, Result

refusal_page = common.refusal_page("competitions/refused.html")


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _form_errors(request: HttpRequest, form: Any) -> None:
    for field_errors in form.errors.values():
        for message in field_errors:
            messages.error(request, message)


def _detail(competition: Competition) -> HttpResponse:
    return redirect("competitions:detail", competition.pk)


@require_http_methods(["GET", "POST"])
@login_required
@refusal_page
def competition_list(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, pk, write=request.method == "POST")
    form = forms.CompetitionForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                competition = services.create_competition(
                    campaign=campaign, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, _("比武已设立。"))
                return _detail(competition)
        else:
            _form_errors(request, form)
    competitions = (
        Competition.objects.filter(campaign=campaign)
        .annotate(
            event_count=Count("events", distinct=True),
            contestant_count=Count("contestants", distinct=True),
            team_count=Count("teams", distinct=True),
        )
        .order_by("created_at", "pk")
    )
    return render(
        request,
        "competitions/competition_list.html",
        {
            "campaign": campaign,
            "competitions": competitions,
            "form": form,
            "may_manage": writes_everything(request.user),
        },
    )


@require_GET
@login_required
@refusal_page
def competition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    competition = get_competition_for_user(request.user, pk)
    may_manage = writes_everything(request.user)
    events = list(
        competition.events.prefetch_related("judges").annotate(result_count=Count("results"))
    )
    teams = list(
        competition.teams.select_related("unit").prefetch_related(
            Prefetch(
                "members",
                queryset=Contestant.objects.select_related("officer", "unit").order_by("pk"),
            )
        )
    )
    loose = list(
        competition.contestants.filter(team__isnull=True).select_related("officer", "unit")
    )
    context: dict[str, Any] = {
        "competition": competition,
        "campaign": competition.campaign,
        "events": events,
        "teams": teams,
        "loose": loose,
        "judged": services.judged_event_ids(request.user, competition),
        "may_manage": may_manage,
    }
    if may_manage:
        context.update(
            event_form=forms.EventForm(),
            seed_form=forms.SeedForm(),
            draw_form=forms.DrawForm(competition=competition),
            nominate_form=forms.NominateForm(competition=competition),
            ranking_form=forms.RankingForm(competition=competition),
            enterprise_form=forms.EnterpriseForm(),
            judge_choices=list(forms.JudgesForm().fields["judges"].queryset),
        )
    units = {u.pk: u for u in services.units_of(competition)}
    context["target_rows"] = [
        {"unit": units.get(uid) or uid, "enterprises": found}
        for uid, found in services.current_targets(competition).items()
    ]
    context["enterprise_count"] = competition.enterprises.count()
    return render(request, "competitions/competition_detail.html", context)


@require_POST
@login_required
@refusal_page
def manage(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The admin's actions on a competition, each one service call."""
    competition = get_competition_for_user(request.user, pk, write=True)
    user = request.user
    try:
        if action == "event":
            form = forms.EventForm(request.POST)
            if form.is_valid():
                services.add_event(competition=competition, actor=user, **form.cleaned_data)
                messages.success(request, _("比武项目已添加。"))
        elif action == "seed":
            form = forms.SeedForm(request.POST)
            if form.is_valid():
                case_services.announce_seed(
                    campaign=competition.campaign, actor=user, **form.cleaned_data
                )
                messages.success(request, _("随机种子已公布，可用于抽取。"))
        elif action == "draw":
            form = forms.DrawForm(request.POST, competition=competition)
            if form.is_valid():
                data = form.cleaned_data
                common = {
                    "competition": competition,
                    "unit": data["unit"],
                    "seed": data["seed"],
                    "actor": user,
                    "reason": data["reason"] or "",
                    "replaces": data["replaces"],
                }
                if data["kind"] == DrawKind.CONTESTANTS:
                    draw = services.draw_contestants(count=data["count"], **common)
                else:
                    draw = services.draw_targets(count=data["count"] or 1, **common)
                messages.success(request, _("抽取完成（抽取 #%(n)s）。") % {"n": draw.pk})
        elif action == "nominate":
            form = forms.NominateForm(request.POST, competition=competition)
            if form.is_valid():
                services.nominate(
                    competition=competition,
                    unit=form.cleaned_data["unit"],
                    officer=form.cleaned_data["certificate_no"],
                    actor=user,
                )
                messages.success(request, _("推荐参赛人员已登记。"))
        elif action == "ranking":
            form = forms.RankingForm(request.POST, competition=competition)
            if form.is_valid():
                teams = services.contestants_from_ranking(
                    competition=competition, campaign_rubric=form.cleaned_data["pin"], actor=user
                )
                messages.success(
                    request, _("已按内部排名确定参赛人员，分为 %(n)s 组。") % {"n": len(teams)}
                )
        elif action == "enterprises":
            form = forms.EnterpriseForm(request.POST)
            if form.is_valid():
                added = services.add_enterprises(
                    competition=competition, text=form.cleaned_data["text"], actor=user
                )
                messages.success(request, _("已录入 %(n)s 家企业。") % {"n": added})
        elif action == "publish":
            form = None
            done = services.publish_results(competition=competition, actor=user)
            messages.success(
                request,
                _("成绩已发布为评分事实：%(n)s 条，其中变更 %(w)s 条。")
                % {"n": done.entries, "w": done.written},
            )
            if done.skipped:
                messages.warning(
                    request,
                    _("本活动启用的评分细则未声明以下事实，未写入：%(k)s。")
                    % {"k": "、".join(done.skipped)},
                )
            return redirect("competitions:results", competition.pk)
        else:
            raise PermissionDenied(_("未知的操作。"))
        if form is not None and not form.is_valid():
            _form_errors(request, form)
    except ValidationError as exc:
        _errors(request, exc)
    return _detail(competition)


@require_POST
@login_required
@refusal_page
def event_judges(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for_user(request.user, pk, write=True)
    form = forms.JudgesForm(request.POST)
    if form.is_valid():
        try:
            services.set_judges(event=event, judges=form.cleaned_data["judges"], actor=request.user)
            messages.success(request, _("评委已更新。"))
        except ValidationError as exc:
            _errors(request, exc)
    else:
        _form_errors(request, form)
    return redirect("competitions:detail", event.competition_id)


@require_GET
@login_required
@refusal_page
def draw_records(request: HttpRequest, pk: int) -> HttpResponse:
    competition = get_competition_for_user(request.user, pk)
    return render(
        request,
        "competitions/draws.html",
        {
            "competition": competition,
            "campaign": competition.campaign,
            "draws": services.draws_of(competition),
        },
    )


@require_GET
@login_required
@refusal_page
def results(request: HttpRequest, pk: int) -> HttpResponse:
    competition = get_competition_for_user(request.user, pk)
    table = services.standings(competition)
    return render(
        request,
        "competitions/results.html",
        {
            "competition": competition,
            "campaign": competition.campaign,
            "table": table,
            "individual": competition.mode == CompetitionMode.INDIVIDUAL,
            "may_manage": writes_everything(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@refusal_page
def enter_results(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for_user(request.user, pk, judge=True)
    competition = event.competition
    team_mode = competition.mode == CompetitionMode.TEAM
    if team_mode:
        subjects: list[Any] = list(competition.teams.select_related("unit"))
    else:
        subjects = list(competition.contestants.select_related("officer", "unit", "team"))
    if request.method == "POST":
        subject_id = request.POST.get("subject")
        subject = next((s for s in subjects if str(s.pk) == subject_id), None)
        form = forms.ResultForm(request.POST)
        if subject is None:
            messages.error(request, _("请选择本比武的参赛队伍或参赛人员。"))
        elif form.is_valid():
            try:
                services.enter_result(
                    event=event,
                    actor=request.user,
                    team=subject if team_mode else None,
                    contestant=None if team_mode else subject,
                    **form.cleaned_data,
                )
                messages.success(request, _("成绩已保存：%(s)s。") % {"s": subject})
                return redirect(reverse("competitions:enter", args=[event.pk]))
            except ValidationError as exc:
                _errors(request, exc)
        else:
            _form_errors(request, form)
    field = "team_id" if team_mode else "contestant_id"
    stored = {getattr(r, field): r for r in Result.objects.filter(event=event)}
    rows = [{"subject": s, "result": stored.get(s.pk)} for s in subjects]
    return render(
        request,
        "competitions/enter_results.html",
        {
            "event": event,
            "competition": competition,
            "campaign": competition.campaign,
            "rows": rows,
        },
    )


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Competitions of the campaigns the user sees, and the events they judge."""
    visible = campaigns_visible_to(request.user).values("pk")
    competitions = (
        Competition.objects.filter(campaign_id__in=visible)
        .select_related("campaign")
        .order_by("-campaign__year", "campaign_id", "pk")
    )
    judged = (
        Event.objects.filter(judges=request.user)
        .select_related("competition")
        .order_by("competition_id", "sort_order")
    )
    return render(
        request,
        "competitions/index.html",
        {"competitions": competitions, "judged": judged},
    )
