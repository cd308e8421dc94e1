"""Celery tasks of the jobs app (STYLE.md #7): keyword ids, fetch, return quietly when the job
is gone, call the service. Queued on commit by services.start_job."""

from __future__ import annotations

from celery import shared_task

from jobs.models import Job
from jobs.services import purge_expired_files, run_job


@shared_task
def task_run_job(*, job_id: int) -> str | None:
    """Run a job (safe to run twice: a finished job is left alone). Returns its status."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return None
    return run_job(job=job).status


@shared_task
def task_purge_job_files() -> int:
    """Periodic: delete finished jobs' files past their retention time."""
    return purge_expired_files()
