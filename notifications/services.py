"""Notices and reminders (issue 7, part 3). Every write goes through here.

Reminders are notices of a REMINDER_KIND whose identity is a unique constraint (see
notifications.models); `post_notice` creates one with get_or_create inside a transaction and
mails it only when this call created it. So a beat run repeated, or two at once, mail once: on
PostgreSQL the second INSERT waits for the first transaction and then finds the row.

Who is reminded, before the end of each campaign's current phase (settings.REMINDER_DAYS, by
default 7 and 1 days before; a missed day is caught up by the next run, once per offset):

- units with unfinished work: in the self-assessment phase, items not yet submitted (drafts,
  returned claims, items never claimed); in the review phase, returned claims; in any phase,
  monthly reports that are late (submissions.services.reports.late_reports) — a notice to the
  unit and an e-mail to its branch staff;
- reviewers with a queue: claims awaiting review and their active case-file assignments;
- and, every day, the office (campaign admins) gets a digest of each running campaign.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.access import writes_everything
from accounts.enums import Role
from accounts.models import User
from campaigns.enums import CampaignStatus, PhaseKind
from campaigns.models import Campaign, OrgUnit
from campaigns.phases import current_phase, last_day
from dashboard.selectors import UnitProgress, review_queues, unit_progress
from notifications.access import get_notice_for_user, notices_visible_to
from notifications.enums import REMINDER_KINDS, NoticeKind
from notifications.models import Notice
from submissions.services.reports import staff_emails_by_unit

logger = logging.getLogger(__name__)

# Claims are reviewed while self-assessment or review runs (submissions.services.workflow):
# reviewers are reminded of their queue before those deadlines only.
REVIEW_PHASES = frozenset({PhaseKind.SELF_ASSESSMENT, PhaseKind.REVIEW})


# --- notices -------------------------------------------------------------------------------


def post_notice(
    *,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    user: User | None = None,
    unit: OrgUnit | None = None,
    campaign: Campaign | None = None,
    phase_kind: str = "",
    offset_days: int = 0,
    on_date: dt.date | None = None,
    emails: Collection[str] = (),
) -> tuple[Notice, bool]:
    """Post a notice to `user` or `unit` and mail `emails` — once for a reminder kind: a second
    call with the same identity returns the existing notice and `False`, and mails nothing.

    The mail goes out inside the transaction: if it fails, the notice is not kept and the next
    run tries again (at the price of a mail sent twice should the commit itself fail)."""
    if (user is None) == (unit is None):
        raise ValueError("通知须发给一名用户或一个单位，且只能是其一。")
    if link and (not link.startswith("/") or link.startswith("//")):
        raise ValueError("通知链接只能是本站地址。")
    identity = {
        "kind": kind,
        "campaign": campaign,
        "phase_kind": phase_kind,
        "offset_days": offset_days,
        "on_date": on_date or timezone.localdate(),
        "user": user,
        "unit": unit,
    }
    content = {"title": title[:200], "body": body, "link": link}
    with transaction.atomic():
        if kind in REMINDER_KINDS:
            notice, created = Notice.objects.get_or_create(**identity, defaults=content)
        else:
            notice, created = Notice.objects.create(**identity, **content), True
        recipients = sorted(set(emails))
        if created and recipients:
            _mail(notice, recipients)
            notice.emailed_to = len(recipients)
            notice.save(update_fields=["emailed_to"])
    return notice, created


def _mail(notice: Notice, recipients: list[str]) -> None:
    body = notice.body
    if notice.link:
        body += f"\n\n请登录平台查看：{notice.link}"
    EmailMessage(subject=notice.title, body=body, to=recipients).send()


def mark_read(*, notice_id: int, actor: User) -> Notice:
    """Mark one of the actor's notices read (a unit's notice: read for the whole unit)."""
    with transaction.atomic():
        notice = get_notice_for_user(actor, notice_id)
        if notice.read_at is None:
            notice.read_at = timezone.now()
            notice.read_by = actor
            notice.save(update_fields=["read_at", "read_by"])
    return notice


def mark_all_read(*, actor: User) -> int:
    with transaction.atomic():
        return (
            notices_visible_to(actor)
            .filter(read_at__isnull=True)
            .update(read_at=timezone.now(), read_by=actor)
        )


# --- who is unfinished ---------------------------------------------------------------------


@dataclass(frozen=True)
class Unfinished:
    """What a unit still has to do before the current phase ends; empty when nothing."""

    unit: OrgUnit
    not_submitted: int
    returned: int
    late: tuple[str, ...]  # "2024年03月月度统计", …

    @property
    def is_empty(self) -> bool:
        return not (self.not_submitted or self.returned or self.late)

    def lines(self) -> list[str]:
        found = []
        if self.not_submitted:
            found.append(f"自评申报尚有 {self.not_submitted} 项未提交")
        if self.returned:
            found.append(f"有 {self.returned} 项申报被退回，需修改后重新提交")
        if self.late:
            found.append("月度报送逾期未报：" + "、".join(self.late))
        return found


def unfinished_work(progress: UnitProgress, phase_kind: str) -> Unfinished:
    """The unit's open items for the phase `phase_kind` (see the module docstring)."""
    not_submitted = returned = 0
    if phase_kind == PhaseKind.SELF_ASSESSMENT:
        # Returned claims are counted apart; never-claimed items and drafts are "not submitted".
        not_submitted = max(progress.expected - progress.submitted - progress.returned, 0)
        not_submitted = max(not_submitted, progress.draft)
    if phase_kind in (PhaseKind.SELF_ASSESSMENT, PhaseKind.REVIEW):
        returned = progress.returned
    late = tuple(f"{x.period:%Y年%m月}{x.kind_label}" for x in progress.late)
    return Unfinished(progress.unit, not_submitted, returned, late)


