"""Background work of the submissions app (STYLE.md #7)."""

from __future__ import annotations

from celery import shared_task

from submissions.services.reports import remind_late_units


@shared_task
def task_remind_late_reports() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): remind units late with a monthly report, once per late
    report (a second run sends nothing). Returns mails sent."""
    return remind_late_units()
