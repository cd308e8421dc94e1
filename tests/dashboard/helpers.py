"""Building blocks for the dashboard and notification tests: a campaign with the small
collective rubric of tests/submissions, N participating units as candidates, claims in given
states and scored facts."""

from __future__ import annotations

from django.utils import timezone

from campaigns.enums import PhaseKind
from scoring.enums import FactSource
from scoring.services import evaluate_campaign, load_rubric_version, pin_rubric, record_fact
from scoring.services import register_candidate as _register
from submissions.enums import ClaimStatus
from submissions.models import Claim
from tests.factories import OrgUnitFactory, ParticipationFactory, PhaseFactory
from tests.submissions.conftest import COLLECTIVE

# Items of COLLECTIVE a unit can claim: equip_pts, cases_pts, honours_pts, drill_pts, case_pts.
ITEMS = ["equip_pts", "cases_pts", "honours_pts", "drill_pts", "case_pts"]


def pin_collective(campaign, actor):
    version = load_rubric_version(path_or_text=COLLECTIVE)
    return pin_rubric(campaign=campaign, version=version, actor=actor)


def add_units(campaign, pin, actor, count, *, start=0):
    """`count` more participating units entered as collective candidates; returns candidates."""
    found = []
    for n in range(start, start + count):
        unit = OrgUnitFactory(name=f"第{n}测试分局", code=f"T-{n:03d}", sort_order=100 + n)
        ParticipationFactory(campaign=campaign, unit=unit)
        found.append(_register(campaign_rubric=pin, unit=unit, actor=actor))
    return found


def claim(candidate, item_id, status=ClaimStatus.DRAFT, values=None):
    now = timezone.now()
    return Claim.objects.create(
        candidate=candidate,
        campaign=candidate.campaign_rubric.campaign,
        owner_unit=candidate.home_unit,
        item_id=item_id,
        values=values or {"x": 1},
        status=status,
        submitted_at=now if status != ClaimStatus.DRAFT else None,
    )


def score(campaign, unit, *, cases, drill=False, actor=None):
    record_fact(campaign=campaign, subject=unit, key="cases", value=cases, source=FactSource.IMPORT)
    record_fact(
        campaign=campaign, subject=unit, key="drill_done", value=drill, source=FactSource.IMPORT
    )


def evaluate(campaign):
    return evaluate_campaign(campaign=campaign)


def open_phase(campaign, kind=PhaseKind.SELF_ASSESSMENT, *, days_left=7):
    """A phase running now whose last day is `days_left` days from today (Asia/Shanghai)."""
    import datetime as dt

    today = timezone.localdate()
    end_day = today + dt.timedelta(days=days_left + 1)  # ends at midnight: last day before it
    ends_at = timezone.make_aware(dt.datetime.combine(end_day, dt.time()))
    return PhaseFactory(
        campaign=campaign,
        kind=kind,
        starts_at=timezone.now() - dt.timedelta(days=30),
        ends_at=ends_at,
    )
