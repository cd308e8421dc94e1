"""Small inline rubrics with hand-checkable numbers, and a campaign that pins them."""

from __future__ import annotations

import textwrap

import pytest

from scoring.services import load_rubric_version, pin_rubric

# Collective, no pool statistics (evaluated candidate by candidate; incremental runs apply).
#   equip_pts:  tiers on equip_ratio   ≥100% → 3, ≥95% → 2, ≥90% → 1
#   cases_pts:  0.5 per case, at most 7
#   publicity:  bonus, 0.5 per report, at most 2; bonus_cap 1
#   veto:       integrity_violation; eligibility: at least 1 case
#   tie-breaker: the cases indicator
COLLECTIVE = textwrap.dedent(
    """\
    id: t-collective
    title: 测试集体评选细则
    subject: collective
    source: test.txt
    max: 10
    bonus_cap: 1
    facts:
      equip_ratio: {type: ratio, label: 执法终端配备比例}
      cases: {type: count, label: 办理案件数}
      publicity: {type: count, label: 宣传报道篇数}
      integrity_violation: {type: bool, label: 出现违反廉洁纪律问题}
      cases_log:
        type: records
        label: 案件清单
        fields: {score: score, note: text}
    vetoes:
      - {when: "integrity_violation", reason: 本单位出现违反廉洁纪律问题}
    eligibility:
      - {require: "cases >= 1", reason: 评审期内未办理案件}
    tie_breakers: [cases_ind]
    indicators:
      - id: equip
        title: 执法装备
        max: 3
        items:
          - id: equip_pts
            title: 执法终端配备比例
            max: 3
            cite: {seed: test.txt, quote: 配备比例 95% 以上的得 2 分}
            rule:
              type: tiers
              fact: equip_ratio
              tiers: [{min: 1.00, points: 3}, {min: 0.95, points: 2}, {min: 0.90, points: 1}]
      - id: cases_ind
        title: 案件办理
        max: 7
        items:
          - id: cases_pts
            title: 办理案件
            max: 7
            cite: {seed: test.txt, quote: 每办理 1 件得 0.5 分}
            rule: {type: per_occurrence, fact: cases, each: 0.5, cap: 7}
      - id: publicity_ind
        title: 宣传报道
        bonus: true
        max: 2
        items:
          - id: publicity_pts
            title: 宣传报道加分
            max: 2
            cite: {seed: test.txt, quote: 每篇加 0.5 分}
            rule: {type: per_occurrence, fact: publicity, each: 0.5, cap: 2}
    """
)

# Individual, with a pool statistic: the best weighted count gets 10, every full 1% below the
# best loses 0.2 (relative_to_best). `province_avg` is meant as a campaign-wide fact.
INDIVIDUAL = textwrap.dedent(
    """\
    id: t-individual
    title: 测试个人评选细则
    subject: individual
    source: test.txt
    max: 20
    facts:
      weighted_cases: {type: number, label: 加权案件数}
      story: {type: score, label: 事迹评分}
      records: {type: number, label: 移动执法记录数}
      province_avg: {type: number, label: 全省人均记录数}
    indicators:
      - id: count_ind
        title: 案件数量
        max: 10
        items:
          - id: count_pts
            title: 加权案件数（相对最多者）
            max: 10
            cite: {seed: test.txt, quote: 最多者得满分}
            rule:
              {type: relative_to_best, fact: weighted_cases, max: 10, per: 0.01, per_points: 0.2}
      - id: story_ind
        title: 个人事迹
        max: 6
        items:
          - id: story_pts
            title: 事迹评审
            max: 6
            cite: {seed: test.txt, quote: 评审小组评分}
            rule: {type: manual, fact: story, min: 0, max: 6}
      - id: records_ind
        title: 执法记录
        max: 4
        items:
          - id: records_pts
            title: 高于全省人均
            max: 4
            cite: {seed: test.txt, quote: 每高出 10% 得 2 分}
            rule:
              type: steps_above
              fact: records
              reference: province_avg
              step: 0.10
              points: 2
              cap: 4
    """
)


def edited(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


@pytest.fixture
def collective_version(db):
    return load_rubric_version(path_or_text=COLLECTIVE)


@pytest.fixture
def individual_version(db):
    return load_rubric_version(path_or_text=INDIVIDUAL)


@pytest.fixture
def collective_pin(campaign, collective_version, campaign_admin):
    return pin_rubric(campaign=campaign, version=collective_version, actor=campaign_admin)


@pytest.fixture
def individual_pin(campaign, individual_version, campaign_admin):
    return pin_rubric(campaign=campaign, version=individual_version, actor=campaign_admin)


@pytest.fixture(autouse=True)
def _clear_cache():
    """The debounce flag lives in the cache; every test starts without one."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
