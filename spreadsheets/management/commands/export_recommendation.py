"""python manage.py export_recommendation CAMPAIGN FILE.xlsx — the recommendation list."""

from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Campaign
from spreadsheets.exports.errors import ExportError
from spreadsheets.exports.files import atomic_target
from spreadsheets.exports.recommendation import write_recommendation


class Command(BaseCommand):
    help = "导出练兵活动的推荐名单（主要事迹一栏留空，由办公室填写）。"

    def add_arguments(self, parser):
        parser.add_argument("campaign", type=int, help="练兵活动编号")
        parser.add_argument("file", help="输出文件（.xlsx）")

    def handle(self, *args, campaign, file, **options):
        found = Campaign.objects.filter(pk=campaign).first()
        if found is None:
            raise CommandError(f"练兵活动 {campaign} 不存在。")
        try:
            with atomic_target(file) as path:
                listed = write_recommendation(campaign=found, target=path)
        except ExportError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已导出推荐名单 {listed} 人（个）到 {file}")
