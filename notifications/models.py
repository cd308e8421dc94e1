"""In-portal notices to a user or to a unit, read or unread, with a link.

A reminder is a notice of one of the REMINDER_KINDS. Its identity — kind, campaign, phase,
recipient, days before the deadline and the deadline's date (or the digest's date) — is a
unique constraint, so a beat run repeated, or two runs at once, create it (and mail it) once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from campaigns.enums import PhaseKind
from notifications.enums import REMINDER_KINDS, NoticeKind

_REMINDER_KEY = ["kind", "campaign", "phase_kind", "offset_days", "on_date"]


class Notice(models.Model):
    """A notice shown in the portal: to one user, or to a unit (all its branch staff see it)."""

    kind = models.CharField("类型", max_length=20, choices=NoticeKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
    )
    unit = models.ForeignKey(
        "campaigns.OrgUnit",
        verbose_name="接收单位",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="练兵活动",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
    )
    phase_kind = models.CharField(
        "阶段", max_length=20, choices=PhaseKind.choices, blank=True, default=""
    )
    offset_days = models.SmallIntegerField(
        "提前天数", default=0, help_text="截止提醒：按配置提前的天数；其他通知为 0。"
    )
    on_date = models.DateField(
        "对应日期", default=timezone.localdate, help_text="截止提醒为截止日，摘要为发送日。"
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True, help_text="站内地址，以 / 开头。")
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    emailed_to = models.PositiveSmallIntegerField("邮件收件人数", default=0)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="阅读人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "站内通知"
        verbose_name_plural = "站内通知"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, unit__isnull=True)
                | Q(user__isnull=True, unit__isnull=False),
                name="notice_one_recipient",
                violation_error_message="通知须发给一名用户或一个单位，且只能是其一。",
            ),
            models.CheckConstraint(
                condition=Q(link="") | (Q(link__startswith="/") & ~Q(link__startswith="//")),
                name="notice_link_local",
                violation_error_message="通知链接只能是本站地址。",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=REMINDER_KINDS) | Q(campaign__isnull=False),
                name="notice_reminder_has_campaign",
            ),
            # Reminders are sent once: recipients are a user or a unit, so one partial index
            # each (a NULL column would make every row distinct in a plain unique index).
            models.UniqueConstraint(
                fields=[*_REMINDER_KEY, "user"],
                condition=Q(kind__in=REMINDER_KINDS, user__isnull=False),
                name="notice_reminder_once_per_user",
            ),
            models.UniqueConstraint(
                fields=[*_REMINDER_KEY, "unit"],
                condition=Q(kind__in=REMINDER_KINDS, unit__isnull=False),
                name="notice_reminder_once_per_unit",
            ),
        ]
        indexes = [
            # The unread badge and the notices page: WHERE user = … / unit = … AND read_at IS NULL.
            models.Index(fields=["user", "read_at"], name="notice_user_unread"),
            models.Index(fields=["unit", "read_at"], name="notice_unit_unread"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
