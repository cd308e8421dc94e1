"""`campaigns.phases.is_open`: start inclusive, end exclusive, only for an active campaign and
a scheduled phase. Fixed aware datetimes in Asia/Shanghai; nothing depends on today."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from campaigns.enums import CampaignStatus, PhaseKind
from campaigns.phases import current_phase, is_open
from tests.factories import CampaignFactory, PhaseFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
STARTS = dt.datetime(2024, 10, 1, 0, 0, tzinfo=SHANGHAI)
ENDS = dt.datetime(2024, 10, 16, 0, 0, tzinfo=SHANGHAI)
TICK = dt.timedelta(microseconds=1)


@pytest.fixture
def self_assessment():
    campaign = CampaignFactory(status=CampaignStatus.ACTIVE)
    return PhaseFactory(
        campaign=campaign, kind=PhaseKind.SELF_ASSESSMENT, starts_at=STARTS, ends_at=ENDS
    )


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (STARTS - TICK, False),
        (STARTS, True),  # the start is inclusive
        (dt.datetime(2024, 10, 10, 12, 0, tzinfo=SHANGHAI), True),
        (ENDS - TICK, True),
        (ENDS, False),  # the end is exclusive
    ],
    ids=["just-before-start", "at-start", "middle", "just-before-end", "at-end"],
)
def test_is_open_start_inclusive_end_exclusive(self_assessment, moment, expected):
    assert is_open(self_assessment.campaign, PhaseKind.SELF_ASSESSMENT, at=moment) is expected


def test_is_open_compares_instants_not_wall_clocks(self_assessment):
    # 2024-09-30 16:00 UTC is 2024-10-01 00:00 in Shanghai: the phase has just begun.
    utc_start = dt.datetime(2024, 9, 30, 16, 0, tzinfo=dt.UTC)

    assert is_open(self_assessment.campaign, PhaseKind.SELF_ASSESSMENT, at=utc_start)
    assert not is_open(self_assessment.campaign, PhaseKind.SELF_ASSESSMENT, at=utc_start - TICK)


@pytest.mark.parametrize(
    "status", [CampaignStatus.DRAFT, CampaignStatus.CLOSED, CampaignStatus.ARCHIVED]
)
def test_is_open_is_false_for_an_inactive_campaign(self_assessment, status):
    campaign = self_assessment.campaign
    campaign.status = status
    campaign.save(update_fields=["status"])
    middle = dt.datetime(2024, 10, 10, tzinfo=SHANGHAI)

    assert not is_open(campaign, PhaseKind.SELF_ASSESSMENT, at=middle)


@pytest.mark.parametrize("phase", [PhaseKind.REVIEW, "no_such_phase"])
def test_is_open_is_false_for_a_phase_not_scheduled(self_assessment, phase):
    middle = dt.datetime(2024, 10, 10, tzinfo=SHANGHAI)

    assert not is_open(self_assessment.campaign, phase, at=middle)


def test_is_open_ignores_another_campaigns_phase(self_assessment):
    other = CampaignFactory(status=CampaignStatus.ACTIVE)
    middle = dt.datetime(2024, 10, 10, tzinfo=SHANGHAI)

    assert not is_open(other, PhaseKind.SELF_ASSESSMENT, at=middle)


def test_current_phase_follows_the_same_bounds(self_assessment):
    campaign = self_assessment.campaign

    assert current_phase(campaign, at=STARTS) == self_assessment
    assert current_phase(campaign, at=ENDS) is None
