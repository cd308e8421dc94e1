"""Shortlists: shared ranks, tie-breakers, quotas, per-unit limits, exclusions, contest groups."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from scoring.enums import ContestGrouping, FactSource
from scoring.models import PendingChange
from scoring.services import (
    build_shortlist,
    evaluate_campaign,
    load_rubric_version,
    pin_rubric,
    record_fact,
    register_candidate,
    set_shortlist_rules,
)
from tests.factories import CampaignFactory, OfficerFactory, OrgUnitFactory
from tests.scoring.conftest import COLLECTIVE, INDIVIDUAL, edited

pytestmark = pytest.mark.django_db

IMPORT = FactSource.IMPORT
NO_TIE_BREAKERS = edited(COLLECTIVE, "tie_breakers: [cases_ind]\n", "")


def _collectives(admin, rows, text=NO_TIE_BREAKERS):
    """rows: (name, category, facts). With no equipment and no reports, total = 0.5 × cases."""
    campaign = CampaignFactory()
    pin = pin_rubric(campaign=campaign, version=load_rubric_version(path_or_text=text), actor=admin)
    for name, category, facts in rows:
        unit = OrgUnitFactory(name=name)
        register_candidate(campaign_rubric=pin, unit=unit, category=category)
        for key, value in facts.items():
            record_fact(campaign=campaign, subject=unit, key=key, value=value, source=IMPORT)
    evaluate_campaign(campaign=campaign)
    return pin


def _officers(admin, rows):
    """rows: (unit, story). Nobody has cases or records: total = the story score."""
    campaign = CampaignFactory()
    pin = pin_rubric(
        campaign=campaign, version=load_rubric_version(path_or_text=INDIVIDUAL), actor=admin
    )
    for unit, story in rows:
        officer = OfficerFactory(unit=unit, name=f"执法员{story}")
        register_candidate(campaign_rubric=pin, officer=officer)
        record_fact(campaign=campaign, subject=officer, key="story", value=story, source=IMPORT)
    evaluate_campaign(campaign=campaign)
    return pin


def _build(pin):
    """The shortlist, with every entry's snapshot loaded (the service loads the selected and
    excluded ones; a page loads the rest it shows with attach)."""
    shortlist = build_shortlist(campaign_rubric=pin)
    shortlist.attach(shortlist.ranked)
    return shortlist


def _names(entries):
    return [str(entry.candidate) for entry in entries]


def _ranks(shortlist):
    return [(str(e.candidate), e.rank) for e in shortlist.ranked]


def test_ties_share_a_rank(campaign_admin):
    # 10, 8, 8, 6 cases → 5, 4, 4, 3 points → ranks 1, 2, 2, 4 ("并列第二")
    pin = _collectives(
        campaign_admin,
        [
            ("甲", "", {"cases": 10}),
            ("乙", "", {"cases": 8}),
            ("丙", "", {"cases": 8}),
            ("丁", "", {"cases": 6}),
        ],
    )
    shortlist = _build(pin)
    assert _ranks(shortlist) == [("甲", 1), ("乙", 2), ("丙", 2), ("丁", 4)]
    assert [e.total for e in shortlist.ranked] == [Decimal(5), Decimal(4), Decimal(4), Decimal(3)]
    assert _names(shortlist.selected) == ["甲", "乙", "丙", "丁"]  # no quota: everyone
    assert shortlist.warnings == []


def test_tie_breaker_orders_equal_totals(campaign_admin):
    # 甲: equipment 100% → 3 + 4 cases → 2 = 5; 乙: 10 cases → 5 = 5. Equal totals; the
    # declared tie-breaker (cases_ind: 2 vs 5) puts 乙 first.
    pin = _collectives(
        campaign_admin,
        [("甲", "", {"cases": 4, "equip_ratio": 1}), ("乙", "", {"cases": 10})],
        text=COLLECTIVE,
    )
    assert _ranks(_build(pin)) == [("乙", 1), ("甲", 2)]


def test_top_n_lets_in_a_tie_at_the_cutoff_with_a_warning(campaign_admin):
    pin = _collectives(
        campaign_admin,
        [
            ("甲", "", {"cases": 10}),
            ("乙", "", {"cases": 8}),
            ("丙", "", {"cases": 8}),
            ("丁", "", {"cases": 6}),
        ],
    )
    set_shortlist_rules(campaign_rubric=pin, actor=campaign_admin, shortlist_size=2)
    shortlist = _build(pin)
    assert _names(shortlist.selected) == ["甲", "乙", "丙"]
    assert [e.note for e in shortlist.ranked] == [
        "",
        "",
        "与第 2 名并列，超出名额入选，请领导小组确定",
        "超出推荐名额（2 名）",
    ]
    assert shortlist.warnings == ["丙 与已入选者并列第 2 名，入选人数超过名额，需人工确定。"]


def test_category_quotas(campaign_admin):
    # seed 003: per-category counts. 县市区 1, 直属单位 2.
    pin = _collectives(
        campaign_admin,
        [
            ("县一", "县市区", {"cases": 10}),
            ("县二", "县市区", {"cases": 9}),
            ("直一", "直属单位", {"cases": 8}),
            ("直二", "直属单位", {"cases": 7}),
            ("直三", "直属单位", {"cases": 6}),
            ("其他", "", {"cases": 12}),
        ],
    )
    set_shortlist_rules(
        campaign_rubric=pin, actor=campaign_admin, category_quotas={"县市区": 1, "直属单位": 2}
    )
    shortlist = _build(pin)
    assert _names(shortlist.selected) == ["县一", "直一", "直二"]
    notes = {str(e.candidate): e.note for e in shortlist.ranked if not e.selected}
    assert notes == {
        "其他": "类别“未分类”没有名额",
        "县二": "类别“县市区”名额已满（1 名）",
        "直三": "类别“直属单位”名额已满（2 名）",
    }


def test_per_unit_limit(campaign_admin):
    a, b = OrgUnitFactory(name="甲分局"), OrgUnitFactory(name="乙分局")
    pin = _officers(campaign_admin, [(a, 6), (a, 5), (a, 4), (b, 3)])
    set_shortlist_rules(
        campaign_rubric=pin, actor=campaign_admin, per_unit_limit=2, shortlist_size=3
    )
    shortlist = _build(pin)
    assert _names(shortlist.selected) == [
        "执法员6（甲分局）",
        "执法员5（甲分局）",
        "执法员3（乙分局）",
    ]
    assert shortlist.ranked[2].note == "本单位已入选 2 名"


def test_vetoed_and_ineligible_are_listed_apart_with_reasons(campaign_admin):
    pin = _collectives(
        campaign_admin,
        [
            ("甲", "", {"cases": 10, "integrity_violation": True}),
            ("乙", "", {"cases": 0}),
            ("丙", "", {"cases": 2}),
        ],
    )
    shortlist = _build(pin)
    assert _ranks(shortlist) == [("丙", 1)]
    excluded = {str(e.candidate): (e.rank, e.total, e.reasons) for e in shortlist.excluded}
    assert excluded == {
        "甲": (None, Decimal(5), ["本单位出现违反廉洁纪律问题"]),  # scored, not ranked
        "乙": (None, Decimal(0), ["评审期内未办理案件"]),
    }


@pytest.mark.parametrize(
    ("grouping", "expected"),
    [
        # seed 002: "前10名同志为…参赛候选人，将10名同志分为5个小组" — our reading: balanced
        (ContestGrouping.BALANCED, [[1, 10], [2, 9], [3, 8], [4, 7], [5, 6]]),
        (ContestGrouping.ADJACENT, [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]]),
    ],
)
def test_top_ten_become_contestants_in_five_pairs(campaign_admin, grouping, expected):
    unit = OrgUnitFactory(name="甲分局")
    # stories 6.0, 5.9, … 4.9: eleven officers, ranks 1 … 11
    pin = _officers(campaign_admin, [(unit, f"{60 - i}e-1") for i in range(11)])
    set_shortlist_rules(
        campaign_rubric=pin,
        actor=campaign_admin,
        shortlist_size=10,
        contest_group_size=2,
        contest_grouping=grouping,
    )
    shortlist = _build(pin)
    assert len(shortlist.selected) == 10
    assert [[entry.rank for entry in group] for group in shortlist.groups] == expected


def test_groups_need_an_even_split(campaign_admin):
    unit = OrgUnitFactory()
    # ranks 1 … 9, then two tied at 10: eleven selected for ten places → no groups
    stories = [f"{60 - i}e-1" for i in range(9)] + ["4", "4"]
    pin = _officers(campaign_admin, [(unit, story) for story in stories])
    set_shortlist_rules(
        campaign_rubric=pin, actor=campaign_admin, shortlist_size=10, contest_group_size=2
    )
    shortlist = _build(pin)
    assert len(shortlist.selected) == 11 and shortlist.groups == []
    assert "入选 11 人，不能按每组 2 人平均分组，请先处理并列或名额。" in shortlist.warnings


def test_shortlist_warns_about_unscored_candidates_and_pending_changes(campaign_admin):
    pin = _collectives(campaign_admin, [("甲", "", {"cases": 2})])
    late = OrgUnitFactory(name="迟到")
    register_candidate(campaign_rubric=pin, unit=late)
    assert PendingChange.objects.filter(unit=late).exists()
    warnings = _build(pin).warnings
    assert warnings == [
        "1 个参评对象尚未计算得分，未列入名单。",
        "有尚未计算的事实变更，名单可能不是最新结果。",
    ]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"shortlist_size": 0}, "shortlist_size"),
        ({"per_unit_limit": -1}, "per_unit_limit"),
        ({"category_quotas": {"县市区": 0}}, "category_quotas"),
        ({"contest_group_size": 2}, "contest_group_size"),  # groups need a shortlist size
        ({"shortlist_size": 10, "contest_group_size": 3}, "contest_group_size"),
        ({"contest_grouping": "random"}, "contest_grouping"),
    ],
)
def test_set_shortlist_rules_validates(collective_pin, campaign_admin, fields, field):
    with pytest.raises(ValidationError) as excinfo:
        set_shortlist_rules(campaign_rubric=collective_pin, actor=campaign_admin, **fields)
    assert field in excinfo.value.message_dict


def test_set_shortlist_rules_keeps_history(collective_pin, campaign_admin):
    set_shortlist_rules(campaign_rubric=collective_pin, actor=campaign_admin, shortlist_size=3)
    set_shortlist_rules(campaign_rubric=collective_pin, actor=campaign_admin, shortlist_size=5)
    sizes = list(
        collective_pin.history.order_by("history_date").values_list("shortlist_size", flat=True)
    )
    assert sizes == [None, 3, 5]


@pytest.mark.parametrize("count", [3, 30])
def test_build_shortlist_query_count(count, campaign_admin, django_assert_max_num_queries):
    pin = _collectives(campaign_admin, [(f"单位{i}", "", {"cases": i + 1}) for i in range(count)])
    set_shortlist_rules(
        campaign_rubric=pin, actor=campaign_admin, shortlist_size=2, per_unit_limit=1
    )
    with django_assert_max_num_queries(4):  # ranking, selected/excluded snapshots, 2 warnings
        shortlist = build_shortlist(campaign_rubric=pin)
        assert len(shortlist.ranked) == count
        # the selected come with their candidates and units: reading them costs no query
        assert {entry.candidate.home_unit.name[:2] for entry in shortlist.selected} == {"单位"}
    with django_assert_max_num_queries(1):  # one page of the rest
        shortlist.attach(shortlist.ranked[:20])
        assert all(str(entry.candidate).startswith("单位") for entry in shortlist.ranked[:20])


def test_unloaded_entry_says_so(campaign_admin):
    pin = _collectives(campaign_admin, [("甲", "", {"cases": 3}), ("乙", "", {"cases": 2})])
    set_shortlist_rules(campaign_rubric=pin, actor=campaign_admin, shortlist_size=1)
    shortlist = build_shortlist(campaign_rubric=pin)
    assert str(shortlist.selected[0].candidate) == "甲"
    passed_over = shortlist.ranked[1]
    assert (passed_over.rank, passed_over.note, passed_over.snapshot) == (
        2,
        "超出推荐名额（1 名）",
        None,
    )
    with pytest.raises(LookupError):
        _ = passed_over.candidate
