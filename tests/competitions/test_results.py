"""Judges' results → ranks (ties stated) → facts → seed 000's rank-based points; judges of
other events refused; weighted parts; seed 002's top 10 paired into 5 teams."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from competitions import ranking, services
from competitions.enums import CompetitionLevel, CompetitionMode
from competitions.models import Result
from scoring.enums import FactSource
from scoring.models import Fact, ScoreSnapshot
from scoring.services import (
    evaluate_campaign,
    load_rubric_version,
    pin_rubric,
    record_fact,
    register_candidate,
    set_shortlist_rules,
)
from scoring.services.candidates import sync_collective_candidates
from tests.competitions.conftest import D
from tests.factories import OfficerFactory
from tests.scoring.conftest import INDIVIDUAL

pytestmark = pytest.mark.django_db


def _enter(events, judges, team, water, air, waste, problems=(0, 0, 0)):
    for (name, score), count in zip(
        (("water", water), ("air", air), ("waste", waste)), problems, strict=True
    ):
        judge = judges[name]
        services.enter_result(
            event=events[name], actor=judge, team=team, score=score, problems=count
        )


def _points(pin, **subject):
    snapshot = ScoreSnapshot.objects.get(
        candidate__campaign_rubric=pin,
        is_current=True,
        **{f"candidate__{k}": v for k, v in subject.items()},
    )
    return {key: Decimal(value[0]) for key, value in snapshot.breakdown.items()}


def test_results_become_seed_000_rank_points(
    campaign, competition, events, drawn, s000_pins, judge_water, judge_air, campaign_admin
):
    judges = {"water": judge_water, "air": judge_air, "waste": judge_water}
    # 甲 255 (3 problems), 乙 240 (1 problem), 丙 240 (none): 乙 and 丙 tie for second.
    _enter(events, judges, drawn["BR-A"], "90", "85", "80", problems=(1, 0, 2))
    _enter(events, judges, drawn["BR-B"], "80", "80", "80", problems=(1, 0, 0))
    _enter(events, judges, drawn["BR-C"], "85", "75", "80")
    table = services.standings(competition)
    assert [(r.team.name, r.ranked.total, r.ranked.rank_label) for r in table.teams] == [
        ("甲分局", D("255.00"), "第 1 名"),
        ("乙分局", D("240.00"), "并列第 2 名"),
        ("丙分局", D("240.00"), "并列第 2 名"),
    ]
    assert [r.ranked.deduction for r in table.teams] == [D("1.5"), D("0.5"), D("0")]

    collective = s000_pins["s000-collective"]
    individual = s000_pins["s000-individual"]
    sync_collective_candidates(campaign_rubric=collective, actor=campaign_admin)
    contestants = list(competition.contestants.select_related("officer", "team__unit"))
    members = {c.officer_id: c.team.unit.code for c in contestants}
    for contestant in contestants:
        register_candidate(
            campaign_rubric=individual, officer=contestant.officer, actor=campaign_admin
        )

    done = services.publish_results(competition=competition, actor=campaign_admin)
    assert done.skipped == [] and done.entries == 3 * 2 + 6
    units = {
        f.unit.code: f.value for f in Fact.objects.filter(key="drill_rank").select_related("unit")
    }
    assert units == {"BR-A": 1, "BR-B": 2, "BR-C": 2}
    problems = dict(
        Fact.objects.filter(key="drill_review_problems").values_list("unit__code", "value")
    )
    assert problems == {"BR-A": 3, "BR-B": 1, "BR-C": 0}
    team_ranks = dict(
        Fact.objects.filter(key="city_drill_team_rank").values_list("officer_id", "value")
    )
    assert team_ranks == {
        oid: {"BR-A": 1, "BR-B": 2, "BR-C": 2}[code] for oid, code in members.items()
    }
    assert set(Fact.objects.values_list("source", flat=True)) == {FactSource.COMPETITION}

    evaluate_campaign(campaign=campaign)
    a = _points(collective, unit__code="BR-A")
    b = _points(collective, unit__code="BR-B")
    # Seed 000 collective: "根据成绩排名得 1—30 分" — linear over drill_participants = 6 teams:
    # rank 1 → 30; rank 2 → 30 − 29/5 = 24.2 (乙 and 丙 tied: both 24.2).
    assert a["drill_rank_pts"] == D("30")
    assert b["drill_rank_pts"] == D("24.2")
    assert _points(collective, unit__code="BR-C")["drill_rank_pts"] == D("24.2")
    # "点评结果中发现 1 个问题的，扣 0.5 分": 甲 3 problems → −1.5, so 指标 30 − 1.5 = 28.5.
    assert a["drill_review_deduction"] == D("-1.5")
    assert a["drill"] == D("28.5")
    assert b["drill"] == D("23.7")  # 24.2 − 0.5
    # Seed 000 individual: "集体排名第一的参赛队员得 8 分，之后每 10%依次递减 0.8 分", over
    # city_drill_teams = 10: team rank 1 → 8; team rank 2 → (2 − 1)/10 = 10% → 8 − 0.8 = 7.2.
    for officer_id, code in members.items():
        points = _points(individual, officer_id=officer_id)
        assert points["city_drill"] == {"BR-A": D("8"), "BR-B": D("7.2"), "BR-C": D("7.2")}[code]

    # A correction after publication un-publishes: the ranks must be published again.
    services.enter_result(event=events["air"], actor=judge_air, team=drawn["BR-C"], score="76")
    competition.refresh_from_db()
    assert competition.published_at is None


def test_judge_of_another_event_is_refused(competition, events, drawn, judge_air, judge_water):
    with pytest.raises(PermissionDenied, match="您不是“涉水”项目的评委，不能录入该项目的成绩。"):
        services.enter_result(event=events["water"], actor=judge_air, team=drawn["BR-A"], score=90)
    services.enter_result(event=events["air"], actor=judge_air, team=drawn["BR-A"], score=90)
    assert list(Result.objects.values_list("event__name", "score")) == [("涉气", D("90.00"))]


def test_bad_scores_get_chinese_messages(competition, events, drawn, judge_water):
    event = events["water"]
    with pytest.raises(ValidationError, match="成绩须在 0 到 100 分之间"):
        services.enter_result(event=event, actor=judge_water, team=drawn["BR-A"], score="101")
    with pytest.raises(ValidationError, match="不是有效的数字"):
        services.enter_result(event=event, actor=judge_water, team=drawn["BR-A"], score="九十")
    with pytest.raises(ValidationError, match="点评发现问题数须为 0 到 1000 之间的整数"):
        services.enter_result(
            event=event, actor=judge_water, team=drawn["BR-A"], score="90", problems="-1"
        )
    assert not Result.objects.exists()


def test_publish_refuses_incomplete_results(
    competition, events, drawn, judge_water, campaign_admin
):
    services.enter_result(event=events["water"], actor=judge_water, team=drawn["BR-A"], score=90)
    with pytest.raises(ValidationError, match="成绩尚未录全，不能发布"):
        services.publish_results(competition=competition, actor=campaign_admin)
    assert not Fact.objects.exists()


def test_weighted_parts_rank_individuals_for_the_province(
    campaign, campaign_admin, own_unit, officers, s000_pins, seed, judge_water
):
    """40% case review + 20% theory exam + 40% on-site test, scored per officer."""
    competition = services.create_competition(
        campaign=campaign,
        title="全省技能比武（市内选拔）",
        mode=CompetitionMode.INDIVIDUAL,
        level=CompetitionLevel.PROVINCE,
        drawn_per_unit=3,
        actor=campaign_admin,
    )
    parts = [
        services.add_event(
            competition=competition,
            name=name,
            weight=D(w),
            actor=campaign_admin,
            judges=[judge_water],
        )
        for name, w in (("案卷评查", "40"), ("理论考试", "20"), ("现场测试", "40"))
    ]
    services.draw_contestants(
        competition=competition, unit=own_unit, seed=seed, actor=campaign_admin
    )
    people = list(competition.contestants.select_related("officer"))
    marks = [("90", "70", "80"), ("80", "100", "80"), ("70", "60", "90")]
    for person, row in zip(people, marks, strict=True):
        for event, score in zip(parts, row, strict=True):
            services.enter_result(event=event, actor=judge_water, contestant=person, score=score)
    table = services.standings(competition)
    # 0.4×90 + 0.2×70 + 0.4×80 = 82; 0.4×80 + 0.2×100 + 0.4×80 = 84; 0.4×70 + 0.2×60 + 0.4×90 = 76
    assert [(p.contestant.pk, p.ranked.total, p.ranked.rank) for p in table.people] == [
        (people[1].pk, D("84.00"), 1),
        (people[0].pk, D("82.00"), 2),
        (people[2].pk, D("76.00"), 3),
    ]
    for person in people:
        register_candidate(
            campaign_rubric=s000_pins["s000-individual"],
            officer=person.officer,
            actor=campaign_admin,
        )
    services.publish_results(competition=competition, actor=campaign_admin)
    assert dict(Fact.objects.filter(key="prov_drill_rank").values_list("officer_id", "value")) == {
        people[1].officer_id: 1,
        people[0].officer_id: 2,
        people[2].officer_id: 3,
    }
    evaluate_campaign(campaign=campaign)
    # "根据个人单项成绩排名得 1—14 分" over 14 ranks: 1 → 14; 2 → 14 − 13/13 = 13.
    assert _points(s000_pins["s000-individual"], officer_id=people[1].officer_id)[
        "prov_drill"
    ] == D("14")
    assert _points(s000_pins["s000-individual"], officer_id=people[0].officer_id)[
        "prov_drill"
    ] == D("13")


def test_weights_must_all_be_set_and_sum_to_100():
    specs = [ranking.EventSpec(1, D("40")), ranking.EventSpec(2, None)]
    assert "部分项目设置了权重" in ranking.weights_problem(specs)
    specs = [ranking.EventSpec(1, D("40")), ranking.EventSpec(2, D("50"))]
    assert ranking.weights_problem(specs) == "各项目权重合计为 90%，须为 100%。"
    assert ranking.weights_problem([ranking.EventSpec(1, None)]) is None


def test_ties_share_a_place_and_the_next_is_skipped():
    specs = [ranking.EventSpec(1, None)]
    scores = {10: {1: D("5")}, 11: {1: D("9")}, 12: {1: D("9")}, 13: {1: D("7")}, 14: {}}
    ranked = ranking.rank_entries(specs, scores, {}, D("0.5"))
    assert [(r.key, r.rank, r.rank_label) for r in ranked] == [
        (11, 1, "并列第 1 名"),
        (12, 1, "并列第 1 名"),
        (13, 3, "第 3 名"),
        (10, 4, "第 4 名"),
        (14, None, "成绩未录全"),
    ]


def test_top_ten_of_the_ranking_become_five_pairs(campaign, campaign_admin, own_unit, other_unit):
    """Seed 002: "根据打分结果前10名同志为参加今年执法大练兵工作的参赛候选人，将10名同志分为5个小组
    参加小组赛". Pairing rule (scoring.enums.ContestGrouping.BALANCED, the default): first with
    last, 1 & 10, 2 & 9, 3 & 8, 4 & 7, 5 & 6 — so that the five teams are about equally strong."""
    pin = pin_rubric(
        campaign=campaign,
        version=load_rubric_version(path_or_text=INDIVIDUAL),
        actor=campaign_admin,
    )
    competition = services.create_competition(
        campaign=campaign, title="如东执法尖兵小组赛", actor=campaign_admin
    )
    with pytest.raises(ValidationError, match="内部排名还不能分组"):
        services.contestants_from_ranking(
            competition=competition, campaign_rubric=pin, actor=campaign_admin
        )
    by_rank = {}
    for i in range(11):  # stories 6.0, 5.9, … 5.0: ranks 1 … 11
        officer = OfficerFactory(unit=own_unit if i % 2 else other_unit, name=f"尖兵{i + 1}")
        register_candidate(campaign_rubric=pin, officer=officer, actor=campaign_admin)
        record_fact(
            campaign=campaign,
            subject=officer,
            key="story",
            value=f"{60 - i}e-1",
            source=FactSource.PANEL,
        )
        by_rank[i + 1] = officer.pk
    evaluate_campaign(campaign=campaign)
    set_shortlist_rules(
        campaign_rubric=pin, actor=campaign_admin, shortlist_size=10, contest_group_size=2
    )
    teams = services.contestants_from_ranking(
        competition=competition, campaign_rubric=pin, actor=campaign_admin
    )
    assert [t.name for t in teams] == ["第 1 组", "第 2 组", "第 3 组", "第 4 组", "第 5 组"]
    pairs = [sorted(t.members.values_list("ranking_place", flat=True)) for t in teams]
    assert pairs == [[1, 10], [2, 9], [3, 8], [4, 7], [5, 6]]
    officers = [sorted(t.members.values_list("officer_id", flat=True)) for t in teams]
    assert officers == [sorted([by_rank[a], by_rank[b]]) for a, b in pairs]
    assert by_rank[11] not in competition.contestants.values_list("officer_id", flat=True)
    with pytest.raises(ValidationError, match="已按内部排名确定参赛人员"):
        services.contestants_from_ranking(
            competition=competition, campaign_rubric=pin, actor=campaign_admin
        )


def test_individual_scoring_ranks_people_and_county_teams(
    campaign,
    campaign_admin,
    own_unit,
    other_unit,
    third_unit,
    officers,
    s000_pins,
    seed,
    judge_water,
):
    """Seed 001: X drawn per county, "大比武主要内容为环保法律法规、案卷评查和案例分析", scored per
    officer; "比赛成绩…作为该县（区）在市级大练兵评比中的得分依据": a county's score in each part is
    its contestants' average."""
    competition = services.create_competition(
        campaign=campaign,
        title="市级执法大比武（第一期）",
        mode=CompetitionMode.INDIVIDUAL,
        drawn_per_unit=2,
        actor=campaign_admin,
    )
    parts = [
        services.add_event(
            competition=competition, name=name, actor=campaign_admin, judges=[judge_water]
        )
        for name in ("法律法规", "案卷评查", "案例分析")
    ]
    for unit in (own_unit, other_unit, third_unit):
        services.draw_contestants(
            competition=competition, unit=unit, seed=seed, actor=campaign_admin
        )
    marks = {
        "BR-A": [("80", "70", "90"), ("60", "80", "70")],  # 240, 210 → means 70, 75, 80 = 225
        "BR-B": [("90", "90", "90"), ("50", "60", "70")],  # 270, 180 → means 70, 75, 80 = 225
        "BR-C": [("60", "60", "60"), ("60", "60", "60")],  # 180, 180 → 180
    }
    people = {}
    for code, rows in marks.items():
        members = list(competition.contestants.filter(unit__code=code).order_by("pk"))
        for person, row in zip(members, rows, strict=True):
            people[person.pk] = sum(int(v) for v in row)
            for event, score in zip(parts, row, strict=True):
                services.enter_result(
                    event=event, actor=judge_water, contestant=person, score=score
                )
    table = services.standings(competition)
    assert [(r.team.unit.code, r.ranked.total, r.ranked.rank_label) for r in table.teams] == [
        ("BR-A", D("225.00"), "并列第 1 名"),
        ("BR-B", D("225.00"), "并列第 1 名"),
        ("BR-C", D("180.00"), "第 3 名"),
    ]
    assert [(p.ranked.total, p.ranked.rank) for p in table.people] == [
        (D("270.00"), 1),
        (D("240.00"), 2),
        (D("210.00"), 3),
        (D("180.00"), 4),
        (D("180.00"), 4),
        (D("180.00"), 4),
    ]
    services.publish_results(competition=competition, actor=campaign_admin)
    assert dict(Fact.objects.filter(key="drill_rank").values_list("unit__code", "value")) == {
        "BR-A": 1,
        "BR-B": 1,
        "BR-C": 3,
    }
    team_ranks = dict(
        Fact.objects.filter(key="city_drill_team_rank").values_list("officer__unit__code", "value")
    )
    assert team_ranks == {"BR-A": 1, "BR-B": 1, "BR-C": 3}
    sync_collective_candidates(campaign_rubric=s000_pins["s000-collective"], actor=campaign_admin)
    evaluate_campaign(campaign=campaign)
    # "根据成绩排名得 1—30 分" over 6 teams: tied first → 30 each; third → 30 − 2 × 29/5 = 18.4.
    collective = s000_pins["s000-collective"]
    assert _points(collective, unit__code="BR-B")["drill_rank_pts"] == D("30")
    assert _points(collective, unit__code="BR-C")["drill_rank_pts"] == D("18.4")


def test_publish_names_keys_no_rubric_declares(
    campaign, competition, events, drawn, judge_water, judge_air, campaign_admin
):
    judges = {"water": judge_water, "air": judge_air, "waste": judge_water}
    for team in drawn.values():
        _enter(events, judges, team, "80", "80", "80")
    done = services.publish_results(competition=competition, actor=campaign_admin)
    # No rubric pinned: nothing written, and the page says which keys were left out.
    assert (done.entries, done.written) == (0, 0)
    assert done.skipped == ["city_drill_team_rank", "drill_rank", "drill_review_problems"]
    assert not Fact.objects.exists()
