"""`manage.py load_demo`: load the demo campaigns, units, officers and users (idempotent).

A thin shell: the data and the loading live in `campaigns.demo`; this prints what happened."""

from __future__ import annotations

import unicodedata

from django.core.management.base import BaseCommand
from django.utils import timezone

from campaigns.demo import load
from campaigns.demo.base import CREATED, DELETED, UNCHANGED, UPDATED
from campaigns.demo.users import DEMO_PASSWORD, DEMO_USERS
from campaigns.enums import CampaignStatus
from campaigns.phases import current_phase, last_day
from competitions.demo import load_competition_demo
from publication.demo import load_publication_demo
from scoring.demo import load_scoring_demo, prepare_open_demo_campaigns

__all__ = ["DEMO_PASSWORD", "Command"]


def _width(text: str) -> int:
    """Columns `text` takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
    rule = "  ".join("-" * w for w in widths)
    lines = ["  ".join(_pad(cell, w) for cell, w in zip(header, widths, strict=True)), rule]
    lines += ["  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    return lines


class Command(BaseCommand):
    help = "载入演示数据（可重复运行）。Load the demo data; running it again changes nothing."

    def handle(self, *args, **options) -> None:
        data = load()
        tally = data.tally
        self.stdout.write(
            f"演示数据已载入 Demo data loaded: 新建 created {tally.total(CREATED)}, "
            f"更新 updated {tally.total(UPDATED)}, 未变 unchanged {tally.total(UNCHANGED)}, "
            f"删除 deleted {tally.total(DELETED)}."
        )
        self.stdout.write("")
        self.stdout.write("练兵活动 Campaigns:")
        now = timezone.now()
        for campaign in data.campaigns:
            self.stdout.write(
                f"  {campaign.year} {campaign.title} {campaign.document_number or '—'} "
                f"[{campaign.get_status_display()} {campaign.status}]"
            )
            phase = current_phase(campaign, at=now)
            if campaign.status == CampaignStatus.ACTIVE and phase is not None:
                self.stdout.write(
                    f"    当前阶段 open phase: {phase.get_kind_display()} {phase.kind}，"
                    f"至 until {last_day(phase).isoformat()}"
                )
        self.stdout.write("")
        # Candidates, facts and scores for the two seed campaigns, so that rankings, score
        # sheets and the what-if panel have something real to show.
        load_scoring_demo(stdout=self.stdout)
        # The open campaign gets rubrics and collective candidates, but no facts: branch staff
        # try the self-assessment on it.
        prepare_open_demo_campaigns(stdout=self.stdout)
        # A small seed 000 competition (draws, judges, results) in the open campaign.
        load_competition_demo(stdout=self.stdout)
        # Approved lists and a (past) public notice for 泰安 2021: results pages and 公示.
        load_publication_demo(stdout=self.stdout)
        self.stdout.write("")
        self.stdout.write("演示账户 Demo users:")
        by_name = {user.username: user for user in data.users}
        rows = [
            [
                spec.username,
                f"{by_name[spec.username].get_role_display()} {spec.role_en}",
                by_name[spec.username].unit.name,
                DEMO_PASSWORD,
            ]
            for spec in DEMO_USERS
        ]
        header = ["用户名 user", "角色 role", "所属单位 unit", "密码 password"]
        for line in table(header, rows):
            self.stdout.write("  " + line.rstrip())
        self.stdout.write("")
        self.stdout.write(
            self.style.WARNING(
                f"所有演示账户的密码均为 {DEMO_PASSWORD}，仅供演示。"
                f" All demo users share the password {DEMO_PASSWORD}: demo only."
            )
        )
