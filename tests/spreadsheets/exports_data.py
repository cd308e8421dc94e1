"""A small scored campaign for the export and job tests, built through the scoring services.

Collective rubric (max 10, bonus cap 1):
  equip (4): equip_pts — tiers on equip_ratio ≥100% → 3, ≥95% → 2 (a second item, drills_pts,
             0.5 per drill, at most 1, sits in a sub-node to check that nested items show)
  cases (6): cases_pts — 0.5 per case, at most 6
  publicity (bonus, 2): publicity_pts — 0.5 per report; bonus cap 1
  veto: integrity_violation; eligibility: at least one case

Units (facts → total, rank):
  甲分局          100%, 1 drill, 8 cases, 3 reports → 3 + 0.5 + 4 + 1 = 8.5   rank 1
  乙分局           95%, 2 drills, 8 cases          → 2 + 1 + 4     = 7     rank 2 (tied)
  =HYPERLINK(…)    95%, 2 drills, 8 cases          → 7                      rank 2 (tied)
  丙分局          integrity violation               → vetoed
  丁分局          no cases                          → ineligible
Shortlist: top 2 → 甲分局, and both tied at 2 (the tie is let in with a warning).
"""

from __future__ import annotations

import textwrap

from scoring.enums import FactSource
from scoring.services import (
    evaluate_campaign,
    load_rubric_version,
    pin_rubric,
    record_fact,
    register_candidate,
    set_shortlist_rules,
)
from tests.factories import OfficerFactory, OrgUnitFactory

EVIL = '=HYPERLINK("http://evil.example/","点击")'

RUBRIC = textwrap.dedent(
    """\
    id: x-collective
    title: 测试集体评选细则
    subject: collective
    source: test.txt
    max: 10
    bonus_cap: 1
    facts:
      equip_ratio: {type: ratio, label: 执法终端配备比例}
      drills: {type: count, label: 演练次数}
      cases: {type: count, label: 办理案件数}
      publicity: {type: count, label: 宣传报道篇数}
      integrity_violation: {type: bool, label: 出现违反廉洁纪律问题}
    vetoes:
      - {when: "integrity_violation", reason: 本单位出现违反廉洁纪律问题}
    eligibility:
      - {require: "cases >= 1", reason: 评审期内未办理案件}
    indicators:
      - id: equip
        title: 执法装备
        max: 4
        items:
          - id: equip_pts
            title: 执法终端配备比例
            max: 3
            cite: {seed: test.txt, quote: 配备比例 95% 以上的得 2 分}
            rule:
              type: tiers
              fact: equip_ratio
              tiers: [{min: 1.00, points: 3}, {min: 0.95, points: 2}]
        children:
          - id: drills_node
            title: 应急演练
            max: 1
            items:
              - id: drills_pts
                title: 开展演练
                max: 1
                cite: {seed: test.txt, quote: 每次演练得 0.5 分}
                rule: {type: per_occurrence, fact: drills, each: 0.5, cap: 1}
      - id: cases_ind
        title: 案件办理
        max: 6
        items:
          - id: cases_pts
            title: 办理案件
            max: 6
            cite: {seed: test.txt, quote: 每办理 1 件得 0.5 分}
            rule: {type: per_occurrence, fact: cases, each: 0.5, cap: 6}
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

INDIVIDUAL = textwrap.dedent(
    """\
    id: x-individual
    title: 测试个人评选细则
    subject: individual
    source: test.txt
    max: 6
    facts:
      story: {type: score, label: 事迹评分}
    indicators:
      - id: story_ind
        title: 个人事迹
        max: 6
        items:
          - id: story_pts
            title: 事迹评审
            max: 6
            cite: {seed: test.txt, quote: 评审小组评分}
            rule: {type: manual, fact: story, min: 0, max: 6}
    """
)

UNITS = [
    ("甲分局", {"equip_ratio": "1.00", "drills": 1, "cases": 8, "publicity": 3}),
    ("乙分局", {"equip_ratio": "0.95", "drills": 2, "cases": 8}),
    (EVIL, {"equip_ratio": "0.95", "drills": 2, "cases": 8}),
    ("丙分局", {"equip_ratio": "1.00", "cases": 10, "integrity_violation": True}),
    ("丁分局", {"equip_ratio": "1.00", "cases": 0}),
]


def build_scored_campaign(campaign, admin, *, individual=False):
    """Pin the rubric(s), register and score the units (and two officers); return the pins."""
    pin = pin_rubric(
        campaign=campaign, version=load_rubric_version(path_or_text=RUBRIC), actor=admin
    )
    set_shortlist_rules(campaign_rubric=pin, actor=admin, shortlist_size=2)
    units = {}
    for index, (name, facts) in enumerate(UNITS):
        unit = OrgUnitFactory(name=name, code=f"X{index}")
        units[name] = unit
        register_candidate(campaign_rubric=pin, unit=unit)
        for key, value in facts.items():
            record_fact(
                campaign=campaign, subject=unit, key=key, value=value, source=FactSource.IMPORT
            )
    pins = [pin]
    if individual:
        ipin = pin_rubric(
            campaign=campaign, version=load_rubric_version(path_or_text=INDIVIDUAL), actor=admin
        )
        for name, story in (("张三", 5), ("-李四", 4)):
            officer = OfficerFactory(name=name, unit=units["甲分局"])
            register_candidate(campaign_rubric=ipin, officer=officer)
            record_fact(
                campaign=campaign,
                subject=officer,
                key="story",
                value=story,
                source=FactSource.IMPORT,
            )
        pins.append(ipin)
    evaluate_campaign(campaign=campaign)
    return pins
