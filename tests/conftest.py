"""Personas used across the suite: the owner unit's staff, another unit's staff, a reviewer,
a campaign admin and a leadership member, around one active campaign with two branches."""

from __future__ import annotations

import pytest

from accounts.enums import Role
from tests.factories import (
    CampaignFactory,
    OrgUnitFactory,
    ParticipationFactory,
    UserFactory,
)

PASSWORD = "pass-word-123"


@pytest.fixture
def city(db):
    return OrgUnitFactory(name="测试市生态环境局", code="CITY", kind="city_bureau")


@pytest.fixture
def own_unit(city):
    return OrgUnitFactory(name="甲分局", code="BR-A", parent=city)


@pytest.fixture
def other_unit(city):
    return OrgUnitFactory(name="乙分局", code="BR-B", parent=city)


@pytest.fixture
def campaign(city, own_unit, other_unit):
    c = CampaignFactory(issuing_unit=city, title="测试练兵活动")
    ParticipationFactory(campaign=c, unit=own_unit)
    ParticipationFactory(campaign=c, unit=other_unit)
    return c


@pytest.fixture
def own_staff(own_unit):
    return UserFactory(username="own_staff", role=Role.BRANCH_STAFF, unit=own_unit)


@pytest.fixture
def other_staff(other_unit):
    return UserFactory(username="other_staff", role=Role.BRANCH_STAFF, unit=other_unit)


@pytest.fixture
def reviewer(city):
    return UserFactory(username="reviewer", role=Role.REVIEWER, unit=city)


@pytest.fixture
def campaign_admin(city):
    return UserFactory(username="admin1", role=Role.CAMPAIGN_ADMIN, unit=city, is_staff=True)


@pytest.fixture
def leader(city):
    return UserFactory(username="leader", role=Role.LEADERSHIP, unit=city)


@pytest.fixture
def client_for(client):
    """`client_for(user)` returns the test client signed in as that user."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
