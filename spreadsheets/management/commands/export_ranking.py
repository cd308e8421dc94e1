"""python manage.py export_ranking CAMPAIGN FILE.xlsx — the ranking workbook of a campaign."""

from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Campaign
from spreadsheets.exports.errors import ExportError
from spreadsheets.exports.files import atomic_target
from spreadsheets.exports.ranking import write_ranking


class Command(BaseCommand):
    help = "导出练兵活动的排名表（每个评分细则一张工作表，另附否决及不符合条件名单）。"

    def add_arguments(self, parser):
        parser.add_argument("campaign", type=int, help="练兵活动编号")
        parser.add_argument("file", help="输出文件（.xlsx）")

    def handle(self, *args, campaign, file, **options):
        found = Campaign.objects.filter(pk=campaign).first()
        if found is None:
            raise CommandError(f"练兵活动 {campaign} 不存在。")
        try:
            with atomic_target(file) as path:
                summary = write_ranking(campaign=found, target=path)
        except ExportError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"已导出 {summary.rows} 行（否决及不符合条件 {summary.excluded} 行）到 {file}"
        )
