"""python manage.py verify_competition_draw ID — recompute a competition draw and say whether
it matches (the same check as verify_draw for case files)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from competitions.models import CompetitionDraw
from competitions.services import verify_competition_draw


class Command(BaseCommand):
    help = "用记录的随机种子和当前可抽范围重算一次比武抽取，核对可抽范围哈希与抽取结果是否一致。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("draw_id", type=int, help="比武抽取记录编号")

    def handle(self, *args: Any, **options: Any) -> None:
        draw = (
            CompetitionDraw.objects.select_related("seed", "competition__campaign", "unit")
            .filter(pk=options["draw_id"])
            .first()
        )
        if draw is None:
            raise CommandError(f"比武抽取记录 #{options['draw_id']} 不存在。")
        check = verify_competition_draw(draw=draw)
        out = self.stdout
        out.write(
            f"抽取 #{draw.pk}：{draw.competition} · {draw.unit.label} · {draw.get_kind_display()}"
        )
        out.write(f"随机种子：{draw.seed.value}（公布于 {draw.seed.announced_at:%Y-%m-%d %H:%M}）")
        pool_state = "一致" if check.pool_matches else "不一致"
        out.write(
            f"可抽范围哈希：记录 {check.recorded_pool_hash}，当前 {check.current_pool_hash}"
            f"（{check.current_pool_size} 个）→ {pool_state}"
        )
        result_state = "一致" if check.result_matches else "不一致"
        out.write(
            f"抽取结果：记录 {check.recorded_result}，"
            f"重算 {check.recomputed_result} → {result_state}"
        )
        if check.ok:
            out.write(self.style.SUCCESS("核对通过：抽取可复现。"))
            return
        raise CommandError("核对未通过：可抽范围或抽取结果与记录不一致。")
