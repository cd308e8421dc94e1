"""Evaluate a campaign and print its rankings: `manage.py evaluate CAMPAIGN_ID [--json]`."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from campaigns.models import Campaign
from scoring.engine import fmt_points
from scoring.models import ScoreSnapshot
from scoring.services import evaluate_campaign


def _unit_label(snapshot: ScoreSnapshot) -> str:
    return snapshot.candidate.home_unit.label


class Command(BaseCommand):
    help = "重新计算练兵活动的全部评分，并打印各评分细则的排名（--json 输出 JSON）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign_id", type=int, metavar="CAMPAIGN_ID")
        parser.add_argument("--json", action="store_true", dest="as_json")

    def handle(self, *args: Any, campaign_id: int, as_json: bool, **options: Any) -> None:
        campaign = Campaign.objects.filter(pk=campaign_id).first()
        if campaign is None:
            raise CommandError(f"练兵活动 {campaign_id} 不存在。")
        runs = evaluate_campaign(campaign=campaign)
        if not runs:
            raise CommandError(f"“{campaign}”尚未启用任何评分细则。")
        if as_json:
            self.stdout.write(
                json.dumps(self._as_data(campaign, runs), ensure_ascii=False, indent=2)
            )
        else:
            self._print_tables(runs)

    def _as_data(self, campaign: Campaign, runs: list[Any]) -> dict[str, Any]:
        rubrics = []
        for run in runs:
            pin = run.campaign_rubric
            rubrics.append(
                {
                    "rubric": pin.rubric_key,
                    "version": pin.version.content_hash,
                    "run": run.pk,
                    "ranking": [
                        {
                            "rank": s.rank,
                            "candidate_id": s.candidate_id,
                            "candidate": str(s.candidate),
                            "unit": _unit_label(s),
                            "total": str(s.total),
                            "base": str(s.base),
                            "bonus": str(s.bonus),
                            "vetoes": s.veto_reasons,
                            "ineligible": s.ineligible_reasons,
                        }
                        for s in ScoreSnapshot.objects.ranking(pin)
                    ],
                }
            )
        return {"campaign": campaign.pk, "title": str(campaign), "rubrics": rubrics}

    def _print_tables(self, runs: list[Any]) -> None:
        for run in runs:
            pin = run.campaign_rubric
            self.stdout.write(
                f"\n{pin.version.title}（{pin.rubric_key} @ {pin.version.short_hash}）"
                f" 计算 {run.candidates_evaluated} 个，新快照 {run.snapshots_written} 个"
            )
            self.stdout.write(
                f"{'名次':>4}  {'总分':>8}  {'基础分':>8}  {'加分':>6}  参评对象（所属单位）  说明"
            )
            for s in ScoreSnapshot.objects.ranking(pin).iterator(chunk_size=2000):
                rank = "—" if s.rank is None else str(s.rank)
                note = "；".join([*s.veto_reasons, *s.ineligible_reasons])
                self.stdout.write(
                    f"{rank:>4}  {fmt_points(s.total):>8}  {fmt_points(s.base):>8}  "
                    f"{fmt_points(s.bonus):>6}  {s.candidate}（{_unit_label(s)}）  {note}"
                )
