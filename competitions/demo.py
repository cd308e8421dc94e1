"""Demo data: a small seed 000 competition (分行业实战比武) in the open 泰安 demo campaign.

Idempotent: when the competition exists, nothing is changed. It goes through the services,
like real set-up: a seed announced first, enterprises entered, one enterprise and two officers
drawn per county, and the water event's results entered by its judge. The results are not
published, so the demo campaign's facts stay for the self-assessment to fill."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from accounts.models import User
from campaigns.enums import CampaignStatus
from campaigns.models import Campaign
from cases.models import DrawSeed
from cases.services import announce_seed
from competitions import services
from competitions.enums import CompetitionMode
from competitions.models import Competition

TITLE = "分行业实战比武（演示）"
SEED = "演示：比武动员会公布的随机种子 20210701-583017"
COUNTIES = ("TA-TS", "TA-DY", "TA-XT", "TA-FC", "TA-NY", "TA-DP")
SECTORS = ("化工", "电镀", "印染")


def _demo_competition(campaign: Campaign) -> Competition | None:
    if Competition.objects.filter(campaign=campaign, title=TITLE).exists():
        return None
    admin = User.objects.filter(username="admin").first()
    judge = User.objects.filter(username="reviewer").first()
    competition = services.create_competition(
        campaign=campaign,
        title=TITLE,
        mode=CompetitionMode.TEAM,
        drawn_per_unit=2,
        nominated_per_unit=1,
        description=(
            "种子 000：将全市分为水、大气、固废 3 个行业，随机抽取检查对象，每县选取 1 家；"
            "点评发现 1 个问题扣 0.5 分；根据成绩排名得 1—30 分。"
        ),
        actor=admin,
    )
    judges = [judge] if judge else []
    events = [
        services.add_event(competition=competition, name=name, actor=admin, judges=judges)
        for name in ("涉水", "涉气", "涉固废")
    ]
    seed = DrawSeed.objects.filter(campaign=campaign, value=SEED).first() or announce_seed(
        campaign=campaign, value=SEED, note="比武动员会上公布", actor=admin
    )
    units = [u for u in services.units_of(competition) if u.code in COUNTIES]
    services.add_enterprises(
        competition=competition,
        text="\n".join(
            f"{u.code},{u.label}{sector}演示企业,,{sector}" for u in units for sector in SECTORS
        ),
        actor=admin,
    )
    for unit in units:
        services.draw_targets(competition=competition, unit=unit, seed=seed, actor=admin)
        try:
            services.draw_contestants(competition=competition, unit=unit, seed=seed, actor=admin)
        except ValidationError:
            continue  # too few officers with certificates in this county: no team
    if judge is not None:
        for index, team in enumerate(competition.teams.order_by("sort_order", "pk")):
            services.enter_result(
                event=events[0],
                actor=judge,
                team=team,
                score=90 - 3 * index,
                problems=index % 3,
                note="演示点评",
            )
    return competition


def load_competition_demo(stdout: Any = None) -> int:
    """Create the demo competition in each open 泰安 demo campaign; returns how many were made."""
    made = 0
    campaigns = Campaign.objects.filter(
        issuing_unit__code="TA", is_demo=True, status=CampaignStatus.ACTIVE
    )
    for campaign in campaigns:
        competition = _demo_competition(campaign)
        if competition is not None:
            made += 1
        if stdout is not None:
            state = "已创建" if competition is not None else "已存在，未改动"
            stdout.write(f"比武演示 Competition demo: {campaign.title} · {TITLE}（{state}）\n")
    return made
