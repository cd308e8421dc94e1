"""Kinds of in-portal notices (STYLE.md #3)."""

from django.db import models


class NoticeKind(models.TextChoices):
    DEADLINE = "deadline", "截止提醒"
    REVIEW_QUEUE = "review_queue", "复核待办"
    OFFICE_DIGEST = "office_digest", "每日进度摘要"
    # One kind per submissions.ReportKind, so two reports due the same day stay two reminders.
    LATE_STATISTICS = "late_statistics", "月度统计逾期提醒"
    LATE_BRIEFING = "late_briefing", "活动简报逾期提醒"
    MESSAGE = "message", "通知"


# Reminders are sent once per (kind, campaign, phase, recipient, offset, date): a partial unique
# constraint on Notice holds exactly these kinds (other apps may post MESSAGE notices freely).
REMINDER_KINDS = (
    NoticeKind.DEADLINE,
    NoticeKind.REVIEW_QUEUE,
    NoticeKind.OFFICE_DIGEST,
    # Late monthly reports: once per unit and due date (submissions.services.reports).
    NoticeKind.LATE_STATISTICS,
    NoticeKind.LATE_BRIEFING,
)
