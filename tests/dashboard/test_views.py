"""The dashboard pages: who sees what, charts on the page, and a fixed number of queries
whatever the number of units."""

from __future__ import annotations

import pytest
from django.urls import reverse

from submissions.enums import ClaimStatus as S
from tests.dashboard.helpers import ITEMS, add_units, claim, evaluate, score


def _url(campaign):
    return reverse("dashboard:campaign", args=[campaign.pk])


@pytest.fixture
def scored(campaign, pin, own_unit, other_unit, campaign_admin):
    from scoring.services import register_candidate

    own = register_candidate(campaign_rubric=pin, unit=own_unit, actor=campaign_admin)
    register_candidate(campaign_rubric=pin, unit=other_unit, actor=campaign_admin)
    claim(own, ITEMS[0], S.SUBMITTED)
    score(campaign, own_unit, cases=14, drill=True)
    score(campaign, other_unit, cases=2)
    evaluate(campaign)
    return campaign


def test_office_sees_every_unit_ranking_and_charts(client_for, campaign_admin, scored):
    page = client_for(campaign_admin).get(_url(scored)).content.decode()
    assert "甲分局" in page and "乙分局" in page
    assert "当前排名" in page and reverse("scoring:ranking", args=[scored.rubric_pins.get().pk])
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3  # bar, histogram, heat map
    assert page.count('<details class="chart-data">') == 3
    assert "立即发送到期提醒" in page


def test_leadership_reads_everything_but_may_not_send(client_for, leader, scored):
    client = client_for(leader)
    page = client.get(_url(scored)).content.decode()
    assert "当前排名" in page and "乙分局" in page
    assert "立即发送到期提醒" not in page
    response = client.post(reverse("notifications:send_now", args=[scored.pk]))
    assert response.status_code == 403
    assert client.post(_url(scored)).status_code == 405  # the dashboard itself is read-only


def test_branch_staff_see_only_their_own_row(client_for, own_staff, scored):
    response = client_for(own_staff).get(_url(scored))
    page = response.content.decode()
    assert [r.unit.code for r in response.context["rows"]] == ["BR-A"]
    assert "乙分局" not in page
    assert "当前排名" not in page and "<svg" not in page
    assert "scores" not in response.context


def test_staff_of_unit_outside_campaign_get_404(client_for, scored):
    from accounts.enums import Role
    from tests.factories import OrgUnitFactory, UserFactory

    outsider = UserFactory(role=Role.BRANCH_STAFF, unit=OrgUnitFactory(code="ELSEWHERE"))
    assert client_for(outsider).get(_url(scored)).status_code == 404


def test_reviewer_sees_queue_not_units_or_ranking(client_for, reviewer, scored):
    response = client_for(reviewer).get(_url(scored))
    page = response.content.decode()
    assert response.context["queue"].awaiting == 1
    assert "乙分局" not in page and "当前排名" not in page
    assert "rows" not in response.context


def test_index_lists_visible_campaigns(client_for, own_staff, campaign_admin, scored):
    from tests.factories import CampaignFactory

    CampaignFactory(title="别的活动")
    admin_page = client_for(campaign_admin).get(reverse("dashboard:index")).content.decode()
    assert "别的活动" in admin_page and scored.title in admin_page
    staff_page = client_for(own_staff).get(reverse("dashboard:index")).content.decode()
    assert "别的活动" not in staff_page and scored.title in staff_page


def test_nav_links_dashboard_for_office_and_leadership(client_for, leader, own_staff, scored):
    link = f'href="{reverse("dashboard:index")}"'
    assert link in client_for(leader).get(reverse("home")).content.decode()
    assert link not in client_for(own_staff).get(reverse("home")).content.decode()


# --- query counts: the same budget for 2 and 12 units -------------------------------------

# Measured: office and leadership 19, staff 15, reviewer 7 (session, user, the header's unit
# with the notice badge, campaign, phases, then the grouped queries of dashboard.selectors).
DASHBOARD_MAX = {"office": 19, "leadership": 19, "staff": 15, "reviewer": 7}


def _grow(campaign, pin, campaign_admin, extra):
    candidates = add_units(campaign, pin, campaign_admin, extra)
    for n, candidate in enumerate(candidates):
        claim(candidate, ITEMS[0], S.SUBMITTED)
        claim(candidate, ITEMS[1], S.DRAFT)
        score(campaign, candidate.unit, cases=n)
    evaluate(campaign)


@pytest.mark.parametrize("extra", [0, 10])
@pytest.mark.parametrize("persona", ["office", "leadership", "staff", "reviewer"])
def test_dashboard_query_count_is_fixed(
    extra,
    persona,
    request,
    scored,
    pin,
    campaign_admin,
    client_for,
    django_assert_max_num_queries,
):
    _grow(scored, pin, campaign_admin, extra)
    user = {
        "office": campaign_admin,
        "staff": request.getfixturevalue("own_staff"),
        "reviewer": request.getfixturevalue("reviewer"),
        "leadership": request.getfixturevalue("leader"),
    }[persona]
    client = client_for(user)
    with django_assert_max_num_queries(DASHBOARD_MAX[persona]):
        response = client.get(_url(scored))
    assert response.status_code == 200
    if persona in ("office", "leadership"):
        assert len(response.context["rows"]) == 2 + extra


@pytest.mark.parametrize("extra", [0, 10])
def test_index_query_count_is_fixed(
    extra, scored, pin, campaign_admin, client_for, django_assert_max_num_queries
):
    from tests.factories import CampaignFactory, PhaseFactory

    for n in range(extra):
        PhaseFactory(campaign=CampaignFactory(title=f"活动{n}"))
    client = client_for(campaign_admin)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("dashboard:index"))
    assert len(response.context["campaigns"]) == 1 + extra