def unfinished_units(
    campaign: Campaign, phase_kind: str, *, today: dt.date | None = None
) -> list[Unfinished]:
    """Units of `campaign` with something left to do in `phase_kind`: a fixed number of
    queries (dashboard.selectors.unit_progress) whatever the number of units."""
    found = (unfinished_work(p, phase_kind) for p in unit_progress(campaign, today=today))
    return [u for u in found if not u.is_empty]


# --- reminders -----------------------------------------------------------------------------


@dataclass
class Sent:
    notices: int = 0
    emails: int = 0

    def add(self, notice: Notice, created: bool) -> None:
        if created:
            self.notices += 1
            self.emails += 1 if notice.emailed_to else 0

    def as_dict(self) -> dict[str, int]:
        return {"notices": self.notices, "emails": self.emails}


def reminder_offset(days_left: int, offsets: Iterable[int] | None = None) -> int | None:
    """The configured offset a reminder with `days_left` belongs to: the smallest offset not
    below it (7 and 1: 7…2 days left → 7, 1 or 0 → 1); None beyond the largest offset."""
    if days_left < 0:
        return None
    chosen = sorted(settings.REMINDER_DAYS if offsets is None else offsets)
    return next((o for o in chosen if o >= days_left), None)


def _running(campaign_ids: Collection[int] | None) -> list[Campaign]:
    campaigns = Campaign.objects.filter(status=CampaignStatus.ACTIVE).prefetch_related("phases")
    if campaign_ids is not None:
        campaigns = campaigns.filter(pk__in=list(campaign_ids))
    return list(campaigns.order_by("pk"))


