"""A campaign in its self-assessment phase that pins a small collective and individual rubric,
with the owner unit and the other unit entered as collective candidates."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest
from django.utils import timezone

from campaigns.enums import PhaseKind
from scoring.services import load_rubric_version, pin_rubric, register_candidate
from tests.factories import PhaseFactory

# equip_pts: tiers on equip_ratio ≥100% → 3, ≥95% → 2, ≥90% → 1
# cases_pts: 0.5 per case, at most 7 (also read by the derived `busy`, used by a veto)
# honours_pts: categories, provincial 2, city 1, at most 3
# drill_pts: yes → 2
COLLECTIVE = textwrap.dedent(
    """\
    id: sub-collective
    title: 自评测试集体细则
    subject: collective
    source: test.txt
    max: 19
    facts:
      equip_ratio: {type: ratio, label: 执法终端配备比例}
      cases: {type: count, label: 办理案件数, unit: 件}
      honours: {type: categories, label: 荣誉, categories: {prov: 省级表彰, city: 市级表彰}}
      drill_done: {type: bool, label: 开展实战演练}
      case_log: {type: records, label: 案件清单, fields: {score: score, note: text}}
    indicators:
      - id: equip
        title: 执法装备
        max: 3
        items:
          - id: equip_pts
            title: 执法终端配备比例
            max: 3
            description: 配备比例达到 100% 得 3 分，95% 以上得 2 分，90% 以上得 1 分。
            cite: {seed: test.txt, quote: 配备比例 95% 以上的得 2 分}
            rule:
              type: tiers
              fact: equip_ratio
              tiers: [{min: 1.00, points: 3}, {min: 0.95, points: 2}, {min: 0.90, points: 1}]
      - id: cases_ind
        title: 案件办理
        max: 12
        items:
          - id: cases_pts
            title: 办理案件
            max: 7
            cite: {seed: test.txt, quote: 每办理 1 件得 0.5 分}
            rule: {type: per_occurrence, fact: cases, each: 0.5, cap: 7}
          - id: honours_pts
            title: 表彰奖励
            max: 3
            cite: {seed: test.txt, quote: 省级表彰得 2 分，市级表彰得 1 分}
            rule: {type: weighted_occurrences, fact: honours, weights: {prov: 2, city: 1}, cap: 3}
          - id: drill_pts
            title: 实战演练
            max: 2
            cite: {seed: test.txt, quote: 开展实战演练的得 2 分}
            rule: {type: boolean, fact: drill_done, points: 2}
      - id: quality
        title: 案卷质量
        max: 4
        items:
          - id: case_pts
            title: 案卷评查
            max: 4
            cite: {seed: test.txt, quote: 案卷平均分按百分制折算为 4 分}
            rule:
              {type: aggregate, fact: case_log, field: score, how: mean, scale: {from: 100, to: 4}}
    """
)

INDIVIDUAL = textwrap.dedent(
    """\
    id: sub-individual
    title: 自评测试个人细则
    subject: individual
    source: test.txt
    max: 10
    facts:
      has_valid_certificate: {type: bool, label: 持有有效执法证件}
      story: {type: score, label: 事迹评分}
    eligibility:
      - {require: "has_valid_certificate", reason: 未持有有效的行政执法证件}
    indicators:
      - id: story_ind
        title: 个人事迹
        max: 10
        items:
          - id: story_pts
            title: 事迹评审
            max: 10
            cite: {seed: test.txt, quote: 评审小组评分}
            rule: {type: manual, fact: story, min: 0, max: 10}
    """
)


@pytest.fixture(autouse=True)
def _clear_cache():
    """The re-scoring debounce flag lives in the cache; every test starts without one."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def self_assessment_phase(campaign):
    return PhaseFactory(campaign=campaign, kind=PhaseKind.SELF_ASSESSMENT)


@pytest.fixture
def collective_pin(campaign, campaign_admin, self_assessment_phase):
    version = load_rubric_version(path_or_text=COLLECTIVE)
    return pin_rubric(campaign=campaign, version=version, actor=campaign_admin)


@pytest.fixture
def individual_pin(campaign, campaign_admin, self_assessment_phase):
    version = load_rubric_version(path_or_text=INDIVIDUAL)
    return pin_rubric(campaign=campaign, version=version, actor=campaign_admin)


@pytest.fixture
def own_candidate(collective_pin, own_unit, campaign_admin):
    return register_candidate(campaign_rubric=collective_pin, unit=own_unit, actor=campaign_admin)


@pytest.fixture
def other_candidate(collective_pin, other_unit, campaign_admin):
    return register_candidate(campaign_rubric=collective_pin, unit=other_unit, actor=campaign_admin)


def close_phase(campaign, kind=PhaseKind.SELF_ASSESSMENT):
    """Move a phase into the past (its end is exclusive)."""
    phase = campaign.phases.get(kind=kind)
    phase.starts_at = timezone.now() - dt.timedelta(days=10)
    phase.ends_at = timezone.now() - dt.timedelta(days=1)
    phase.save(update_fields=["starts_at", "ends_at"])
    return phase
