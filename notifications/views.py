"""The notices page (with mark-as-read) and the office's "send reminders now" button."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import access as accounts_access
from notifications import services
from notifications.access import notices_visible_to

PAGE_SIZE = 30


@require_GET
@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    """The user's notices (and their unit's), unread first, newest first; `?unread=1` filters."""
    notices = notices_visible_to(request.user).select_related("campaign")
    only_unread = request.GET.get("unread") == "1"
    if only_unread:
        notices = notices.filter(read_at__isnull=True)
    notices = notices.order_by("read_at", "-created_at", "-pk")  # NULLs (unread) first
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/notice_list.html",
        {"page": page, "notices": page.object_list, "only_unread": only_unread},
    )


@require_POST
@login_required
def read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark read; with `open=1`, go on to the notice's link (the link is always on this site)."""
    notice = services.mark_read(notice_id=pk, actor=request.user)
    if request.POST.get("open") and _safe(request, notice.link):
        return HttpResponseRedirect(notice.link)
    return _back(request)


@require_POST
@login_required
def read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(actor=request.user)
    messages.success(request, _("已将 %(count)s 条通知标为已读。") % {"count": count})
    return _back(request)


@require_POST
@login_required
def send_now(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = accounts_access.get_campaign_for_user(request.user, pk, write=True)
    sent = services.send_reminders_now(campaign=campaign, actor=request.user)
    if sent.notices:
        messages.success(
            request,
            _("已发送 %(notices)s 条到期提醒（其中 %(emails)s 条同时发送了邮件）。")
            % {"notices": sent.notices, "emails": sent.emails},
        )
    else:
        messages.info(request, _("没有需要发送的提醒：今天的提醒已经发过，或当前阶段离截止还早。"))
    return redirect("dashboard:campaign", pk=campaign.pk)


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next") or ""
    if _safe(request, target):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(reverse("notifications:list"))


def _safe(request: HttpRequest, target: str) -> bool:
    return bool(target) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
