"""Reminders before phase deadlines and the office digest: who gets them, and only once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from campaigns.enums import PhaseKind
from notifications.enums import NoticeKind
from notifications.models import Notice
from notifications.services import (
    post_notice,
    reminder_offset,
    send_deadline_reminders,
    send_office_digest,
)
from notifications.tasks import task_send_deadline_reminders, task_send_office_digest
from submissions.enums import ClaimStatus as S
from submissions.models import MonthlyReport
from tests.dashboard.helpers import ITEMS, claim, open_phase, pin_collective


def _mailbox(user, address):
    user.email = address
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def candidates(campaign, pin, own_unit, other_unit, campaign_admin):
    from scoring.services import register_candidate

    return (
        register_candidate(campaign_rubric=pin, unit=own_unit, actor=campaign_admin),
        register_candidate(campaign_rubric=pin, unit=other_unit, actor=campaign_admin),
    )


@pytest.fixture
def own_done_other_not(candidates, own_staff, other_staff):
    """The own unit submitted every item; the other unit has a draft and nothing else."""
    own, other = candidates
    for item in ITEMS:
        claim(own, item, S.SUBMITTED)
    claim(other, ITEMS[0], S.DRAFT)
    _mailbox(own_staff, "own@example.org")
    _mailbox(other_staff, "other@example.org")
    return candidates


def _deadline_notices():
    return Notice.objects.filter(kind=NoticeKind.DEADLINE)


def test_offsets_pick_smallest_configured_not_below_days_left():
    assert [reminder_offset(d, [7, 1]) for d in (10, 8, 7, 5, 2, 1, 0, -1)] == [
        None,
        None,
        7,
        7,
        7,
        1,
        1,
        None,
    ]


def test_only_units_with_unfinished_work_are_reminded(own_done_other_not, other_unit, campaign):
    sent = send_deadline_reminders()
    notice = _deadline_notices().get()
    assert notice.unit == other_unit
    assert (notice.campaign, notice.phase_kind, notice.offset_days) == (
        campaign,
        PhaseKind.SELF_ASSESSMENT,
        7,
    )
    assert "尚有 5 项未提交" in notice.body  # one draft and four items never claimed
    assert [m.to for m in mail.outbox] == [["other@example.org"]]
    assert "自评推选" in mail.outbox[0].subject
    assert (sent.notices, sent.emails) == (1, 1)


def test_running_beat_twice_sends_once(own_done_other_not, campaign_admin, reviewer):
    _mailbox(campaign_admin, "office@example.org")
    _mailbox(reviewer, "reviewer@example.org")
    first = (task_send_deadline_reminders.delay().get(), task_send_office_digest.delay().get())
    notices, mails = Notice.objects.count(), len(mail.outbox)
    # The other unit (a draft), the reviewer (the own unit's 5 submitted claims await review)
    # and the office's digest.
    assert notices == 3 and mails == 3
    assert first == ({"notices": 2, "emails": 2}, {"notices": 1, "emails": 1})
    second = (task_send_deadline_reminders.delay().get(), task_send_office_digest.delay().get())
    assert second == ({"notices": 0, "emails": 0}, {"notices": 0, "emails": 0})
    assert Notice.objects.count() == notices
    assert len(mail.outbox) == mails


def test_each_offset_once_and_a_missed_day_caught_up(own_done_other_not, phase):
    today = timezone.localdate()
    moments = {d: timezone.now() + dt.timedelta(days=d) for d in range(8)}
    send_deadline_reminders(now=moments[0])  # 7 days left → the 7-day reminder
    send_deadline_reminders(now=moments[3])  # 4 days left: still the 7-day one, already sent
    assert list(_deadline_notices().values_list("offset_days", flat=True)) == [7]
    send_deadline_reminders(now=moments[6])  # 1 day left → the 1-day reminder
    send_deadline_reminders(now=moments[7])  # the last day: still the 1-day one
    assert sorted(_deadline_notices().values_list("offset_days", flat=True)) == [1, 7]
    assert set(_deadline_notices().values_list("on_date", flat=True)) == {
        today + dt.timedelta(days=7)
    }
    assert len(mail.outbox) == 2


def test_nothing_sent_long_before_the_deadline(candidates, campaign, phase):
    phase.ends_at += dt.timedelta(days=10)
    phase.save(update_fields=["ends_at"])
    assert send_deadline_reminders().notices == 0
    assert not Notice.objects.exists()


def test_reminder_days_come_from_settings(settings, own_done_other_not):
    settings.REMINDER_DAYS = [3]
    assert send_deadline_reminders().notices == 0
    settings.REMINDER_DAYS = [7, 3]
    assert send_deadline_reminders().notices == 1


def test_a_moved_deadline_is_reminded_again(own_done_other_not, phase):
    send_deadline_reminders()
    phase.ends_at -= dt.timedelta(days=1)  # the office brings the deadline forward a day
    phase.save(update_fields=["ends_at"])
    send_deadline_reminders()
    assert _deadline_notices().count() == 2


def test_review_phase_reminds_returned_claims_not_drafts(
    campaign, campaign_admin, own_unit, other_unit, own_staff
):
    from scoring.services import register_candidate

    open_phase(campaign, PhaseKind.REVIEW, days_left=1)
    pin = pin_collective(campaign, campaign_admin)
    own = register_candidate(campaign_rubric=pin, unit=own_unit, actor=campaign_admin)
    other = register_candidate(campaign_rubric=pin, unit=other_unit, actor=campaign_admin)
    claim(own, ITEMS[0], S.RETURNED)
    claim(other, ITEMS[0], S.DRAFT)  # too late for drafts: submitting closed with self-assessment
    send_deadline_reminders()
    notice = _deadline_notices().get()
    assert notice.unit == own_unit and notice.offset_days == 1
    assert "1 项申报被退回" in notice.body


def test_late_monthly_reports_are_unfinished_work(campaign, own_unit, other_unit):
    today = timezone.localdate()
    campaign.window_start = today - dt.timedelta(days=400)
    campaign.window_end = today + dt.timedelta(days=30)
    campaign.save(update_fields=["window_start", "window_end"])
    open_phase(campaign, PhaseKind.IMPLEMENTATION, days_left=7)
    from submissions.services.reports import late_reports

    for late in late_reports(campaign=campaign):
        if late.unit == own_unit:
            MonthlyReport.objects.create(
                campaign=campaign, unit=own_unit, kind=late.kind, period=late.period, content="x"
            )
    send_deadline_reminders()
    notice = _deadline_notices().get()
    assert notice.unit == other_unit
    assert "月度报送逾期未报" in notice.body


def test_reviewers_get_their_queue_only_when_there_is_one(candidates, reviewer, campaign_admin):
    _mailbox(reviewer, "reviewer@example.org")
    own, _other = candidates
    for item in ITEMS:
        claim(own, item, S.ACCEPTED)
    send_deadline_reminders()
    assert not Notice.objects.filter(kind=NoticeKind.REVIEW_QUEUE).exists()
    claim(_other, ITEMS[0], S.SUBMITTED)
    Notice.objects.all().delete()
    send_deadline_reminders()
    notice = Notice.objects.get(kind=NoticeKind.REVIEW_QUEUE)
    assert notice.user == reviewer and "待复核的自评申报 1 项" in notice.body
    assert ["reviewer@example.org"] in [m.to for m in mail.outbox]


def test_office_digest_daily_once_per_user_and_campaign(
    own_done_other_not, campaign_admin, campaign
):
    _mailbox(campaign_admin, "office@example.org")
    now = timezone.now()
    send_office_digest(now=now)
    send_office_digest(now=now)
    digest = Notice.objects.get(kind=NoticeKind.OFFICE_DIGEST)
    assert digest.user == campaign_admin and digest.campaign == campaign
    assert "自评申报已提交 5/10 项" in digest.body
    assert "尚有未完成事项的单位（1 个）：乙分局" in digest.body
    send_office_digest(now=now + dt.timedelta(days=1))
    assert Notice.objects.filter(kind=NoticeKind.OFFICE_DIGEST).count() == 2
    assert len(mail.outbox) == 2


def test_closed_campaigns_get_nothing(own_done_other_not, campaign, campaign_admin):
    campaign.status = "closed"
    campaign.save(update_fields=["status"])
    assert send_deadline_reminders().notices == 0
    assert send_office_digest().notices == 0


def test_failed_mail_keeps_no_notice_so_the_next_run_retries(own_done_other_not, settings):
    settings.EMAIL_BACKEND = "tests.notifications.failing_backend.FailingBackend"
    with pytest.raises(OSError):
        send_deadline_reminders()
    assert not Notice.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_deadline_reminders().notices == 1


# --- concurrency (PostgreSQL: real row locks on the unique index) ---------------------------

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent transactions need PostgreSQL"
)


def _in_thread(target, errors):
    def run():
        try:
            target()
        except Exception as exc:  # reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    return threading.Thread(target=run)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_posts_create_and_mail_once(own_unit, campaign):
    """The second caller's INSERT waits for the first transaction, then finds its row."""
    inserted, results, errors = threading.Event(), [], []
    identity = {
        "kind": NoticeKind.DEADLINE,
        "unit": own_unit,
        "campaign": campaign,
        "phase_kind": PhaseKind.SELF_ASSESSMENT,
        "offset_days": 7,
        "on_date": timezone.localdate(),
        "title": "提醒",
        "emails": ["own@example.org"],
    }

    def first():
        with transaction.atomic():
            results.append(post_notice(**identity)[1])
            inserted.set()
            threading.Event().wait(0.5)  # hold the row uncommitted while the second one tries

    def second():
        inserted.wait(5)
        results.append(post_notice(**identity)[1])

    threads = [_in_thread(first, errors), _in_thread(second, errors)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not errors
    assert sorted(results) == [False, True]
    assert Notice.objects.count() == 1
    assert len(mail.outbox) == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_beat_runs_send_once(campaign, own_unit, other_unit, campaign_admin):
    from scoring.services import register_candidate

    open_phase(campaign, days_left=1)
    pin = pin_collective(campaign, campaign_admin)
    for unit in (own_unit, other_unit):
        register_candidate(campaign_rubric=pin, unit=unit, actor=campaign_admin)
    _mailbox(campaign_admin, "office@example.org")
    barrier, errors = threading.Barrier(2), []

    def run():
        barrier.wait(5)
        send_deadline_reminders()
        send_office_digest()

    threads = [_in_thread(run, errors), _in_thread(run, errors)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    assert Notice.objects.filter(kind=NoticeKind.DEADLINE).count() == 2
    assert Notice.objects.filter(kind=NoticeKind.OFFICE_DIGEST).count() == 1
    assert len(mail.outbox) == 1  # only the office has an address


def test_reviewers_not_reminded_outside_review_phases(campaign, campaign_admin, reviewer, own_unit):
    from scoring.services import register_candidate

    open_phase(campaign, PhaseKind.IMPLEMENTATION, days_left=1)
    pin = pin_collective(campaign, campaign_admin)
    own = register_candidate(campaign_rubric=pin, unit=own_unit, actor=campaign_admin)
    claim(own, ITEMS[0], S.SUBMITTED)
    send_deadline_reminders()
    assert not Notice.objects.filter(kind=NoticeKind.REVIEW_QUEUE).exists()
