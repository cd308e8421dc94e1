"""Big imports as background jobs, through the generic jobs machinery (`jobs.services`).

The job kind "import_data" is registered with the jobs registry when that module offers one;
its runner calls `services.run_import(dry_run=False)` with a progress callback and stores the
report (counts and rejected rows) in the job's result."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from spreadsheets.imports import services

if TYPE_CHECKING:
    from accounts.models import User
    from campaigns.models import Campaign
    from jobs.models import Job

JOB_KIND = "import_data"
MAX_REJECTIONS_KEPT = 500  # rows listed in job.result; the counts cover every row


def run_import_job(job: Job, progress: Any = None) -> dict[str, Any]:
    """Runner of an "import_data" job: the report as a dict (kept in job.result).

    The import is one transaction, so a worker killed mid-job leaves nothing behind and the
    rerun (jobs.services.run_job) starts from the same stored file; a file or a set of
    rejected rows that prevents saving fails the job with the reason."""
    from jobs.errors import JobError

    params = job.params
    path = services.upload_path(params["token"])
    if not path.is_file():
        raise JobError("上传的文件已不存在，请重新上传。")
    report = services.run_import(
        kind=params["kind"],
        path=path,
        filename=params["filename"],
        campaign=job.campaign,
        actor=job.created_by,
        dry_run=False,
        valid_only=bool(params.get("valid_only")),
        progress=progress,
    )
    if report.file_error:
        raise JobError(report.file_error)
    if not report.saved:
        first = "；".join(f"第{r.row}行[{r.column}]{r.message}" for r in report.rejections[:3])
        raise JobError(f"{report.notice} {first}"[:300])
    path.unlink(missing_ok=True)
    result = report.as_dict()
    result["rejections"] = result["rejections"][:MAX_REJECTIONS_KEPT]
    result["summary"] = report.summary_lines()[0]
    return result


def start_import_job(*, campaign: Campaign, actor: User, params: dict[str, Any]) -> Job:
    """Queue the import as a job (run by a Celery worker; eager without a broker)."""
    from jobs.services import start_job

    return start_job(kind=JOB_KIND, campaign=campaign, params=params, actor=actor)
