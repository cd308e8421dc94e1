"""The campaign admins' import page: choose a kind, upload, see the preview, confirm.

Files over `BACKGROUND_ROWS` data rows are previewed and imported as background jobs (jobs
registry, progress on the job page); the page shows the finished preview from the job's result
with the confirm form. Smaller files are previewed and imported in the request."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts import access
from jobs.models import Job, JobStatus
from spreadsheets.imports import jobs as import_jobs
from spreadsheets.imports import services
from spreadsheets.imports.forms import ImportConfirmForm, ImportUploadForm
from spreadsheets.imports.kinds import BACKGROUND_ROWS, KINDS, get_kind
from spreadsheets.imports.reading import estimate_rows
from spreadsheets.imports.templates import build_template, template_filename

SESSION_KEY = "spreadsheets_imports"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _pending(request: HttpRequest) -> dict:
    return request.session.setdefault(SESSION_KEY, {})


def _remember(request: HttpRequest, token: str, **data) -> None:
    _pending(request)[token] = data
    request.session.modified = True


def _forget(request: HttpRequest, token: str) -> None:
    _pending(request).pop(token, None)
    request.session.modified = True


def _page(request, campaign, *, upload_form=None, confirm_form=None, report=None, job=None):
    return render(
        request,
        "spreadsheets/imports.html",
        {
            "campaign": campaign,
            "kinds": KINDS.values(),
            "upload_form": upload_form or ImportUploadForm(),
            "confirm_form": confirm_form,
            "report": report,
            "preview_job": job,
            "background_rows": BACKGROUND_ROWS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access.get_campaign_for_user(request.user, pk, write=True)
    if request.method == "GET":
        if "preview" in request.GET:
            return _background_preview(request, campaign, request.GET["preview"])
        return _page(request, campaign)
    if request.POST.get("action") == "confirm":
        return _confirm(request, campaign)
    form = ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, campaign, upload_form=form)
    kind = form.cleaned_data["kind"]
    upload = form.cleaned_data["file"]
    token = services.store_upload(upload, upload.name)
    path = services.upload_path(token)
    remember = {"kind": kind, "filename": upload.name, "campaign": campaign.pk}
    if estimate_rows(path, upload.name) > BACKGROUND_ROWS + 1:  # + the header row
        params = {"kind": kind, "token": token, "filename": upload.name}
        job = import_jobs.start_import_job(
            campaign=campaign, actor=request.user, params=params, preview=True
        )
        _remember(request, token, **remember, rows=BACKGROUND_ROWS + 1, job=job.pk)
        return redirect(f"{reverse('spreadsheets:imports', args=[campaign.pk])}?preview={job.pk}")
    report = services.run_import(
        kind=kind,
        path=path,
        filename=upload.name,
        campaign=campaign,
        actor=request.user,
        dry_run=True,
    )
    confirm_form = None
    if report.ok:
        _remember(request, token, **remember, rows=report.total)
        confirm_form = ImportConfirmForm(initial={"token": token})
    return _page(request, campaign, upload_form=form, confirm_form=confirm_form, report=report)


def _background_preview(request: HttpRequest, campaign, job_id: str) -> HttpResponse:
    """The preview job's progress, then its report with the confirm form."""
    if not job_id.isdigit():
        raise Http404
    job = Job.objects.filter(
        pk=int(job_id),
        kind=import_jobs.PREVIEW_KIND,
        campaign=campaign,
        created_by=request.user,
    ).first()
    if job is None:
        raise Http404
    token = job.params.get("token", "")
    if job.status != JobStatus.DONE:
        return _page(request, campaign, job=job)
    report = services.ImportReport.from_dict(
        {k: v for k, v in job.result.items() if k != "summary"}
    )
    confirm_form = None
    if report.ok and token in _pending(request):
        _pending(request)[token]["rows"] = report.total
        request.session.modified = True
        confirm_form = ImportConfirmForm(initial={"token": token})
    return _page(request, campaign, confirm_form=confirm_form, report=report)


def _confirm(request: HttpRequest, campaign) -> HttpResponse:
    form = ImportConfirmForm(request.POST)
    if not form.is_valid():
        return redirect("spreadsheets:imports", pk=campaign.pk)
    token = form.cleaned_data["token"]
    stored = _pending(request).get(token)
    if stored is None or stored["campaign"] != campaign.pk:
        raise Http404("预览已过期，请重新上传文件。")
    path = services.upload_path(token)
    valid_only = form.cleaned_data["valid_only"]
    if stored.get("rows", 0) > BACKGROUND_ROWS:
        params = {
            "kind": stored["kind"],
            "token": token,
            "filename": stored["filename"],
            "valid_only": valid_only,
        }
        job = import_jobs.start_import_job(campaign=campaign, actor=request.user, params=params)
        _forget(request, token)
        return redirect("jobs:detail", pk=job.pk)
    report = services.run_import(
        kind=stored["kind"],
        path=path,
        filename=stored["filename"],
        campaign=campaign,
        actor=request.user,
        dry_run=False,
        valid_only=valid_only,
    )
    confirm = None
    if report.saved:
        _forget(request, token)
        path.unlink(missing_ok=True)
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
    response["Content-Disposition"] = (
        f'attachment; filename="template-{spec.key}.xlsx"; '
        f"filename*=UTF-8''{quote(template_filename(spec))}"
    )
    return response
