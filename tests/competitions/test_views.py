"""Pages: access for three personas and outsiders, judges refused by URL, leadership read-only,
admin actions through the views, and query counts on the list pages (1 and 3 items)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from competitions import services
from competitions.models import CompetitionDraw, Contestant, Result

pytestmark = pytest.mark.django_db


PAGES = ("competitions:detail", "competitions:draws", "competitions:results")


def test_another_units_staff_gets_404(client_for, outsider, competition, events):
    client = client_for(outsider)
    assert (
        client.get(reverse("competitions:list", args=[competition.campaign_id])).status_code == 404
    )
    for name in PAGES:
        assert client.get(reverse(name, args=[competition.pk])).status_code == 404
    assert client.get(reverse("competitions:enter", args=[events["water"].pk])).status_code == 404
    response = client.get(reverse("competitions:index"))
    assert competition.title not in response.content.decode()


def test_participating_staff_and_leadership_read_but_cannot_manage(
    client_for, own_staff, leader, competition, events, own_unit, seed
):
    for user in (own_staff, leader):
        client = client_for(user)
        for name in PAGES:
            response = client.get(reverse(name, args=[competition.pk]))
            assert response.status_code == 200
            assert "公布随机种子" not in response.content.decode()
        response = client.post(
            reverse("competitions:manage", args=[competition.pk, "draw"]),
            {"kind": "contestants", "unit": own_unit.pk, "seed": seed.pk},
        )
        assert response.status_code == 403
        assert "只有活动管理员可以管理比武" in response.content.decode()
    assert not CompetitionDraw.objects.exists()


def test_judge_of_another_event_refused_by_url(client_for, judge_air, events, drawn):
    client = client_for(judge_air)
    url = reverse("competitions:enter", args=[events["water"].pk])
    response = client.get(url)
    assert response.status_code == 403
    assert "您不是“涉水”项目的评委，不能录入该项目的成绩。" in response.content.decode()
    response = client.post(url, {"subject": drawn["BR-A"].pk, "score": "90", "problems": "0"})
    assert response.status_code == 403
    assert not Result.objects.exists()


def test_judge_enters_a_result_through_the_page(client_for, judge_air, events, drawn):
    client = client_for(judge_air)
    url = reverse("competitions:enter", args=[events["air"].pk])
    assert "甲分局" in client.get(url).content.decode()
    response = client.post(
        url, {"subject": drawn["BR-A"].pk, "score": "88.5", "problems": "2", "note": "未亮证"}
    )
    assert response.status_code == 302
    result = Result.objects.get()
    assert (result.team_id, str(result.score), result.problems, result.note, result.entered_by) == (
        drawn["BR-A"].pk,
        "88.50",
        2,
        "未亮证",
        judge_air,
    )
    response = client.post(url, {"subject": drawn["BR-A"].pk, "score": "120", "problems": "0"})
    assert "成绩须在 0 到 100 分之间" in response.content.decode()
    assert str(Result.objects.get().score) == "88.50"


def test_admin_creates_announces_and_draws_through_the_pages(
    client_for, campaign_admin, campaign, own_unit, officers
):
    client = client_for(campaign_admin)
    response = client.post(
        reverse("competitions:list", args=[campaign.pk]),
        {
            "title": "技能大比武",
            "mode": "individual",
            "level": "city",
            "drawn_per_unit": "2",
            "nominated_per_unit": "2",
            "problem_deduction": "0.5",
        },
    )
    competition = campaign.competitions.get()
    assert response.status_code == 302
    manage = lambda action: reverse("competitions:manage", args=[competition.pk, action])  # noqa: E731
    client.post(manage("seed"), {"value": "会议公布 42", "note": "动员会"})
    seed = campaign.draw_seeds.get()
    response = client.post(
        manage("draw"), {"kind": "contestants", "unit": own_unit.pk, "seed": seed.pk}, follow=True
    )
    draw = CompetitionDraw.objects.get()
    assert f"抽取完成（抽取 #{draw.pk}）" in response.content.decode()
    assert Contestant.objects.count() == 2
    response = client.post(
        manage("draw"), {"kind": "contestants", "unit": own_unit.pk, "seed": seed.pk}, follow=True
    )
    assert "重新抽取须注明理由并取代原抽取" in response.content.decode()
    page = client.get(reverse("competitions:draws", args=[competition.pk])).content.decode()
    assert draw.pool_hash[:16] in page and "会议公布 42" in page


def _competitions(campaign, admin, n):
    return [
        services.create_competition(campaign=campaign, title=f"比武{i}", actor=admin)
        for i in range(n)
    ]


@pytest.mark.parametrize("n", [1, 3])
def test_list_page_query_count(
    client_for, leader, campaign, campaign_admin, n, django_assert_max_num_queries
):
    _competitions(campaign, campaign_admin, n)
    client = client_for(leader)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("competitions:list", args=[campaign.pk]))
    assert response.content.decode().count("比武") >= n


@pytest.mark.parametrize("n", [1, 3])
def test_index_page_query_count(
    client_for, leader, campaign, campaign_admin, n, django_assert_max_num_queries
):
    _competitions(campaign, campaign_admin, n)
    client = client_for(leader)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("competitions:index"))
    assert response.content.decode().count('href="/competitions/campaign/') == n


@pytest.fixture
def filled(
    request,
    campaign,
    campaign_admin,
    competition,
    events,
    own_unit,
    other_unit,
    third_unit,
    officers,
    seed,
    judge_water,
):
    """n county teams drawn, with targets drawn and water results entered."""
    n = request.param
    units = [own_unit, other_unit, third_unit][:n]
    services.add_enterprises(
        competition=competition,
        text="\n".join(f"{u.code},{u.name}企业{i}" for u in units for i in range(2)),
        actor=campaign_admin,
    )
    for unit in units:
        services.draw_contestants(
            competition=competition, unit=unit, seed=seed, actor=campaign_admin
        )
        services.draw_targets(competition=competition, unit=unit, seed=seed, actor=campaign_admin)
    for team in competition.teams.all():
        services.enter_result(event=events["water"], actor=judge_water, team=team, score=80)
    return competition


@pytest.mark.parametrize("filled", [1, 3], indirect=True)
@pytest.mark.parametrize("name", PAGES)
def test_competition_pages_query_count(
    client_for, campaign_admin, filled, name, django_assert_max_num_queries
):
    client = client_for(campaign_admin)
    # The detail page's admin forms (units, seeds, draws, pins, judges) cost a few more.
    limit = 24 if name == "competitions:detail" else 12
    with django_assert_max_num_queries(limit):
        response = client.get(reverse(name, args=[filled.pk]))
    assert response.status_code == 200
    assert "甲分局" in response.content.decode()


def test_results_page_states_ties_and_admin_publishes(
    client_for,
    campaign_admin,
    leader,
    competition,
    events,
    drawn,
    s000_pins,
    judge_water,
    judge_air,
):
    judges = {"water": judge_water, "air": judge_air, "waste": judge_water}
    for team in drawn.values():
        for name, event in events.items():
            services.enter_result(event=event, actor=judges[name], team=team, score=80)
    page = client_for(leader).get(reverse("competitions:results", args=[competition.pk]))
    assert page.content.decode().count("并列第 1 名") >= 3
    assert "发布成绩并写入评分事实" not in page.content.decode()
    url = reverse("competitions:manage", args=[competition.pk, "publish"])
    assert client_for(leader).post(url).status_code == 403
    response = client_for(campaign_admin).post(url, follow=True)
    assert "成绩已发布为评分事实：12 条" in response.content.decode()
    competition.refresh_from_db()
    assert competition.published_at is not None
