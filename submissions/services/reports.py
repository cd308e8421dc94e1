"""Monthly reports (seeds 003, 004): a statistics report by the 3rd of the following month and
a briefing by the 25th of the month itself (due days configurable per campaign), who is late,
and the reminder to late units."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from accounts.access import check_unit
from accounts.enums import Role
from accounts.models import User
from campaigns.enums import CampaignStatus
from campaigns.models import Campaign, OrgUnit, Participation
from evidence.models import EvidenceFile
from submissions.enums import ReportKind
from submissions.models import MonthlyReport, ReportSchedule

DEFAULT_DUE_DAYS = {ReportKind.STATISTICS: 3, ReportKind.BRIEFING: 25}


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _previous_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def due_days(campaign: Campaign) -> dict[str, int]:
    configured = dict(
        ReportSchedule.objects.filter(campaign=campaign).values_list("kind", "due_day")
    )
    return {kind: configured.get(kind, default) for kind, default in DEFAULT_DUE_DAYS.items()}


def due_date(kind: str, period: dt.date, due_day: int) -> dt.date:
    """Statistics of a month are due in the following month; a briefing within its month."""
    month = _next_month(period) if kind == ReportKind.STATISTICS else month_start(period)
    return month.replace(day=due_day)


def latest_due_period(kind: str, today: dt.date, due_day: int) -> dt.date:
    """The latest month whose report of `kind` was due before `today` (due day inclusive)."""
    month = month_start(today)
    period = _previous_month(month) if kind == ReportKind.STATISTICS else month
    while due_date(kind, period, due_day) >= today:
        period = _previous_month(period)
    return period


@transaction.atomic
def submit_report(
    *,
    campaign: Campaign,
    unit: OrgUnit,
    kind: str,
    period: dt.date,
    content: str,
    actor: User,
    files: Iterable[EvidenceFile] = (),
) -> MonthlyReport:
    """Submit (or correct) a unit's monthly report; the history keeps every version. `files`
    (the unit's own evidence files) are added to the report's attachments, never removed."""
    check_unit(actor, unit, write=True)
    if campaign.status != CampaignStatus.ACTIVE:
        raise ValidationError("活动未在进行中，不能报送。")
    if not Participation.objects.filter(campaign=campaign, unit=unit).exists():
        raise ValidationError("本单位未参加该活动。")
    if kind not in ReportKind.values:
        raise ValidationError("未知的报送类型。")
    period = month_start(period)
    if period > month_start(timezone.localdate()):
        raise ValidationError("不能报送未来月份。")
    if not content.strip():
        raise ValidationError({"content": "请填写报送内容。"})
    report = MonthlyReport.objects.filter(
        campaign=campaign, unit=unit, kind=kind, period=period
    ).first()
    if report is None:
        report = MonthlyReport(campaign=campaign, unit=unit, kind=kind, period=period)
    report.content = content.strip()
    report.submitted_at = timezone.now()
    report.submitted_by = actor
    files = list(files)
    for file in files:
        if file.owner_unit_id != unit.pk or file.is_withdrawn:
            raise ValidationError(f"文件“{file.original_name}”不属于本单位或已撤回，不能作为附件。")
    report._history_user = actor  # type: ignore[attr-defined]
    report.save()
    if files:
        report.evidence.add(*files)
    return report


@dataclass(frozen=True)
class Late:
    campaign: Campaign
    unit: OrgUnit
    kind: str
    period: dt.date
    due: dt.date

    @property
    def kind_label(self) -> str:
        return ReportKind(self.kind).label


def late_reports(*, campaign: Campaign, today: dt.date | None = None) -> list[Late]:
    """Units of an active campaign missing their latest due report of each kind."""
    today = today or timezone.localdate()
    units = [
        p.unit
        for p in Participation.objects.filter(campaign=campaign)
        .select_related("unit")
        .order_by("unit__sort_order", "unit__code")
    ]
    days = due_days(campaign)
    found: list[Late] = []
    for kind, day in days.items():
        period = latest_due_period(kind, today, day)
        if not month_start(campaign.window_start) <= period <= campaign.window_end:
            continue
        done = set(
            MonthlyReport.objects.filter(campaign=campaign, kind=kind, period=period).values_list(
                "unit_id", flat=True
            )
        )
        due = due_date(kind, period, day)
        found += [Late(campaign, u, kind, period, due) for u in units if u.pk not in done]
    return found


def remind_late_units(*, today: dt.date | None = None) -> int:
    """Mail the staff of every late unit of every active campaign; returns mails sent."""
    sent = 0
    for campaign in Campaign.objects.filter(status=CampaignStatus.ACTIVE):
        for late in late_reports(campaign=campaign, today=today):
            recipients = list(
                User.objects.filter(unit=late.unit, role=Role.BRANCH_STAFF, is_active=True)
                .exclude(email="")
                .values_list("email", flat=True)
            )
            if not recipients:
                continue
            send_mail(
                subject=f"【{campaign.title}】{late.kind_label}逾期未报提醒",
                message=(
                    f"{late.unit.name}：{late.period:%Y年%m月}{late.kind_label}应于"
                    f"{late.due:%Y年%m月%d日}前报送，目前尚未报送，请尽快登录平台报送。"
                ),
                from_email=None,
                recipient_list=recipients,
            )
            sent += 1
    return sent
