from __future__ import annotations

import pytest

from tests.dashboard.helpers import open_phase, pin_collective


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def phase(campaign):
    return open_phase(campaign, days_left=7)


@pytest.fixture
def pin(campaign, campaign_admin, phase):
    return pin_collective(campaign, campaign_admin)
