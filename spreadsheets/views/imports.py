"""The campaign admins' import page: choose a kind, upload, see the preview, confirm.

Files over `BACKGROUND_ROWS` data rows are confirmed as a background job (jobs registry); the
preview is always computed here (it reads and compares, it never writes)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts import access
from spreadsheets.imports import jobs as import_jobs
from spreadsheets.imports import services
from spreadsheets.imports.forms import ImportConfirmForm, ImportUploadForm
from spreadsheets.imports.kinds import BACKGROUND_ROWS, KINDS, get_kind
from spreadsheets.imports.templates import build_template, template_filename

SESSION_KEY = "spreadsheets_imports"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _pending(request: HttpRequest) -> dict:
    return request.session.setdefault(SESSION_KEY, {})


def _page(request, campaign, *, upload_form=None, confirm_form=None, report=None):
    return render(
        request,
        "spreadsheets/imports.html",
        {
            "campaign": campaign,
            "kinds": KINDS.values(),
            "upload_form": upload_form or ImportUploadForm(),
            "confirm_form": confirm_form,
            "report": report,
            "background_rows": BACKGROUND_ROWS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access.get_campaign_for_user(request.user, pk, write=True)
    if request.method == "GET":
        return _page(request, campaign)
    if request.POST.get("action") == "confirm":
        return _confirm(request, campaign)
    form = ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, campaign, upload_form=form)
    kind = form.cleaned_data["kind"]
    upload = form.cleaned_data["file"]
    token = services.store_upload(upload, upload.name)
    report = services.run_import(
        kind=kind,
        path=services.upload_path(token),
        filename=upload.name,
        campaign=campaign,
        actor=request.user,
        dry_run=True,
    )
    confirm_form = None
    if report.ok:
        pending = _pending(request)
        pending[token] = {"kind": kind, "filename": upload.name, "campaign": campaign.pk}
        request.session.modified = True
        confirm_form = ImportConfirmForm(initial={"token": token})
    return _page(request, campaign, upload_form=form, confirm_form=confirm_form, report=report)


def _confirm(request: HttpRequest, campaign) -> HttpResponse:
    form = ImportConfirmForm(request.POST)
    if not form.is_valid():
        return redirect("spreadsheets:imports", pk=campaign.pk)
    token = form.cleaned_data["token"]
    stored = _pending(request).get(token)
    if stored is None or stored["campaign"] != campaign.pk:
        raise Http404("预览已过期，请重新上传文件。")
    path = services.upload_path(token)
    params = {
        "kind": stored["kind"],
        "token": token,
        "filename": stored["filename"],
        "valid_only": form.cleaned_data["valid_only"],
    }
    if services.row_count(path, stored["filename"], stored["kind"]) > BACKGROUND_ROWS:
        job = import_jobs.start_import_job(campaign=campaign, actor=request.user, params=params)
        del _pending(request)[token]
        request.session.modified = True
        return redirect("jobs:detail", pk=job.pk)
    report = services.run_import(
        kind=stored["kind"],
        path=path,
        filename=stored["filename"],
        campaign=campaign,
        actor=request.user,
        dry_run=False,
        valid_only=form.cleaned_data["valid_only"],
    )
    if report.saved:
        del _pending(request)[token]
        request.session.modified = True
        path.unlink(missing_ok=True)
        confirm = None
    else:
        confirm = ImportConfirmForm(initial={"token": token})
    return _page(request, campaign, confirm_form=confirm, report=report)


@login_required
def template_download(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    access.get_campaign_for_user(request.user, pk, write=True)
    try:
        spec = get_kind(kind)
    except KeyError:
        raise Http404 from None
    response = HttpResponse(build_template(spec), content_type=XLSX)
    response["Content-Disposition"] = _attachment(template_filename(spec))
    return response


def _attachment(filename: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename=\"template.xlsx\"; filename*=UTF-8''{quote(filename)}"
