"""Monthly reports: due dates (configurable), who is late, the reminder task, the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from notifications.enums import NoticeKind
from notifications.models import Notice
from submissions.enums import ReportKind
from submissions.models import MonthlyReport, ReportSchedule
from submissions.services.reports import (
    due_date,
    late_reports,
    latest_due_period,
    remind_late_units,
    submit_report,
)
from submissions.tasks import task_remind_late_reports

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

STATS, BRIEF = ReportKind.STATISTICS, ReportKind.BRIEFING


def test_due_dates_statistics_next_month_briefing_same_month():
    assert due_date(STATS, dt.date(2024, 3, 1), 3) == dt.date(2024, 4, 3)
    assert due_date(BRIEF, dt.date(2024, 3, 1), 25) == dt.date(2024, 3, 25)
    assert due_date(STATS, dt.date(2024, 12, 1), 3) == dt.date(2025, 1, 3)


def test_latest_due_period_counts_the_due_day_as_on_time():
    assert latest_due_period(STATS, dt.date(2024, 4, 3), 3) == dt.date(2024, 2, 1)
    assert latest_due_period(STATS, dt.date(2024, 4, 4), 3) == dt.date(2024, 3, 1)
    assert latest_due_period(BRIEF, dt.date(2024, 4, 25), 25) == dt.date(2024, 3, 1)
    assert latest_due_period(BRIEF, dt.date(2024, 4, 26), 25) == dt.date(2024, 4, 1)


def test_late_units_and_configurable_due_day(campaign, own_unit, other_unit, own_staff):
    today = dt.date(2024, 4, 10)
    late = late_reports(campaign=campaign, today=today)
    assert {(x.unit.pk, x.kind, x.period) for x in late} == {
        (own_unit.pk, STATS, dt.date(2024, 3, 1)),
        (other_unit.pk, STATS, dt.date(2024, 3, 1)),
        (own_unit.pk, BRIEF, dt.date(2024, 3, 1)),
        (other_unit.pk, BRIEF, dt.date(2024, 3, 1)),
    }
    MonthlyReport.objects.create(
        campaign=campaign, unit=own_unit, kind=STATS, period=dt.date(2024, 3, 1), content="x"
    )
    ReportSchedule.objects.create(campaign=campaign, kind=STATS, due_day=15)
    late = late_reports(campaign=campaign, today=today)
    stats = {(x.unit.pk, x.period) for x in late if x.kind == STATS}
    # With the 15th as due day, February is the latest due statistics month on 10 April.
    assert stats == {(own_unit.pk, dt.date(2024, 2, 1)), (other_unit.pk, dt.date(2024, 2, 1))}


def test_reminder_mails_staff_of_late_units(campaign, own_staff, other_staff):
    own_staff.email = "own@example.org"
    own_staff.save(update_fields=["email"])
    sent = remind_late_units(today=dt.date(2024, 4, 10))
    assert sent == 2  # statistics and briefing for the one unit with an address
    assert all(m.to == ["own@example.org"] for m in mail.outbox)
    assert "逾期未报" in mail.outbox[0].subject


def test_reminder_is_sent_once_per_late_report(campaign, own_unit, own_staff, other_staff):
    own_staff.email = "own@example.org"
    own_staff.save(update_fields=["email"])
    today = dt.date(2024, 4, 10)

    assert remind_late_units(today=today) == 2
    # The next day's beat run (and a repeated one) finds the same late reports: nothing new.
    assert remind_late_units(today=today) == 0
    assert remind_late_units(today=today + dt.timedelta(days=1)) == 0

    assert len(mail.outbox) == 2
    # Each late unit also sees an in-portal notice per late report, with or without an address.
    notices = Notice.objects.filter(campaign=campaign)
    assert notices.count() == 4
    assert set(notices.filter(unit=own_unit).values_list("kind", flat=True)) == {
        NoticeKind.LATE_STATISTICS,
        NoticeKind.LATE_BRIEFING,
    }


def test_reminder_task_runs(campaign):
    assert task_remind_late_reports.delay().get() == 0


def test_submit_report_and_refusals(campaign, own_unit, own_staff, other_staff):
    report = submit_report(
        campaign=campaign,
        unit=own_unit,
        kind=BRIEF,
        period=dt.date(2024, 3, 9),
        content="三月简报",
        actor=own_staff,
    )
    assert report.period == dt.date(2024, 3, 1)
    again = submit_report(
        campaign=campaign,
        unit=own_unit,
        kind=BRIEF,
        period=dt.date(2024, 3, 1),
        content="三月简报（更正）",
        actor=own_staff,
    )
    assert again.pk == report.pk
    assert again.history.count() == 2
    with pytest.raises(ValidationError, match="未来月份"):
        submit_report(
            campaign=campaign,
            unit=own_unit,
            kind=BRIEF,
            period=dt.date(2999, 1, 1),
            content="x",
            actor=own_staff,
        )
    from django.http import Http404

    with pytest.raises(Http404):
        submit_report(
            campaign=campaign,
            unit=own_unit,
            kind=BRIEF,
            period=dt.date(2024, 3, 1),
            content="x",
            actor=other_staff,
        )


def test_report_pages(client_for, campaign, own_staff, reviewer):
    client = client_for(own_staff)
    url = reverse("submissions:unit_reports", args=[campaign.pk])
    response = client.post(url, {"kind": "statistics", "period": "2024-03", "content": "统计"})
    assert response.status_code == 302
    assert MonthlyReport.objects.filter(kind="statistics", period=dt.date(2024, 3, 1)).exists()
    late_url = reverse("submissions:late_reports", args=[campaign.pk])
    assert client.get(late_url).status_code == 403
    assert client_for(reviewer).get(late_url).status_code == 200


def test_report_attachments_only_own_files_and_only_added(
    settings, tmp_path, campaign, own_unit, own_staff, other_unit, other_staff
):
    from evidence.services import store_upload
    from tests.evidence.samples import sample_upload

    settings.EVIDENCE_ROOT = tmp_path
    own = store_upload(unit=own_unit, upload=sample_upload("pdf"), actor=own_staff)
    foreign = store_upload(unit=other_unit, upload=sample_upload("png"), actor=other_staff)
    report = submit_report(
        campaign=campaign,
        unit=own_unit,
        kind=STATS,
        period=dt.date(2024, 3, 1),
        content="统计",
        actor=own_staff,
        files=[own],
    )
    submit_report(
        campaign=campaign,
        unit=own_unit,
        kind=STATS,
        period=dt.date(2024, 3, 1),
        content="统计（更正）",
        actor=own_staff,
    )
    assert list(report.evidence.all()) == [own]
    with pytest.raises(ValidationError, match="不属于本单位"):
        submit_report(
            campaign=campaign,
            unit=own_unit,
            kind=STATS,
            period=dt.date(2024, 3, 1),
            content="统计",
            actor=own_staff,
            files=[foreign],
        )
