"""Demo data, loaded by `manage.py load_demo`: the seed campaigns of 泰安 2021 (seed 000) and
如东 2024 (seed 002), an open 泰安 campaign dated around today, synthetic officers, and one user
per role. Idempotent: every row is found by its natural key, so loading twice creates nothing
and changes nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from campaigns.demo import officers, rudong_2024, taian_2021, taian_current, users
from campaigns.demo.base import Tally
from campaigns.models import Campaign

OFFICERS_PER_BRANCH = 3
OFFICERS_PER_REGIONAL_BUREAU = 2


@dataclass
class DemoData:
    campaigns: list[Campaign]
    users: list[User]
    tally: Tally


@transaction.atomic
def load(*, today: dt.date | None = None) -> DemoData:
    """Create or bring up to date all demo rows. `today` (default: today in Asia/Shanghai)
    dates the open demo campaign."""
    today = today or timezone.localdate()
    tally = Tally()
    ta_units = taian_2021.build_units(tally)
    rd_units = rudong_2024.build_units(tally)
    campaigns = [
        taian_current.build(tally, ta_units, today=today),
        taian_2021.build(tally, ta_units),
        rudong_2024.build(tally, rd_units),
    ]
    officers.build(
        tally,
        [(ta_units[code], OFFICERS_PER_BRANCH) for code, *_ in taian_2021.BRANCHES]
        + [
            (rd_units[code], OFFICERS_PER_REGIONAL_BUREAU)
            for code, *_ in rudong_2024.REGIONAL_BUREAUS
        ],
    )
    demo_users = users.build(tally, ta_units)
    return DemoData(campaigns=campaigns, users=demo_users, tally=tally)
