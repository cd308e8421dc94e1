"""Load every rubric YAML of a directory as versions: `manage.py load_rubrics`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from scoring.engine import RubricError
from scoring.models import RubricVersion
from scoring.services import load_rubric_version


class Command(BaseCommand):
    help = "把目录中的评分细则（*.yaml）载入为版本；内容未变的文件不产生新版本。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dir", default=str(Path(settings.BASE_DIR) / "scoring" / "rubrics"), dest="directory"
        )

    def handle(self, *args: Any, directory: str, **options: Any) -> None:
        paths = sorted(Path(directory).glob("*.yaml"))
        if not paths:
            raise CommandError(f"{directory} 中没有 .yaml 文件。")
        failed = 0
        for path in paths:
            known = set(RubricVersion.objects.values_list("pk", flat=True))
            try:
                version = load_rubric_version(path_or_text=path)
            except RubricError as exc:
                failed += 1
                for problem in exc.problems:
                    self.stdout.write(str(problem))
                continue
            state = "已存在" if version.pk in known else "新版本"
            self.stdout.write(f"{path}: {state} {version.key} @ {version.short_hash}")
        if failed:
            raise CommandError(f"{failed} 个文件未能载入。", returncode=1)