def send_deadline_reminders(
    *, now: dt.datetime | None = None, campaign_ids: Collection[int] | None = None
) -> Sent:
    """Remind units with unfinished work and reviewers with a queue before the end of each
    running campaign's current phase. Safe to run any number of times: each reminder once."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = Sent()
    for campaign in _running(campaign_ids):
        phase = current_phase(campaign, now)
        if phase is None:
            continue
        deadline = last_day(phase)
        days_left = (deadline - today).days
        offset = reminder_offset(days_left)
        if offset is None:
            continue
        key = {
            "campaign": campaign,
            "phase_kind": phase.kind,
            "offset_days": offset,
            "on_date": deadline,
        }
        phase_label = phase.get_kind_display()
        when = "今天" if days_left == 0 else f"{days_left}天后"
        unfinished = unfinished_units(campaign, phase.kind, today=today)
        emails = staff_emails_by_unit(u.unit.pk for u in unfinished)
        for item in unfinished:
            notice, created = post_notice(
                kind=NoticeKind.DEADLINE,
                unit=item.unit,
                title=f"【{campaign.title}】{phase_label}阶段将于{when}截止，请抓紧完成",
                body=(
                    f"{item.unit.name}：{campaign.title}“{phase_label}”阶段截止日为"
                    f"{deadline:%Y年%m月%d日}（{when}截止）。目前："
                    + "；".join(item.lines())
                    + "。"
                ),
                link=reverse("submissions:campaign_overview", args=[campaign.pk]),
                emails=emails.get(item.unit.pk, ()),
                **key,
            )
            sent.add(notice, created)
        if phase.kind in REVIEW_PHASES:
            _remind_reviewers(campaign, phase_label, deadline, when, key, sent)
    logger.info("Deadline reminders: %s new notices, %s mailed", sent.notices, sent.emails)
    return sent


def _remind_reviewers(
    campaign: Campaign, phase_label: str, deadline: dt.date, when: str, key: dict, sent: Sent
) -> None:
    reviewers = list(User.objects.filter(role=Role.REVIEWER, is_active=True).order_by("pk"))
    if not reviewers:
        return
    queues = review_queues(campaign, reviewer_ids=[r.pk for r in reviewers])
    for reviewer in reviewers:
        queue = queues[reviewer.pk]
        if queue.is_empty:
            continue
        lines = []
        if queue.awaiting:
            lines.append(f"待复核的自评申报 {queue.awaiting} 项")
        if queue.assignments_active:
            lines.append(f"分配给您的待评查案卷 {queue.assignments_active} 份")
        notice, created = post_notice(
            kind=NoticeKind.REVIEW_QUEUE,
            user=reviewer,
            title=f"【{campaign.title}】复核待办：{phase_label}阶段将于{when}截止",
            body=(
                f"{reviewer}：{campaign.title}“{phase_label}”阶段截止日为"
                f"{deadline:%Y年%m月%d日}。您的待办：" + "；".join(lines) + "。"
            ),
            link=reverse("submissions:review_queue"),
            emails=[reviewer.email] if reviewer.email else (),
            **key,
        )
        sent.add(notice, created)


def office_users() -> list[User]:
    """The campaign office: campaign admins (and superusers) who can sign in."""
    return list(
        User.objects.filter(
            Q(role=Role.CAMPAIGN_ADMIN) | Q(is_superuser=True), is_active=True
        ).order_by("pk")
    )


def digest_text(campaign: Campaign, now: dt.datetime) -> str:
    """The office's daily summary of one campaign (a fixed number of queries)."""
    today = timezone.localdate(now)
    rows = unit_progress(campaign, today=today)
    phase = current_phase(campaign, now)
    lines = []
    if phase is not None:
        deadline = last_day(phase)
        lines.append(
            f"当前阶段：{phase.get_kind_display()}，截止 {deadline:%Y年%m月%d日}"
            f"（剩余 {(deadline - today).days} 天）。"
        )
    else:
        lines.append("当前不在任何阶段内。")
    expected = sum(r.expected for r in rows)
    submitted = sum(r.submitted for r in rows)
    reviewed = sum(r.reviewed for r in rows)
    lines += [
        f"参评单位 {len(rows)} 个；自评申报已提交 {submitted}/{expected} 项，"
        f"已复核 {reviewed} 项，待复核 {_awaiting(rows)} 项，"
        f"被退回待重新提交 {sum(r.returned for r in rows)} 项。",
        f"案卷评查已完成 {sum(r.cases_done for r in rows)}/"
        f"{sum(r.cases_sampled for r in rows)} 份。",
    ]
    if phase is not None:
        open_units = [
            u.unit.label for u in (unfinished_work(r, phase.kind) for r in rows) if not u.is_empty
        ]
        if open_units:
            lines.append(f"尚有未完成事项的单位（{len(open_units)} 个）：" + "、".join(open_units))
    late = [f"{r.unit.label}（{r.late_count} 项）" for r in rows if r.late_count]
    if late:
        lines.append("月度报送逾期：" + "、".join(late))
    return "\n".join(lines)


def _awaiting(rows: list[UnitProgress]) -> int:
    return sum(r.submitted - r.reviewed for r in rows)


def send_office_digest(
    *, now: dt.datetime | None = None, campaign_ids: Collection[int] | None = None
) -> Sent:
    """Once a day: each office user gets a digest notice (and mail) per running campaign."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = Sent()
    office = office_users()
    if not office:
        return sent
    for campaign in _running(campaign_ids):
        body = digest_text(campaign, now)
        for user in office:
            notice, created = post_notice(
                kind=NoticeKind.OFFICE_DIGEST,
                user=user,
                campaign=campaign,
                on_date=today,
                title=f"【{campaign.title}】每日进度摘要（{today:%m月%d日}）",
                body=body,
                link=reverse("dashboard:campaign", args=[campaign.pk]),
                emails=[user.email] if user.email else (),
            )
            sent.add(notice, created)
    logger.info("Office digest: %s new notices, %s mailed", sent.notices, sent.emails)
    return sent


def send_reminders_now(*, campaign: Campaign, actor: User) -> Sent:
    """The office's "send now" button: today's due reminders of one campaign (the same
    once-only reminders the beat schedule sends, so pressing it twice sends nothing new)."""
    if not writes_everything(actor):
        raise PermissionDenied
    return send_deadline_reminders(campaign_ids=[campaign.pk])
