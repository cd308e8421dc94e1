"""The progress page of a background job, its polled status and its file (STYLE.md #8).

Only the person who started the job and campaign admins see any of the three (jobs.access);
anyone else gets 404. The page works without JavaScript (it shows the state at load time and
a reload button); static/js/jobs-progress.js polls status.json and updates the bar in place.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jobs import services
from jobs.access import get_job_for_user
from jobs.models import Job, JobStatus


def _status(job: Job) -> dict:
    done = job.status == JobStatus.DONE
    has_file = done and services.output_path(job) is not None
    progress, message = services.live_progress(job)
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "progress": progress,
        "message": message,
        "finished": job.status in (JobStatus.DONE, JobStatus.FAILED),
        "download_url": reverse("jobs:download", args=[job.pk]) if has_file else None,
    }


@require_GET
@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job_for_user(request.user, pk)
    job.progress, job.message = services.live_progress(job)
    kind = services.get_job_kind(job.kind)
    return render(
        request,
        "jobs/job_detail.html",
        {
            "job": job,
            "kind_label": kind.label if kind else job.kind,
            "state": _status(job),
            "expires_at": services.expires_at(job),
        },
    )


@never_cache
@require_GET
@login_required
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    job = get_job_for_user(request.user, pk)
    return JsonResponse(_status(job))


@require_GET
@login_required
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = get_job_for_user(request.user, pk)
    path = services.output_path(job)
    if path is None:
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.output_name or path.name)
