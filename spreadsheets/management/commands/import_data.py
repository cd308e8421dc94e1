"""python manage.py import_data KIND FILE [--campaign ID] [--dry-run] [--valid-only] [--user U]

A thin shell over spreadsheets.imports.services.run_import: prints the same summary as the
preview page. Without --user it runs with the operator's authority (no per-user checks)."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Campaign
from spreadsheets.imports.kinds import KINDS
from spreadsheets.imports.services import run_import


class Command(BaseCommand):
    help = "导入单位、执法人员、案卷或评分事实表格（先检查，全部有效才保存；--dry-run 只预览）。"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS), help="导入类型")
        parser.add_argument("file", help=".xlsx 或 .csv 文件")
        parser.add_argument("--campaign", type=int, help="练兵活动 ID（评分事实类必填）")
        parser.add_argument("--dry-run", action="store_true", help="只预览，不保存")
        parser.add_argument("--valid-only", action="store_true", help="只导入有效行")
        parser.add_argument("--user", help="以该用户身份导入（须为活动管理员）")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        campaign = None
        if options["campaign"] is not None:
            campaign = Campaign.objects.filter(pk=options["campaign"]).first()
            if campaign is None:
                raise CommandError(f"练兵活动 {options['campaign']} 不存在。")
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"用户 {options['user']} 不存在。")
        report = run_import(
            kind=options["kind"],
            path=path,
            filename=path.name,
            campaign=campaign,
            actor=actor,
            dry_run=options["dry_run"],
            valid_only=options["valid_only"],
        )
        for line in report.summary_lines():
            self.stdout.write(line)
        if report.file_error or (not report.dry_run and not report.saved):
            raise CommandError("导入未保存。")
