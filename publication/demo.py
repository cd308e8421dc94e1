"""Demo approvals and a public notice for the 泰安 2021 campaign (seed 000), so that `make run`
shows the results pages, the archive and a public notice page. `load_demo` calls
`load_publication_demo()` after the scoring demo.

Both of the campaign's pinned rubrics (3 collectives and 5 individuals recommended, seed 000
附件3/附件4) are submitted by the demo `admin` and approved by the demo `leader` through the
services, then dated back to December 2021, when the campaign ended; the individual list is
published as a notice of that month (seed 003's practice: "向社会公布先进个人候选名单，并公布
举报电话"), now closed. Idempotent: a pin that already has an approved list is left alone, and a
notice is created only where none exists.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from accounts.models import User
from campaigns.demo import taian_2021
from campaigns.models import Campaign
from publication import services
from publication.models import Notice, ShortlistApproval
from scoring.enums import RubricSubject
from scoring.models import CampaignRubric

SHANGHAI = ZoneInfo("Asia/Shanghai")
SUBMITTED = dt.datetime(2021, 12, 10, 9, 30, tzinfo=SHANGHAI)
DECIDED = dt.datetime(2021, 12, 13, 15, 0, tzinfo=SHANGHAI)
NOTICE_FROM = dt.datetime(2021, 12, 14, 9, 0, tzinfo=SHANGHAI)
NOTICE_TO = dt.datetime(2021, 12, 21, 9, 0, tzinfo=SHANGHAI)
HOW_TO_OBJECT = (
    "公示期间，如对公示对象有异议，可通过电话或书面形式向市生态环境局大练兵活动领导小组办公室"
    "反映。反映情况应实事求是，提供具体事实和线索，并留下真实姓名和联系方式。\n"
    "受理电话：0538-0000000（演示数据，非真实号码）"
)


@transaction.atomic
def load_publication_demo(stdout: Any = None) -> list[ShortlistApproval]:
    campaign = Campaign.objects.filter(
        issuing_unit__code="TA", year=2021, title=taian_2021.TITLE
    ).first()
    office = User.objects.filter(username="admin").first()
    leader = User.objects.filter(username="leader").first()
    if campaign is None or office is None or leader is None:
        raise LookupError("演示活动或演示账户不存在：请先运行 manage.py load_demo。")
    approvals: list[ShortlistApproval] = []
    created = 0
    for pin in CampaignRubric.objects.filter(campaign=campaign).select_related("version"):
        approval = services.latest_approved(pin)
        if approval is None:
            approval = services.submit_for_approval(
                campaign_rubric=pin, actor=office, note="演示：按评审打分排名报送推荐名单。"
            )
            approval = services.approve(approval=approval, actor=leader, comments="同意推荐。")
            ShortlistApproval.objects.filter(pk=approval.pk).update(
                submitted_at=SUBMITTED, decided_at=DECIDED
            )
            approval.refresh_from_db()
            created += 1
        approvals.append(approval)
        if (
            pin.version.subject == RubricSubject.INDIVIDUAL
            and not Notice.objects.filter(approval=approval).exists()
            and not services.is_stale(approval)
        ):
            notice = services.publish_notice(
                approval=approval,
                actor=office,
                starts_at=NOTICE_FROM,
                ends_at=NOTICE_TO,
                how_to_object=HOW_TO_OBJECT,
                title=f"{campaign.title}表现突出个人候选名单公示",
            )
            Notice.objects.filter(pk=notice.pk).update(published_at=NOTICE_FROM)
            created += 1
    if stdout is not None:
        notice = Notice.objects.filter(approval__campaign_rubric__campaign=campaign).first()
        where = f"，公示页面 /gongshi/{notice.pk}/" if notice else ""
        stdout.write(
            f"审定与公示演示 Publication demo: {campaign.title}：已审定名单 {len(approvals)} 份"
            f"{where}；新建 {created} 项。\n"
        )
    return approvals
