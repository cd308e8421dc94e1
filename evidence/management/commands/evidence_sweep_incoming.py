"""Delete spool files of uploads that never finished (run daily from cron or Celery beat)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from evidence.services import sweep_incoming


class Command(BaseCommand):
    help = "删除 EVIDENCE_ROOT/.incoming 中超过指定小时数未更新的中断上传临时文件。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--hours", type=int, default=24, help="早于多少小时（默认 24）")

    def handle(self, *args, hours: int, **options) -> None:
        deleted = sweep_incoming(older_than=dt.timedelta(hours=hours))
        self.stdout.write(f"已删除 {deleted} 个中断上传的临时文件。")
