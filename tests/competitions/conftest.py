"""Competition fixtures: the root personas' campaign (甲分局 BR-A, 乙分局 BR-B) with a third
county, seed 000's rubrics pinned, officers with certificates, judges and an announced seed."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import cache

from accounts.enums import Role
from cases.services import announce_seed
from competitions import services
from competitions.enums import CompetitionMode
from scoring.services import load_rubric_version, pin_rubric
from tests.factories import OfficerFactory, OrgUnitFactory, ParticipationFactory, UserFactory

RUBRICS = Path(__file__).resolve().parents[2] / "scoring" / "rubrics"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def third_unit(city, campaign):
    unit = OrgUnitFactory(name="丙分局", code="BR-C", parent=city)
    ParticipationFactory(campaign=campaign, unit=unit)
    return unit


@pytest.fixture
def outsider(db):
    """Branch staff of a unit that takes no part in the campaign."""
    unit = OrgUnitFactory(name="外市分局", code="OUT")
    return UserFactory(username="outsider", role=Role.BRANCH_STAFF, unit=unit)


@pytest.fixture
def s000_pins(campaign, campaign_admin):
    pins = {}
    for key in ("s000-collective", "s000-individual"):
        version = load_rubric_version(path_or_text=RUBRICS / f"{key}.yaml")
        pins[key] = pin_rubric(campaign=campaign, version=version, actor=campaign_admin)
    return pins


@pytest.fixture
def officers(own_unit, other_unit, third_unit):
    """Four officers with certificates per county."""
    return {
        unit.code: [
            OfficerFactory(name=f"{unit.name[0]}{i}", unit=unit, certificate_no=f"{unit.code}-{i}")
            for i in range(1, 5)
        ]
        for unit in (own_unit, other_unit, third_unit)
    }


@pytest.fixture
def judge_water(city):
    return UserFactory(username="judge_water", role=Role.REVIEWER, unit=city)


@pytest.fixture
def judge_air(city):
    return UserFactory(username="judge_air", role=Role.REVIEWER, unit=city)


@pytest.fixture
def seed(campaign, campaign_admin):
    return announce_seed(
        campaign=campaign, value="2021-07-01 比武动员会公布：583017", actor=campaign_admin
    )


@pytest.fixture
def competition(campaign, campaign_admin):
    return services.create_competition(
        campaign=campaign,
        title="2021年分行业实战比武",
        mode=CompetitionMode.TEAM,
        drawn_per_unit=2,
        nominated_per_unit=1,
        actor=campaign_admin,
    )


@pytest.fixture
def events(competition, campaign_admin, judge_water, judge_air):
    """Seed 000: "将全市分为水、大气、固废 3 个行业"."""
    return {
        "water": services.add_event(
            competition=competition, name="涉水", actor=campaign_admin, judges=[judge_water]
        ),
        "air": services.add_event(
            competition=competition, name="涉气", actor=campaign_admin, judges=[judge_air]
        ),
        "waste": services.add_event(
            competition=competition, name="涉固废", actor=campaign_admin, judges=[judge_water]
        ),
    }


@pytest.fixture
def drawn(competition, own_unit, other_unit, third_unit, officers, seed, campaign_admin):
    for unit in (own_unit, other_unit, third_unit):
        services.draw_contestants(
            competition=competition, unit=unit, seed=seed, actor=campaign_admin
        )
    return {t.unit.code: t for t in competition.teams.select_related("unit")}


D = Decimal
