"""Monthly reports (seeds 003, 004): a statistics report by the 3rd of the following month and
a briefing by the 25th of the month itself (due days configurable per campaign), who is late,
and the reminder to late units."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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
        raise ValidationError(_("活动未在进行中，不能报送。"))
    if not Participation.objects.filter(campaign=campaign, unit=unit).exists():
        raise ValidationError(_("本单位未参加该活动。"))
    if kind not in ReportKind.values:
        raise ValidationError(_("未知的报送类型。"))
    period = month_start(period)
    if period > month_start(timezone.localdate()):
        raise ValidationError(_("不能报送未来月份。"))
    if not content.strip():
        raise ValidationError({"content": _("请填写报送内容。")})
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
            raise ValidationError(
                _("文件“%(name)s”不属于本单位或已撤回，不能作为附件。")
                % {"name": file.original_name}
            )
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


def late_reports(
    *,
    campaign: Campaign,
    today: dt.date | None = None,
    units: Sequence[OrgUnit] | None = None,
) -> list[Late]:
    """Units of an active campaign missing their latest due report of each kind: of `units`
    when the caller has them already (its participating units, in unit order), else of every
    participating unit."""
    today = today or timezone.localdate()
    if units is None:
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
    """Remind every late unit of every active campaign: an in-portal notice to the unit and a
    mail to its branch staff, once per late report (the notice's identity is the unit, the
    campaign and the report's due date), so a second run the same day — or any later day —
    sends nothing new. Returns the mails sent."""
    # Imported here: notifications reads its progress figures from dashboard, which reads
    # late_reports from this module.
    from django.urls import reverse

    from notifications.enums import NoticeKind
    from notifications.services import post_notice

    late_notice_kind = {
        ReportKind.STATISTICS: NoticeKind.LATE_STATISTICS,
        ReportKind.BRIEFING: NoticeKind.LATE_BRIEFING,
    }

    sent = 0
    for campaign in Campaign.objects.filter(status=CampaignStatus.ACTIVE):
        late_units = late_reports(campaign=campaign, today=today)
        emails = staff_emails_by_unit({late.unit.pk for late in late_units})
        for late in late_units:
            recipients = emails.get(late.unit.pk, [])
            _notice, created = post_notice(
                kind=late_notice_kind[late.kind],
                title=_("【%(campaign)s】%(kind)s逾期未报提醒")
                % {"campaign": campaign.title, "kind": late.kind_label},
                body=_(
                    "%(unit)s：%(period)s%(kind)s应于%(due)s前报送，目前尚未报送，"
                    "请尽快登录平台报送。"
                )
                % {
                    "unit": late.unit.name,
                    "period": f"{late.period:%Y年%m月}",
                    "kind": late.kind_label,
                    "due": f"{late.due:%Y年%m月%d日}",
                },
                link=reverse("submissions:unit_reports", args=[campaign.pk]),
                unit=late.unit,
                campaign=campaign,
                on_date=late.due,
                emails=recipients,
            )
            sent += int(created and bool(recipients))
    return sent


def staff_emails_by_unit(unit_ids: Iterable[int]) -> dict[int, list[str]]:
    """Mail addresses of the active branch staff of each unit (unit id → addresses). One query."""
    emails: dict[int, list[str]] = {}
    rows = (
        User.objects.filter(unit_id__in=list(unit_ids), role=Role.BRANCH_STAFF, is_active=True)
        .exclude(email="")
        .values_list("unit_id", "email")
    )
    for unit_id, email in rows:
        emails.setdefault(unit_id, []).append(email)
    return emails
