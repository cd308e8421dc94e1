"""Scheduled reminders (CELERY_BEAT_SCHEDULE; STYLE.md #7). Each takes optional campaign ids,
and is safe to run twice or concurrently: every reminder is a notice with a unique identity,
created (and mailed) once."""

from __future__ import annotations

from celery import shared_task

from notifications.services import send_deadline_reminders, send_office_digest


@shared_task
def task_send_deadline_reminders(campaign_ids: list[int] | None = None) -> dict[str, int]:
    """Daily: units with unfinished work and reviewers with a queue, before phase deadlines."""
    return send_deadline_reminders(campaign_ids=campaign_ids).as_dict()


@shared_task
def task_send_office_digest(campaign_ids: list[int] | None = None) -> dict[str, int]:
    """Daily: the office's digest of each running campaign."""
    return send_office_digest(campaign_ids=campaign_ids).as_dict()
