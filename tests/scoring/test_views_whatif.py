"""The what-if panel: an admin changes a candidate's facts, the engine re-runs over the pool in
memory, and the sheet shows the new points, total and rank beside the current ones. Nothing
is ever written.

Pool (tests/scoring/conftest.py COLLECTIVE):
    甲分局 equip 96% → 2, 9 cases → 4.5, 3 reports → bonus 1 (bonus_cap)     7.50, rank 2
    乙分局 equip 100% → 3, 20 cases → 7 (capped)                           10.00, rank 1
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from simple_history.utils import get_history_model_for_model

from scoring import selectors
from scoring.enums import FactSource
from scoring.forms import WhatIfForm
from scoring.models import Candidate, EvaluationRun, Fact, PendingChange, ScoreSnapshot
from scoring.services import (
    FactEntry,
    evaluate_campaign,
    record_fact,
    record_facts,
    register_candidate,
    sync_collective_candidates,
)
from scoring.services.rubrics import rubric_of
from tests.factories import OfficerFactory, OrgUnitFactory, ParticipationFactory

pytestmark = [
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

IMPORT = FactSource.IMPORT


@pytest.fixture
def scored(campaign, collective_pin, own_unit, other_unit):
    sync_collective_candidates(campaign_rubric=collective_pin)
    facts = {
        own_unit: {"equip_ratio": "0.96", "cases": 9, "publicity": 3},
        other_unit: {"equip_ratio": 1, "cases": 20},
    }
    record_facts(
        campaign=campaign,
        entries=[FactEntry(u, k, v) for u, f in facts.items() for k, v in f.items()],
        source=IMPORT,
    )
    evaluate_campaign(campaign=campaign)
    return collective_pin


@pytest.fixture
def own(scored, own_unit):
    return Candidate.objects.get(campaign_rubric=scored, unit=own_unit)


def whatif_url(candidate):
    return reverse("scoring:what_if", args=[candidate.pk])


def current_form_data(candidate, **changes):
    """The what-if form as the sheet fills it, with `changes` (field name without prefix)."""
    sheet = selectors.score_sheet(candidate=candidate)
    form = WhatIfForm(rubric=rubric_of(candidate.campaign_rubric.version), current=sheet.values)
    data = {name: value for name, value in form.initial.items() if value is not None}
    for key, value in changes.items():
        data[f"fact__{key}"] = value
    return data


def body_of(response):
    assert response.status_code == 200
    return response.content.decode()


def summary(body):
    total = re.search(r'data-testid="whatif-total">([^<]+)<', body).group(1)
    rank = re.search(r'data-testid="whatif-rank">([^<]+)<', body).group(1)
    return total, rank


def whatif_line(body, title):
    table = body.split('class="table whatif-lines"')[1].split("</table>")[0]
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        cells = [
            " ".join(re.sub(r"<[^>]+>", " ", c).split())
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        if cells and cells[0] == title:
            return cells
    return None


def database_state():
    """Everything a what-if must leave alone, values included."""
    fact_history = get_history_model_for_model(Fact)
    return (
        list(Fact.objects.order_by("pk").values_list("pk", "key", "value", "recorded_at")),
        list(
            ScoreSnapshot.objects.order_by("pk").values_list(
                "pk", "total", "rank", "is_current", "breakdown"
            )
        ),
        EvaluationRun.objects.count(),
        PendingChange.objects.count(),
        fact_history.objects.count(),
    )


# --- the outcome -----------------------------------------------------------------------------


def test_whatif_shows_new_points_total_and_rank_beside_current(own, campaign_admin, client_for):
    # 14 cases → 7 (the cap): base 2 + 7 = 9, bonus 1, total 10 — equal to 乙 on total and on
    # the tie-breaker (cases_ind 7), so both are first: "1, 1".
    data = current_form_data(own, cases="14")
    body = body_of(client_for(campaign_admin).post(whatif_url(own), data))
    assert summary(body) == ("10.00", "第 1 名")
    assert re.search(
        r"<td class=\"num\">7.50</td>\s*<td class=\"num\" data-testid=\"whatif-total\">", body
    )
    assert "第 2 名" in body.split('data-testid="whatif-rank"')[0]  # the current rank beside it
    assert "+2.50" in body
    assert whatif_line(body, "办理案件")[1:4] == ["4.50", "7.00", "+2.50"]
    assert whatif_line(body, "案件办理")[1:4] == ["4.50", "7.00", "+2.50"]
    assert whatif_line(body, "执法装备")[1:4] == ["2.00", "2.00", "±0.00"]
    assert whatif_line(body, "执法终端配备比例") is None  # unchanged items are not listed
    assert "改动的事实：办理案件数" in body


def test_whatif_writes_nothing(own, campaign_admin, client_for):
    before = database_state()
    data = current_form_data(own, cases="14", equip_ratio="100", integrity_violation="true")
    body_of(client_for(campaign_admin).post(whatif_url(own), data))
    assert database_state() == before
    assert Fact.objects.get(unit=own.unit, key="cases").value == 9


def test_whatif_ratio_is_typed_as_a_percentage(own, campaign_admin, client_for):
    body = body_of(
        client_for(campaign_admin).post(whatif_url(own), current_form_data(own, equip_ratio="100"))
    )
    assert whatif_line(body, "执法终端配备比例")[1:4] == ["2.00", "3.00", "+1.00"]
    assert "100% ≥ 100% → 3 分" in whatif_line(body, "执法终端配备比例")[4]
    assert summary(body) == ("8.50", "第 2 名")


def test_whatif_veto_removes_the_rank_with_its_reason(own, campaign_admin, client_for):
    data = current_form_data(own, integrity_violation="true")
    body = body_of(client_for(campaign_admin).post(whatif_url(own), data))
    assert summary(body) == ("7.50", "不参加排名")
    assert "本单位出现违反廉洁纪律问题" in body.split('id="what-if"')[1]


def test_whatif_blank_field_means_not_provided(own, campaign_admin, client_for):
    data = current_form_data(own, cases="")
    body = body_of(client_for(campaign_admin).post(whatif_url(own), data))
    assert summary(body) == ("3.00", "不参加排名")  # 2 + 0, bonus 1; ineligible without cases
    assert "评审期内未办理案件" in body.split('id="what-if"')[1]


def test_whatif_unchanged_form_reproduces_the_current_result(own, campaign_admin, client_for):
    body = body_of(client_for(campaign_admin).post(whatif_url(own), current_form_data(own)))
    assert summary(body) == ("7.50", "第 2 名")
    assert "未改动任何事实" in body


def test_whatif_reruns_the_whole_pool_for_pool_rules(
    campaign, individual_pin, own_unit, campaign_admin, client_for
):
    """relative_to_best: the best weighted count gets 10, −0.2 per full 1% below it."""
    a = OfficerFactory(name="演示人员甲", unit=own_unit)
    b = OfficerFactory(name="演示人员乙", unit=own_unit)
    candidate_a = register_candidate(campaign_rubric=individual_pin, officer=a)
    register_candidate(campaign_rubric=individual_pin, officer=b)
    record_fact(campaign=campaign, subject=a, key="weighted_cases", value=15, source=IMPORT)
    record_fact(campaign=campaign, subject=b, key="weighted_cases", value=20, source=IMPORT)
    evaluate_campaign(campaign=campaign)
    # Now: a is 25% below the best → 10 − 25 × 0.2 = 5, rank 2. What if a had 30 cases?
    data = current_form_data(candidate_a, weighted_cases="30")
    body = body_of(client_for(campaign_admin).post(whatif_url(candidate_a), data))
    assert whatif_line(body, "加权案件数（相对最多者）")[1:4] == ["5.00", "10.00", "+5.00"]
    assert summary(body) == ("10.00", "第 1 名")
    assert "共 2 名" in body


def test_whatif_scores_alone_when_the_pool_is_large_and_no_rule_needs_it(
    own, campaign_admin, client_for, monkeypatch
):
    monkeypatch.setattr(selectors, "WHATIF_FULL_POOL_LIMIT", 1)
    body = body_of(
        client_for(campaign_admin).post(whatif_url(own), current_form_data(own, cases="14"))
    )
    assert summary(body) == ("10.00", "第 1 名")  # the same answer as the whole pool gives
    assert "只重算本对象" in body


def test_whatif_json_fact_is_validated(own, campaign_admin, client_for):
    before = database_state()
    data = current_form_data(own, cases_log='[{"score": 90, "colour": "red"}]')
    body = body_of(client_for(campaign_admin).post(whatif_url(own), data))
    assert "记录含有未声明的字段：colour" in body
    assert 'data-testid="whatif-total"' not in body
    data = current_form_data(own, cases_log="[{")
    body = body_of(client_for(campaign_admin).post(whatif_url(own), data))
    assert "不是有效的 JSON" in body
    assert database_state() == before


def test_whatif_accepts_valid_json_records(own, campaign_admin, client_for):
    data = current_form_data(own, cases_log='[{"score": 90, "note": "样例"}]')
    body = body_of(client_for(campaign_admin).post(whatif_url(own), data))
    assert summary(body) == ("7.50", "第 2 名")
    assert "改动的事实：案件清单" in body


def test_whatif_partial_response_for_script(own, campaign_admin, client_for):
    response = client_for(campaign_admin).post(
        whatif_url(own), current_form_data(own, cases="14"), HTTP_X_REQUESTED_WITH="fetch"
    )
    body = body_of(response)
    assert body.lstrip().startswith("<section") and "<html" not in body
    assert summary(body) == ("10.00", "第 1 名")


def test_whatif_get_redirects_to_the_panel(own, campaign_admin, client_for):
    response = client_for(campaign_admin).get(whatif_url(own))
    assert response.status_code == 302
    assert response["Location"] == reverse("scoring:score_sheet", args=[own.pk]) + "#what-if"


# --- who may use it --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["own_staff", "reviewer", "leader"])
def test_whatif_is_403_for_those_who_only_read_and_writes_nothing(
    persona, own, request, client_for
):
    user = request.getfixturevalue(persona)
    before = database_state()
    response = client_for(user).post(whatif_url(own), current_form_data(own, cases="14"))
    assert response.status_code == 403
    assert database_state() == before


def test_whatif_is_404_for_another_units_staff_and_writes_nothing(own, other_staff, client_for):
    before = database_state()
    response = client_for(other_staff).post(whatif_url(own), current_form_data(own, cases="14"))
    assert response.status_code == 404
    assert client_for(other_staff).get(whatif_url(own)).status_code == 404
    assert database_state() == before


def test_whatif_requires_login(own, client):
    response = client.post(whatif_url(own), {})
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# --- cost --------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 30])
def test_whatif_query_count_does_not_grow_with_pool(
    n, campaign, collective_pin, city, campaign_admin, client_for, django_assert_max_num_queries
):
    units = [OrgUnitFactory(parent=city) for _ in range(n)]
    for unit in units:
        ParticipationFactory(campaign=campaign, unit=unit)
    sync_collective_candidates(campaign_rubric=collective_pin)
    record_facts(
        campaign=campaign,
        entries=[FactEntry(u, "cases", i + 1) for i, u in enumerate(units)]
        + [FactEntry(u, "equip_ratio", Decimal("0.95")) for u in units],
        source=IMPORT,
    )
    evaluate_campaign(campaign=campaign)
    candidate = Candidate.objects.get(campaign_rubric=collective_pin, unit=units[0])
    data = current_form_data(candidate, cases="7")
    client = client_for(campaign_admin)
    with django_assert_max_num_queries(11):
        body = body_of(client.post(whatif_url(candidate), data))
    assert summary(body)[0] == "5.50"  # 95% → 2, 7 cases → 3.5
