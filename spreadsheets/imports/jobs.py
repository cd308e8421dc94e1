"""Big imports as background jobs, through the generic jobs machinery (`jobs.services`).

Two kinds are registered (spreadsheets/imports/job_kinds.py):
- "import_preview": `services.run_import(dry_run=True)` with progress; the report (counts and
  rejected rows) is the job's result, shown on the import page with the confirm form.
- "import_data": `services.run_import(dry_run=False)` with progress; the report is the result.
The import is one transaction, so a worker killed mid-job leaves nothing behind, and the rerun
(`jobs.services.run_job`) starts again from the same stored upload: one job, one result. Its
progress is written outside that transaction (`jobs.services.ProgressWriter`), so the polled
progress page moves while the import runs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jobs.errors import JobError
from spreadsheets.imports import services

if TYPE_CHECKING:
    from accounts.models import User
    from campaigns.models import Campaign
    from jobs.models import Job

JOB_KIND = "import_data"
PREVIEW_KIND = "import_preview"
MAX_REJECTIONS_KEPT = 500  # rows listed in job.result; the counts cover every row


def _run(job: Job, progress: Any, *, dry_run: bool) -> services.ImportReport:
    params = job.params
    path = services.upload_path(params["token"])
    if not path.is_file():
        raise JobError("上传的文件已不存在，请重新上传。")
    return services.run_import(
        kind=params["kind"],
        path=path,
        filename=params["filename"],
        campaign=job.campaign,
        actor=job.created_by,
        dry_run=dry_run,
        valid_only=bool(params.get("valid_only")),
        progress=progress,
    )


def _result(report: services.ImportReport) -> dict[str, Any]:
    result = report.as_dict()
    result["rejections"] = result["rejections"][:MAX_REJECTIONS_KEPT]
    result["summary"] = report.summary_lines()[0]
    return result


def run_preview_job(job: Job, progress: Any = None) -> dict[str, Any]:
    """Runner of an "import_preview" job: the preview report as a dict."""
    return _result(_run(job, progress, dry_run=True))


def run_import_job(job: Job, progress: Any = None) -> dict[str, Any]:
    """Runner of an "import_data" job. A file or rejected rows that prevent saving fail the
    job with the reason."""
    report = _run(job, progress, dry_run=False)
    if report.file_error:
        raise JobError(report.file_error)
    if not report.saved:
        first = "；".join(f"第{r.row}行[{r.column}]{r.message}" for r in report.rejections[:3])
        raise JobError(f"{report.notice} {first}"[:300])
    services.upload_path(job.params["token"]).unlink(missing_ok=True)
    return _result(report)


def start_import_job(
    *, campaign: Campaign, actor: User, params: dict[str, Any], preview: bool = False
) -> Job:
    """Queue the preview or the import as a job (a Celery worker; eager without a broker)."""
    from jobs.services import start_job

    kind = PREVIEW_KIND if preview else JOB_KIND
    return start_job(kind=kind, campaign=campaign, params=params, actor=actor)
