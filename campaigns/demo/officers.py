"""Synthetic officers (演示人员) so that the unit pages have content. The names are made up
from common surnames and given names; certificate numbers start with DEMO so that no import
of real certificates can collide with them."""

from __future__ import annotations

from campaigns.demo.base import Tally, upsert
from campaigns.models import Officer, OrgUnit

SURNAMES = "王李张刘陈杨黄吴周徐朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖"
GIVEN_NAMES = [
    "建华",
    "晓明",
    "海燕",
    "志强",
    "丽娟",
    "文博",
    "国栋",
    "雪梅",
    "俊杰",
    "红霞",
    "立新",
    "静怡",
    "振宇",
    "春燕",
    "宏伟",
    "思远",
    "玉兰",
    "德胜",
    "欣然",
    "永康",
]
POSTS = ["执法大队大队长", "执法大队副大队长", "执法人员", "执法人员"]


def synthetic_name(n: int) -> str:
    """The n-th made-up name; distinct for n below len(SURNAMES) * len(GIVEN_NAMES)."""
    return (
        SURNAMES[n % len(SURNAMES)] + GIVEN_NAMES[(n // len(SURNAMES) + 7 * n) % len(GIVEN_NAMES)]
    )


def build(tally: Tally, staffing: list[tuple[OrgUnit, int]]) -> list[Officer]:
    """`count` officers in each unit of `staffing`; the very last one has no certificate yet,
    to show a blank certificate number."""
    seats = [(unit, seat) for unit, count in staffing for seat in range(count)]
    officers = []
    for n, (unit, seat) in enumerate(seats):
        last = n == len(seats) - 1
        officers.append(
            upsert(
                Officer,
                tally,
                lookup={"unit": unit, "name": synthetic_name(n)},
                values={
                    "certificate_no": "" if last else f"DEMO-{unit.code}-{seat + 1:02d}",
                    "post": "执法人员（证件申领中）" if last else POSTS[seat % len(POSTS)],
                    "is_active": True,
                },
            )
        )
    return officers
