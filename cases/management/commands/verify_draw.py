"""python manage.py verify_draw ID — recompute a recorded draw and say whether it matches."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cases.enums import DrawMethod
from cases.models import Draw
from cases.services import verify_draw


class Command(BaseCommand):
    help = "用记录的随机种子和当前可抽范围重算一次抽取，核对可抽范围哈希与抽取结果是否一致。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("draw_id", type=int, help="抽取记录编号")

    def handle(self, *args: Any, **options: Any) -> None:
        draw = (
            Draw.objects.select_related("seed", "campaign", "candidate__campaign_rubric")
            .filter(pk=options["draw_id"])
            .first()
        )
        if draw is None:
            raise CommandError(f"抽取记录 #{options['draw_id']} 不存在。")
        check = verify_draw(draw=draw)
        out = self.stdout
        out.write(f"抽取 #{draw.pk}：{draw.purpose}")
        submitted = draw.method == DrawMethod.SUBMITTED
        if submitted:
            out.write("方式：单位按类型提交（无随机种子），核对所交案卷是否都在可提交范围内")
        else:
            seed = draw.seed
            out.write(f"随机种子：{seed.value}（公布于 {seed.announced_at:%Y-%m-%d %H:%M}）")
        pool_state = "一致" if check.pool_matches else "不一致"
        out.write(
            f"可抽范围哈希：记录 {check.recorded_pool_hash}，当前 {check.current_pool_hash}"
            f"（{check.current_pool_size} 份）→ {pool_state}"
        )
        result_state = "一致" if check.result_matches else "不一致"
        if submitted:
            out.write(
                f"提交结果：记录 {check.recorded_result}，"
                f"其中在可提交范围内 {check.recomputed_result} → {result_state}"
            )
        else:
            out.write(
                f"抽取结果：记录 {check.recorded_result}，"
                f"重算 {check.recomputed_result} → {result_state}"
            )
        if check.ok:
            out.write(
                self.style.SUCCESS(
                    "核对通过：所交案卷均符合条件。" if submitted else "核对通过：抽取可复现。"
                )
            )
            return
        raise CommandError("核对未通过：可抽范围或抽取结果与记录不一致。")
