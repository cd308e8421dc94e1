"""An individual rubric with a veto that an investigation can establish, a campaign pinning it
with four officers scored, the top 2 shortlisted — the seed 003 shape in small."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest
from django.core.cache import cache
from django.utils import timezone

from publication import services
from scoring.enums import FactSource
from scoring.services import (
    evaluate_campaign,
    load_rubric_version,
    pin_rubric,
    record_fact,
    register_candidate,
    set_shortlist_rules,
)
from tests.factories import OfficerFactory

# 1 point per case, at most 10. Veto: integrity_violation_found (seed 003: "经查确实存在不廉洁行为
# 的候选人，直接移出候选名单").
RUBRIC = textwrap.dedent(
    """\
    id: t-pub-individual
    title: 测试先进个人评选细则
    subject: individual
    source: test.txt
    max: 10
    facts:
      cases: {type: count, label: 办理案件数}
      integrity_violation_found: {type: bool, label: 经查确实存在不廉洁行为}
    vetoes:
      - when: "integrity_violation_found"
        reason: 经查确实存在不廉洁行为，直接移出候选名单
    indicators:
      - id: cases_ind
        title: 案件办理
        max: 10
        items:
          - id: cases_pts
            title: 办理案件
            max: 10
            cite: {seed: test.txt, quote: 每办理 1 件得 1 分}
            rule: {type: per_occurrence, fact: cases, each: 1, cap: 10}
    """
)

CASES = (9, 7, 5, 3)  # 张一 … 张四: ranks 1..4


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters and the evaluation debounce flag live in the cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def officers(own_unit, other_unit):
    units = (own_unit, other_unit, own_unit, other_unit)
    return [
        OfficerFactory(name=f"张{'一二三四'[i]}", unit=unit, certificate_no=f"TEST-CERT-{i:04d}")
        for i, unit in enumerate(units)
    ]


def score(campaign, officer, cases, actor):
    record_fact(
        campaign=campaign,
        subject=officer,
        key="cases",
        value=cases,
        source=FactSource.IMPORT,
        source_ref="测试",
        actor=actor,
    )


@pytest.fixture
def pin(campaign, officers, campaign_admin, django_capture_on_commit_callbacks):
    version = load_rubric_version(path_or_text=RUBRIC)
    pin = pin_rubric(campaign=campaign, version=version, actor=campaign_admin)
    set_shortlist_rules(campaign_rubric=pin, actor=campaign_admin, shortlist_size=2)
    with django_capture_on_commit_callbacks(execute=True):
        for officer, cases in zip(officers, CASES, strict=True):
            register_candidate(campaign_rubric=pin, officer=officer, actor=campaign_admin)
            score(campaign, officer, cases, campaign_admin)
    evaluate_campaign(campaign=campaign)
    pin.refresh_from_db()
    return pin


@pytest.fixture
def approval(pin, campaign_admin):
    return services.submit_for_approval(campaign_rubric=pin, actor=campaign_admin)


@pytest.fixture
def approved(approval, leader):
    return services.approve(approval=approval, actor=leader)


@pytest.fixture
def notice(approved, campaign_admin):
    now = timezone.now()
    return services.publish_notice(
        approval=approved,
        actor=campaign_admin,
        starts_at=now - dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=6),
        how_to_object="举报电话：0745-1234567（市局监察室）",
    )


def selected_entry(notice, position=1):
    return notice.approval.entries.filter(selected=True).order_by("position")[position - 1]
