"""The competition demo: made in the open demo campaign, through the services, idempotent."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from campaigns.demo import load as load_campaigns_demo
from competitions import services
from competitions.demo import TITLE, load_competition_demo
from competitions.models import Competition, CompetitionDraw, Contestant, Result

pytestmark = pytest.mark.django_db


def _state():
    return (
        Competition.objects.count(),
        CompetitionDraw.objects.count(),
        Contestant.objects.count(),
        Result.objects.count(),
    )


def test_demo_competition_is_made_once():
    load_campaigns_demo(today=dt.date(2025, 3, 1))
    out = io.StringIO()
    assert load_competition_demo(stdout=out) == 1
    competition = Competition.objects.get(title=TITLE)
    assert competition.campaign.is_demo
    assert [e.name for e in competition.events.all()] == ["涉水", "涉气", "涉固废"]
    # One enterprise per county (seed 000), all verifiable.
    targets = services.current_targets(competition)
    assert len(targets) == 6 and all(len(found) == 1 for found in targets.values())
    assert all(services.verify_competition_draw(draw=d).ok for d in CompetitionDraw.objects.all())
    assert Result.objects.exists()
    before = _state()
    assert load_competition_demo(stdout=out) == 0
    assert _state() == before
    assert "已存在，未改动" in out.getvalue()
