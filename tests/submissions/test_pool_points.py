"""Claimed points of items whose rule looks at the whole pool (a rank among the candidates, the
pool's best value): the engine sees the claim against the other candidates' verified facts,
and the row says the figure is an estimate. Expected points are computed by hand below."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from scoring.enums import FactSource
from scoring.services import load_rubric_version, pin_rubric, register_candidate
from scoring.services.facts import record_fact
from submissions.models import Claim
from submissions.services import save_claim
from tests.factories import OrgUnitFactory, ParticipationFactory

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

POOL_RUBRIC = """\
id: sub-pool
title: 名次测试细则
subject: collective
source: test.txt
max: 17
facts:
  drills: {type: count, label: 演练次数, unit: 次}
  patrols: {type: count, label: 巡查次数, unit: 次}
  reports: {type: count, label: 信息报送数, unit: 篇}
indicators:
  - id: compete
    title: 比学赶超
    max: 17
    items:
      - id: drill_rank
        title: 演练次数排名
        max: 5
        cite: {seed: test.txt, quote: 第一名得 5 分，最后一名得 1 分}
        rule: {type: rank, fact: drills, source: pool, mode: linear, best: 5, worst: 1}
      - id: patrol_best
        title: 巡查次数对标
        max: 10
        cite: {seed: test.txt, quote: 最高者得 10 分，每低 10% 扣 1 分}
        rule: {type: relative_to_best, fact: patrols, max: 10, per: 0.1, per_points: 1}
      - id: report_pts
        title: 信息报送
        max: 2
        cite: {seed: test.txt, quote: 每篇得 0.5 分}
        rule: {type: per_occurrence, fact: reports, each: 0.5, cap: 2}
"""


@pytest.fixture
def pool_pin(campaign, campaign_admin, self_assessment_phase):
    version = load_rubric_version(path_or_text=POOL_RUBRIC)
    return pin_rubric(campaign=campaign, version=version, actor=campaign_admin)


@pytest.fixture
def third_unit(city, campaign):
    unit = OrgUnitFactory(name="丙分局", code="BR-C", parent=city)
    ParticipationFactory(campaign=campaign, unit=unit)
    return unit


@pytest.fixture
def pool(pool_pin, own_unit, other_unit, third_unit, campaign, campaign_admin):
    """Three candidates; the other two have verified facts (drills 8 and 3, patrols 40)."""
    candidates = {
        unit.code: register_candidate(campaign_rubric=pool_pin, unit=unit, actor=campaign_admin)
        for unit in (own_unit, other_unit, third_unit)
    }
    for unit, key, value in [
        (other_unit, "drills", 8),
        (other_unit, "patrols", 40),
        (third_unit, "drills", 3),
    ]:
        record_fact(
            campaign=campaign,
            subject=unit,
            key=key,
            value=value,
            source=FactSource.SELF_ASSESSMENT_REVIEW,
            actor=campaign_admin,
        )
    return candidates


def _save(candidate, item_id, values, actor):
    return save_claim(
        candidate=candidate, item_id=item_id, values=values, actor=actor, expected_version=0
    )


def test_rank_based_claim_is_ranked_among_the_verified_pool(pool, own_staff):
    # drills: 8 (乙), 5 (claimed), 3 (丙) → rank 2 of 3; linear 5..1: 5 − 4 × (2 − 1)/(3 − 1) = 3
    # (a pool of one would give rank 1 → 5).
    claim = _save(pool["BR-A"], "drill_rank", {"drills": 5}, own_staff)
    assert claim.claimed_points == Decimal(3)
    # patrols: best 40 (乙), claimed 30 → 25% lower → 2 full steps of 10% → 10 − 2 = 8.
    claim = _save(pool["BR-A"], "patrol_best", {"patrols": 30}, own_staff)
    assert claim.claimed_points == Decimal(8)


def test_other_units_unverified_claims_do_not_count(pool, own_staff, other_staff):
    # 乙 claims 100 drills in a draft: not verified, so 乙 still counts with its 8.
    _save(pool["BR-B"], "drill_rank", {"drills": 100}, other_staff)
    claim = _save(pool["BR-A"], "drill_rank", {"drills": 9}, own_staff)
    assert claim.claimed_points == Decimal(5)  # 9 > 8 > 3: first place


def test_withdrawn_candidates_leave_the_pool(pool, own_staff):
    third = pool["BR-C"]
    third.is_active = False
    third.save(update_fields=["is_active"])
    # drills: 8 (乙), 5 (claimed) → rank 2 of 2 → worst, 1.
    claim = _save(pool["BR-A"], "drill_rank", {"drills": 5}, own_staff)
    assert claim.claimed_points == Decimal(1)


def test_form_shows_pool_points_and_says_they_are_provisional(pool, own_staff, client_for):
    client = client_for(own_staff)
    url = reverse("submissions:self_assessment", args=[pool["BR-A"].pk])
    response = client.post(
        url,
        {
            "action": "save",
            "i-drill_rank-version": "0",
            "i-drill_rank-drills": "5",
            "i-patrol_best-version": "0",
            "i-patrol_best-patrols": "30",
            "i-report_pts-version": "0",
            "i-report_pts-reports": "3",
        },
    )
    assert response.status_code == 302
    points = dict(
        Claim.objects.filter(candidate=pool["BR-A"]).values_list("item_id", "claimed_points")
    )
    assert points == {"drill_rank": 3, "patrol_best": 8, "report_pts": Decimal("1.5")}
    html = client.get(url).content.decode()
    assert 'data-testid="provisional-drill_rank"' in html
    assert 'data-testid="provisional-patrol_best"' in html
    assert 'data-testid="provisional-report_pts"' not in html  # per item: no pool involved
    assert "暂按当前排名估算" in html
    assert "第 2 名（共 3 名）" in html  # the engine's explanation, with the pool's size


def test_live_preview_uses_the_pool(pool, own_staff, client_for):
    response = client_for(own_staff).post(
        reverse("submissions:preview", args=[pool["BR-A"].pk]),
        {"i-drill_rank-version": "0", "i-drill_rank-drills": "2"},
    )
    item = response.json()["items"]["drill_rank"]
    # drills 8, 3, 2 → rank 3 of 3 → worst, 1; the row is marked provisional.
    assert item["points"] == "1.00"
    assert item["provisional"] is True
    assert response.json()["items"]["report_pts"]["provisional"] is False


def test_form_queries_do_not_grow_with_the_pool(
    pool, pool_pin, own_staff, client_for, city, campaign, campaign_admin
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _save(pool["BR-A"], "drill_rank", {"drills": 5}, own_staff)
    client = client_for(own_staff)
    url = reverse("submissions:self_assessment", args=[pool["BR-A"].pk])
    counts = []
    for batch in range(2):
        for i in range(3):
            unit = OrgUnitFactory(name=f"池{batch}-{i}", code=f"POOL-{batch}-{i}", parent=city)
            ParticipationFactory(campaign=campaign, unit=unit)
            register_candidate(campaign_rubric=pool_pin, unit=unit, actor=campaign_admin)
            record_fact(
                campaign=campaign,
                subject=unit,
                key="drills",
                value=i,
                source=FactSource.SELF_ASSESSMENT_REVIEW,
                actor=campaign_admin,
            )
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        counts.append(len(queries))
    # 8 (乙), 5 (claimed), 3 (丙), then 2, 2, 1, 1, 0, 0: second of 8 ranks (ties share one)
    assert "第 2 名（共 8 名）" in response.content.decode()
    assert counts[0] == counts[1]
