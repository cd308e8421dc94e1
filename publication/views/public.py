"""The public notice page (公示): no login. It shows the published candidates (name, unit,
total — nothing else), how to object, and during the notice period the objection form.

Spam resistance without a captcha (publication.throttle): a per-address rate limit in the
cache, a honeypot field and a minimum form-fill time. A refused or throttled objector gets the
form back as they filled it in, with a Chinese message; attachments must be chosen again
(browsers never refill file inputs).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from campaigns.views.common import add_service_errors
from publication import selectors, services, throttle
from publication.forms import ObjectionForm
from publication.models import Notice
from publication.services.objections import max_attachment_bytes, max_attachments
from scoring.enums import RubricSubject

# Room for the text fields and multipart overhead beside the attachments.
FORM_OVERHEAD_BYTES = 256 * 1024
TOO_LARGE = "提交的内容过大：附件最多 {n} 个、每个不超过 {mb} MB，请减少附件后重新提交。"


def _notice_or_404(pk: int) -> Notice:
    notice = (
        Notice.objects.select_related(
            "approval__campaign_rubric__campaign", "approval__campaign_rubric__version"
        )
        .filter(pk=pk)
        .first()
    )
    if notice is None:
        raise Http404
    return notice


def _render(request, notice, rows, removed, form, *, status=200, error="", sent=False):
    pin = notice.approval.campaign_rubric
    return render(
        request,
        "publication/notice_public.html",
        {
            "notice": notice,
            "campaign": pin.campaign,
            "pin": pin,
            "individual": pin.version.subject == RubricSubject.INDIVIDUAL,
            "rows": rows,
            "removed": removed,
            "state": services.notice_state(notice),
            "form": form,
            "error": error,
            "sent": sent,
            "token": throttle.issue_token(),
        },
        status=status,
    )


def _content_too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > max_attachments() * max_attachment_bytes() + FORM_OVERHEAD_BYTES


@never_cache
@require_http_methods(["GET", "POST"])
def notice_public(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice_or_404(pk)
    rows, removed = services.public_rows(notice)
    if request.method == "GET":
        form = ObjectionForm(entries=rows)
        return _render(request, notice, rows, removed, form, sent=request.GET.get("sent") == "1")

    address = throttle.client_address(request)
    if _content_too_large(request):
        # Refused before the body is read: nothing of it is spooled.
        throttle.count_attempt(address)
        form = ObjectionForm(entries=rows)
        message = TOO_LARGE.format(n=max_attachments(), mb=max_attachment_bytes() // (1024 * 1024))
        return _render(request, notice, rows, removed, form, status=413, error=message)
    form = ObjectionForm(request.POST, request.FILES, entries=rows)
    if throttle.is_throttled(address):
        form.is_valid()
        return _render(
            request, notice, rows, removed, form, status=429, error=throttle.throttled_message()
        )
    throttle.count_attempt(address)
    if request.POST.get("website"):
        # A bot filled the honeypot: answer as for a filed objection, store nothing.
        return redirect(f"{request.path}?sent=1")
    problem = throttle.check_token(request.POST.get("token", ""))
    if problem:
        form.is_valid()
        return _render(request, notice, rows, removed, form, status=400, error=problem)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.file_objection(
                notice=notice,
                entry_id=data["entry"],
                objector_name=data["objector_name"],
                objector_phone=data["objector_phone"],
                objector_email=data["objector_email"],
                content=data["content"],
                files=data["attachments"],
                client_address=address if address != "unknown" else None,
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                # Outside the period, for instance: said above the form (or in its place).
                error = "".join(exc.messages)
                return _render(request, notice, rows, removed, form, status=400, error=error)
            add_service_errors(form, exc)
        else:
            return redirect(f"{request.path}?sent=1")
    return _render(request, notice, rows, removed, form, status=400)


@require_GET
def notice_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "publication/notice_index.html",
        {"notices": selectors.open_notices(), "title": _("公示")},
    )
