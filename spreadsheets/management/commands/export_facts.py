"""python manage.py export_facts CAMPAIGN KIND FILE.xlsx — a campaign's facts in the layout of
an import kind (the file imports back with `import_data KIND FILE --campaign …`)."""

from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Campaign
from spreadsheets.exports.facts import write_facts
from spreadsheets.imports.kinds import KINDS


class Command(BaseCommand):
    help = "按导入模板的格式导出练兵活动的评分事实（可原样再导入）。"

    def add_arguments(self, parser):
        parser.add_argument("campaign", type=int, help="练兵活动编号")
        parser.add_argument(
            "kind", choices=sorted(k for k, v in KINDS.items() if v.is_fact_kind), help="导入类型"
        )
        parser.add_argument("file", help="输出文件（.xlsx）")

    def handle(self, *args, campaign, kind, file, **options):
        found = Campaign.objects.filter(pk=campaign).first()
        if found is None:
            raise CommandError(f"练兵活动 {campaign} 不存在。")
        rows = write_facts(campaign=found, kind=kind, target=file)
        self.stdout.write(f"已导出 {rows} 行到 {file}")
