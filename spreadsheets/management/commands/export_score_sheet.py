"""python manage.py export_score_sheet CANDIDATE FILE.xlsx — a candidate's score sheet."""

from django.core.management.base import BaseCommand, CommandError

from scoring.models import Candidate
from spreadsheets.exports.errors import ExportError
from spreadsheets.exports.files import atomic_target
from spreadsheets.exports.score_sheet import write_score_sheet


class Command(BaseCommand):
    help = "导出参评对象的评分表（自评得分与认定得分、计分说明、依据原文）。"

    def add_arguments(self, parser):
        parser.add_argument("candidate", type=int, help="参评对象编号")
        parser.add_argument("file", help="输出文件（.xlsx）")

    def handle(self, *args, candidate, file, **options):
        found = (
            Candidate.objects.select_related(
                "campaign_rubric__campaign",
                "campaign_rubric__version",
                "unit",
                "officer",
                "home_unit",
            )
            .filter(pk=candidate)
            .first()
        )
        if found is None:
            raise CommandError(f"参评对象 {candidate} 不存在。")
        try:
            with atomic_target(file) as path:
                lines = write_score_sheet(candidate=found, target=path)
        except ExportError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已导出评分表 {lines} 行到 {file}")
