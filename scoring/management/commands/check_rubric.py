"""Validate rubric files: `manage.py check_rubric scoring/rubrics/*.yaml`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scoring.engine import RubricError, check_rubric, load_rubric


class Command(BaseCommand):
    help = "检查评分细则文件。错误按“文件: 路径: 问题”列出并以退出码 1 结束；只有警告时退出码为 0。"
    requires_system_checks: list[str] = []  # pure: reads files, touches no database

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")

    def handle(self, *args: Any, files: list[str], **options: Any) -> None:
        failed = 0
        for file in files:
            try:
                rubric = load_rubric(file)
            except RubricError as exc:
                failed += 1
                for problem in exc.problems:
                    self.stdout.write(str(problem))
                continue
            warnings = check_rubric(rubric)
            for warning in warnings:
                self.stdout.write(f"{file}: {warning.path or '（顶层）'}: 警告：{warning.message}")
            self.stdout.write(f"{file}: 通过（{len(warnings)} 条警告）")
        if failed:
            raise CommandError(f"{failed} 个文件有错误。", returncode=1)
