"""An open 泰安 campaign for the demo: the 2021 plan's branches and phases (seed 000), dated
around the day the demo is loaded so that its self-assessment (自评推选) is running.

The two seed campaigns keep their real dates and are therefore over; without this one, no
phase would be open and branch staff could try nothing. Loading twice on one day changes
nothing; loading on a later day moves the phases (and, in a new year, adds that year's
campaign, while the daily status sync closes the old one once its phases end).
"""

from __future__ import annotations

import datetime as dt

from campaigns.demo.base import Tally, at, participate, schedule_phases, upsert
from campaigns.demo.taian_2021 import BRANCHES, DEMO_INDIVIDUAL_QUOTA
from campaigns.enums import CampaignStatus, PhaseKind
from campaigns.models import Campaign, OrgUnit

NOTE = "演示：阶段安排参照泰环境发〔2021〕11号，日期按演示数据加载当天推算。"

# Days from the loading day to each phase's start and end. Today falls in the self-assessment.
OFFSETS = [
    (PhaseKind.MOBILISATION, -200, -170),
    (PhaseKind.IMPLEMENTATION, -170, -10),
    (PhaseKind.SELF_ASSESSMENT, -10, 11),
    (PhaseKind.REVIEW, 11, 25),
    (PhaseKind.PUBLIC_NOTICE, 25, 32),
    (PhaseKind.COMMENDATION, 32, 60),
]


def title(year: int) -> str:
    return f"{year}年全市生态环境保护执法大练兵活动（演示）"


def build(tally: Tally, units: dict[str, OrgUnit], *, today: dt.date) -> Campaign:
    midnight = at(today.year, today.month, today.day)
    plan = [
        (kind, midnight + dt.timedelta(days=start), midnight + dt.timedelta(days=end), NOTE)
        for kind, start, end in OFFSETS
    ]
    campaign = upsert(
        Campaign,
        tally,
        lookup={"issuing_unit": units["TA"], "year": today.year, "title": title(today.year)},
        values={
            "document_number": "",
            # The evaluation window runs up to the self-assessment deadline.
            "window_start": today + dt.timedelta(days=OFFSETS[0][1]),
            "window_end": today + dt.timedelta(days=OFFSETS[2][2] - 1),
            # Active, with today inside its self-assessment phase: is_open(SELF_ASSESSMENT) holds.
            "status": CampaignStatus.ACTIVE,
            "summary": (
                "演示用的进行中活动：参评单位、阶段顺序取自泰安市2021年方案，日期随演示数据的加载"
                "日期推算，以便演示自评、推选和复审。"
            ),
            "is_demo": True,
        },
    )
    schedule_phases(campaign, tally, plan)
    participate(
        campaign, tally, [units[code] for code, *_ in BRANCHES], quota=DEMO_INDIVIDUAL_QUOTA
    )
    return campaign
