"""Who may see a job (STYLE.md #5): the person who started it and campaign admins. Anyone
else gets Http404, so a guessed id reveals nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from accounts.access import writes_everything
from jobs.models import Job

if TYPE_CHECKING:
    from accounts.access import AnyUser


def can_see_job(user: AnyUser, job: Job) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    return writes_everything(user) or (
        job.created_by_id is not None and job.created_by_id == user.pk
    )


def get_job_for_user(user: AnyUser, pk: int) -> Job:
    job = Job.objects.select_related("campaign").filter(pk=pk).first()
    if job is None or not can_see_job(user, job):
        raise Http404
    return job
