"""The ranking page of a pinned rubric and the campaign's scores index: who sees which rows,
ranks and ties, the excluded list, sorting, the unit filter, paging and query counts.

Pool (tests/scoring/conftest.py COLLECTIVE: equip tiers, 0.5 per case up to 7, publicity 0.5
per report as bonus with bonus_cap 1, veto on integrity, eligibility cases ≥ 1, tie-breaker
cases_ind):
    乙分局 equip 100% → 3, 20 cases → 7 (capped)                      total 10.00, rank 1
    甲分局 equip 96% → 2, 9 cases → 4.5, 3 reports → 1.5 → bonus 1     total  7.50, rank 2 并列
    丙分局 equip 96% → 2, 9 cases → 4.5, 2 reports → 1                 total  7.50, rank 2 并列
    丁分局 equip 100%, 14 cases, integrity violation                   vetoed (total 10.00)
    戊分局 equip 90% → 1, 0 cases                                       ineligible
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.enums import Role
from scoring import selectors
from scoring.enums import FactSource
from scoring.models import Fact, ScoreSnapshot
from scoring.services import FactEntry, evaluate_campaign, record_facts, sync_collective_candidates
from tests.factories import OrgUnitFactory, ParticipationFactory, UserFactory

pytestmark = [
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def score(campaign, facts_by_unit):
    entries = [
        FactEntry(unit, key, value)
        for unit, facts in facts_by_unit.items()
        for key, value in facts.items()
    ]
    record_facts(campaign=campaign, entries=entries, source=FactSource.IMPORT)
    evaluate_campaign(campaign=campaign)


@pytest.fixture
def units(city, own_unit, other_unit, campaign):
    third = OrgUnitFactory(name="丙分局", code="BR-C", parent=city)
    fourth = OrgUnitFactory(name="丁分局", code="BR-D", parent=city)
    fifth = OrgUnitFactory(name="戊分局", code="BR-E", parent=city)
    for unit in (third, fourth, fifth):
        ParticipationFactory(campaign=campaign, unit=unit)
    return {"甲": own_unit, "乙": other_unit, "丙": third, "丁": fourth, "戊": fifth}


@pytest.fixture
def ranked(campaign, collective_pin, units):
    sync_collective_candidates(campaign_rubric=collective_pin)
    score(
        campaign,
        {
            units["甲"]: {"equip_ratio": "0.96", "cases": 9, "publicity": 3},
            units["乙"]: {"equip_ratio": 1, "cases": 20},
            units["丙"]: {"equip_ratio": "0.96", "cases": 9, "publicity": 2},
            units["丁"]: {"equip_ratio": 1, "cases": 14, "integrity_violation": True},
            units["戊"]: {"equip_ratio": "0.9", "cases": 0},
        },
    )
    return collective_pin


def url(pin, **query):
    base = reverse("scoring:ranking", args=[pin.pk])
    if query:
        base += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return base


def body_of(response):
    assert response.status_code == 200
    return response.content.decode()


def ranked_rows(body):
    """(rank cell text, name) of each row of the ranked table, in page order."""
    table = body.split('class="table ranking-table"')[1].split("</table>")[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S):
        rank = re.search(r'class="num rank-cell">(.*?)</td>', row, re.S)
        name = re.search(r'class="candidate-cell"><a [^>]*>(.*?)</a>', row).group(1)
        rank_text = re.sub(r"<[^>]+>", "", rank.group(1)).split() if rank else []
        rows.append((" ".join(rank_text), name))
    return rows


def excluded_section(body):
    return body.split('id="h-excluded"')[1]


# --- what each persona sees ----------------------------------------------------------------


def test_ranking_reviewer_sees_all_ranked_with_ties_and_excluded_apart(
    ranked, reviewer, client_for
):
    body = body_of(client_for(reviewer).get(url(ranked)))
    assert ranked_rows(body) == [("1", "乙分局"), ("2 并列", "甲分局"), ("2 并列", "丙分局")]
    assert "共 3 个参评对象参加排名" in body
    excluded = excluded_section(body)
    assert "丁分局" in excluded and "一票否决" in excluded
    assert "本单位出现违反廉洁纪律问题" in excluded
    assert "戊分局" in excluded and "不符合参评条件" in excluded
    assert "评审期内未办理案件" in excluded
    # The excluded are not in the ranked table.
    names = [name for _rank, name in ranked_rows(body)]
    assert "丁分局" not in names and "戊分局" not in names


def test_ranking_shows_every_level1_indicator_bonus_and_total(ranked, reviewer, client_for):
    body = body_of(client_for(reviewer).get(url(ranked)))
    head = body.split("<thead>")[1].split("</thead>")[0]
    for title in ("执法装备", "案件办理", "宣传报道", "附加分", "总分"):
        assert title in head
    row = re.search(r"<tr>\s*<td class=\"num rank-cell\">2.*?甲分局.*?</tr>", body, re.S).group(0)
    cells = re.findall(r'<td class="num(?: total-cell)?">([^<]*)</td>', row)
    # total 7.5 (next to the name), then equip 2, cases 4.5, the publicity indicator's own 1.5,
    # and the bonus 1 (bonus_cap)
    assert cells == ["7.50", "2.00", "4.50", "1.50", "1.00"]


def test_ranking_leadership_and_admin_see_ranks(ranked, leader, campaign_admin, client_for):
    for user in (leader, campaign_admin):
        body = body_of(client_for(user).get(url(ranked)))
        assert ranked_rows(body)[0] == ("1", "乙分局")


def test_ranking_own_staff_see_only_their_candidates_without_ranks(ranked, own_staff, client_for):
    body = body_of(client_for(own_staff).get(url(ranked)))
    assert ranked_rows(body) == [("", "甲分局")]
    assert "名次" not in body.split("<thead>")[1].split("</thead>")[0]
    assert "并列" not in body
    assert "乙分局" not in body and "丙分局" not in body and "丁分局" not in body  # nor the filter
    assert "本页只列出本单位的参评对象" in body
    assert "没有被否决或不符合参评条件的参评对象" in body


def test_ranking_other_staff_see_only_theirs(ranked, other_staff, client_for):
    body = body_of(client_for(other_staff).get(url(ranked)))
    assert ranked_rows(body) == [("", "乙分局")]
    assert "甲分局" not in body


def test_ranking_staff_see_their_own_excluded_candidate_with_reason(ranked, units, client_for):
    staff = UserFactory(username="ding_staff", role=Role.BRANCH_STAFF, unit=units["丁"])
    body = body_of(client_for(staff).get(url(ranked)))
    excluded = excluded_section(body)
    assert "丁分局" in excluded and "本单位出现违反廉洁纪律问题" in excluded
    assert "暂无参加排名的参评对象" in body


def test_ranking_staff_of_unit_outside_campaign_gets_404_and_nothing_changes(
    ranked, city, client_for
):
    outsider = UserFactory(
        username="outsider", role=Role.BRANCH_STAFF, unit=OrgUnitFactory(parent=city)
    )
    before = list(ScoreSnapshot.objects.values_list("id", "rank", "total", "is_current"))
    facts = Fact.objects.count()
    assert client_for(outsider).get(url(ranked)).status_code == 404
    assert (
        client_for(outsider)
        .get(reverse("scoring:campaign_scores", args=[ranked.campaign_id]))
        .status_code
        == 404
    )
    assert list(ScoreSnapshot.objects.values_list("id", "rank", "total", "is_current")) == before
    assert Fact.objects.count() == facts


def test_ranking_requires_login(ranked, client):
    response = client.get(url(ranked))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_ranking_unknown_pin_is_404(ranked, reviewer, client_for):
    assert (
        client_for(reviewer).get(reverse("scoring:ranking", args=[ranked.pk + 99])).status_code
        == 404
    )


# --- sorting, filtering, paging --------------------------------------------------------------


def test_ranking_sorts_by_an_indicator_server_side(ranked, reviewer, client_for):
    client = client_for(reviewer)
    # equip highest first: 乙 3, then 甲 and 丙 with 2 in ranking order.
    body = body_of(client.get(url(ranked, sort="-equip")))
    assert [name for _r, name in ranked_rows(body)] == ["乙分局", "甲分局", "丙分局"]
    assert 'aria-sort="descending"' in body
    # publicity ascending: 乙 0 (no reports), 丙 1, 甲 1.5.
    body = body_of(client.get(url(ranked, sort="publicity_ind")))
    assert [name for _r, name in ranked_rows(body)] == ["乙分局", "丙分局", "甲分局"]
    # total ascending puts the tied pair first.
    body = body_of(client.get(url(ranked, sort="total")))
    assert [name for _r, name in ranked_rows(body)] == ["甲分局", "丙分局", "乙分局"]


def test_ranking_unknown_sort_falls_back_to_rank(ranked, reviewer, client_for):
    body = body_of(client_for(reviewer).get(url(ranked, sort="drop_table")))
    assert [name for _r, name in ranked_rows(body)] == ["乙分局", "甲分局", "丙分局"]


def test_ranking_column_header_toggles_direction(ranked, reviewer, client_for):
    body = body_of(client_for(reviewer).get(url(ranked, sort="-equip")))
    assert "?sort=equip" in body  # the active column links to the other direction
    assert "?sort=-cases_ind" in body  # the others start highest first


def test_ranking_filter_by_unit_keeps_pool_rank_and_tie(ranked, units, reviewer, client_for):
    body = body_of(client_for(reviewer).get(url(ranked, unit=units["丙"].pk)))
    assert ranked_rows(body) == [("2 并列", "丙分局")]
    assert "已按单位筛选" in body


def test_ranking_staff_cannot_filter_to_another_unit(ranked, units, own_staff, client_for):
    body = body_of(client_for(own_staff).get(url(ranked, unit=units["乙"].pk)))
    assert ranked_rows(body) == [("", "甲分局")]


def test_ranking_paginates_beyond_a_page(ranked, reviewer, client_for, monkeypatch):
    monkeypatch.setattr(selectors, "RANKING_PAGE_SIZE", 2)
    client = client_for(reviewer)
    first = body_of(client.get(url(ranked)))
    assert [name for _r, name in ranked_rows(first)] == ["乙分局", "甲分局"]
    assert "第 1 / 2 页" in first
    second = body_of(client.get(url(ranked, page=2)))
    assert ranked_rows(second) == [("2 并列", "丙分局")]


# --- campaign index --------------------------------------------------------------------------


def test_campaign_scores_lists_pins_with_counts(ranked, reviewer, own_staff, client_for):
    page = reverse("scoring:campaign_scores", args=[ranked.campaign_id])
    body = body_of(client_for(reviewer).get(page))
    assert "测试集体评选细则" in body
    assert reverse("scoring:ranking", args=[ranked.pk]) in body
    assert re.search(r'<td class="num">5</td>\s*<td class="num">5</td>', body)
    body = body_of(client_for(own_staff).get(page))
    assert re.search(r'<td class="num">1</td>\s*<td class="num">1</td>', body)
    assert "本单位参评对象" in body


# --- query counts ----------------------------------------------------------------------------


def _pool_of(n, campaign, pin, city):
    units = [OrgUnitFactory(parent=city) for _ in range(n)]
    for unit in units:
        ParticipationFactory(campaign=campaign, unit=unit)
    sync_collective_candidates(campaign_rubric=pin)
    score(campaign, {unit: {"equip_ratio": "0.95", "cases": i + 1} for i, unit in enumerate(units)})


@pytest.mark.parametrize("n", [1, 30])
def test_ranking_query_count_does_not_grow_with_candidates(
    n,
    campaign,
    collective_pin,
    city,
    reviewer,
    own_staff,
    client_for,
    django_assert_max_num_queries,
):
    _pool_of(n, campaign, collective_pin, city)
    client = client_for(reviewer)
    with django_assert_max_num_queries(10):
        body = body_of(client.get(url(collective_pin, sort="-equip")))
    assert len(ranked_rows(body)) == n  # 甲 and 乙 have no facts: ineligible, listed apart
    client = client_for(own_staff)
    with django_assert_max_num_queries(9):
        body_of(client.get(url(collective_pin)))
