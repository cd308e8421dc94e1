"""The campaign pages: what each role's home shows, the campaign detail, the unit pages with the
officer form, query counts that do not grow with rows, and the English switch."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from campaigns.enums import CampaignStatus, LeaderRole, PhaseKind, WorkingGroupKind
from campaigns.models import (
    LeadershipGroup,
    LeadershipMember,
    Officer,
    TaskPlanEntry,
    WorkingGroup,
    WorkingGroupMember,
)
from campaigns.services.officers import create_officer, update_officer
from tests.factories import (
    CampaignFactory,
    OfficerFactory,
    OrgUnitFactory,
    ParticipationFactory,
    PhaseFactory,
)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def shanghai(*args):
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def phased_campaign(campaign):
    """`campaign` with six phases around now: two past, self-assessment current (ends in 7
    days), review, notice and commendation to come. Created out of order on purpose."""
    now = timezone.now()
    day = dt.timedelta(days=1)
    spans = {
        PhaseKind.REVIEW: (now + 7 * day, now + 14 * day),
        PhaseKind.MOBILISATION: (now - 60 * day, now - 30 * day),
        PhaseKind.SELF_ASSESSMENT: (now - day, now + 7 * day),
        PhaseKind.COMMENDATION: (now + 30 * day, now + 40 * day),
        PhaseKind.IMPLEMENTATION: (now - 30 * day, now - day),
        PhaseKind.PUBLIC_NOTICE: (now + 14 * day, now + 21 * day),
    }
    for kind, (start, end) in spans.items():
        PhaseFactory(campaign=campaign, kind=kind, starts_at=start, ends_at=end)
    return campaign


def body_of(response):
    assert response.status_code == 200
    return response.content.decode()


# --- home per role ----------------------------------------------------------------------------


def test_home_branch_staff_sees_unit_campaigns_phase_and_countdown(
    phased_campaign, own_staff, client_for
):
    CampaignFactory(title="别人的活动")  # no participation of own unit
    body = body_of(client_for(own_staff).get(reverse("home")))
    assert "本单位的练兵活动" in body
    assert "测试练兵活动" in body
    assert "别人的活动" not in body
    current = re.search(r"<strong>(.+?)</strong> · 截止", body)
    assert current and current.group(1) == "自评推选"
    assert "剩余 7 天" in body
    assert "下一阶段" in body and "复审" in body
    assert "个人推荐名额 2 名" in body
    assert "活动设置" not in body


def test_home_branch_staff_without_campaigns_says_so(own_staff, client_for):
    body = body_of(client_for(own_staff).get(reverse("home")))
    assert "本单位暂未参加任何练兵活动。" in body


def test_home_countdown_says_today_on_the_last_day(campaign, own_staff, client_for):
    PhaseFactory(
        campaign=campaign,
        kind=PhaseKind.SELF_ASSESSMENT,
        starts_at=timezone.now() - dt.timedelta(days=3),
        ends_at=timezone.now() + dt.timedelta(seconds=30),
    )
    body = body_of(client_for(own_staff).get(reverse("home")))
    # Unless the test runs in the last 30 seconds of a Shanghai day, the phase ends today.
    assert "今日截止" in body or "剩余 1 天" in body


def test_home_reviewer_sees_campaigns_with_a_review_phase(
    phased_campaign, city, reviewer, client_for
):
    CampaignFactory(issuing_unit=city, title="没有复审的活动")
    body = body_of(client_for(reviewer).get(reverse("home")))
    assert "复审安排" in body
    assert "测试练兵活动" in body
    assert "没有复审的活动" not in body
    assert "7 天后开始" in body  # the review starts when self-assessment ends
    assert "本单位的练兵活动" not in body


def test_home_campaign_admin_sees_setup_links_campaigns_and_units(
    phased_campaign, campaign_admin, client_for
):
    body = body_of(client_for(campaign_admin).get(reverse("home")))
    assert "活动设置" in body
    assert reverse("admin:index") in body
    assert "测试练兵活动" in body
    assert "甲分局" in body and "乙分局" in body
    assert reverse("campaigns:unit_list") in body


def test_home_leadership_sees_overview_with_unit_counts_and_phases(
    phased_campaign, leader, client_for
):
    body = body_of(client_for(leader).get(reverse("home")))
    assert "活动总览" in body
    assert "测试练兵活动" in body
    assert re.search(r'<td class="num">2</td>', body)  # two participating units
    assert re.search(r'<li class="is-current" aria-current="step">自评推选</li>', body)
    assert "活动设置" not in body


# --- campaign detail --------------------------------------------------------------------------


@pytest.fixture
def leadership(campaign, city, own_unit):
    group = LeadershipGroup.objects.create(
        campaign=campaign,
        office_unit=city,
        office_director="赵主任",
        office_duties="负责活动的组织协调。",
    )
    LeadershipMember.objects.create(group=group, name="钱局长", role=LeaderRole.LEADER, post="局长")
    LeadershipMember.objects.create(
        group=group, name="孙副局长", role=LeaderRole.DEPUTY, post="副局长", sort_order=1
    )
    LeadershipMember.objects.create(
        group=group, name="李科长", role=LeaderRole.MEMBER, post="法制科科长", unit=own_unit
    )
    wg = WorkingGroup.objects.create(group=group, name="考核评价组", duties="负责考核评价。")
    WorkingGroupMember.objects.create(working_group=wg, name="周组长", role=LeaderRole.LEADER)
    WorkingGroup.objects.create(
        group=group, kind=WorkingGroupKind.MEMBER_UNIT, name="法制科", duties="负责案卷评查。"
    )
    return group


def test_campaign_detail_shows_phases_in_order_with_current_highlighted(
    phased_campaign, own_staff, client_for
):
    body = body_of(
        client_for(own_staff).get(reverse("campaigns:campaign_detail", args=[phased_campaign.pk]))
    )
    timeline = body[body.index('<ol class="timeline">') :]
    names = re.findall(r'<span class="timeline-name">(\S+)', timeline)
    assert names == ["动员部署", "活动实施", "自评推选", "复审", "公示", "总结表扬"]
    current = re.findall(r'<li class="timeline-step is-(\w+)"( aria-current="step")?', timeline)
    assert [state for state, _ in current] == [
        "past",
        "past",
        "current",
        "upcoming",
        "upcoming",
        "upcoming",
    ]
    assert current[2][1] == ' aria-current="step"'


def test_campaign_detail_dates_are_in_shanghai_time(campaign, own_staff, client_for):
    # 2024-06-30 17:00 UTC is already 1 July in Shanghai; the phase's last day is 31 July.
    PhaseFactory(
        campaign=campaign,
        kind=PhaseKind.IMPLEMENTATION,
        starts_at=dt.datetime(2024, 6, 30, 17, 0, tzinfo=dt.UTC),
        ends_at=shanghai(2024, 8, 1),
    )
    body = body_of(
        client_for(own_staff).get(reverse("campaigns:campaign_detail", args=[campaign.pk]))
    )
    assert "2024-07-01</time> – " in body
    assert "2024-07-31</time>" in body


def test_campaign_detail_shows_leadership_group_and_working_groups(
    campaign, leadership, reviewer, client_for
):
    body = body_of(
        client_for(reviewer).get(reverse("campaigns:campaign_detail", args=[campaign.pk]))
    )
    for text in (
        "钱局长",
        "局长",
        "孙副局长",
        "李科长",
        "法制科科长",
        "赵主任",
        "测试市生态环境局",
    ):
        assert text in body
    assert body.index("钱局长") < body.index("孙副局长") < body.index("李科长")
    assert "考核评价组" in body and "组长 周组长" in body and "负责考核评价。" in body
    assert "成员单位分工" in body and "负责案卷评查。" in body


def test_campaign_detail_shows_task_plan_rows_and_quotas(campaign, own_staff, client_for):
    TaskPlanEntry.objects.create(
        campaign=campaign, seq=2, indicator="案卷评查", points_label="20 分", content="评查案卷"
    )
    TaskPlanEntry.objects.create(
        campaign=campaign,
        seq=1,
        indicator="学习培训",
        points_label="10 分",
        content="组织学习",
        lead_department="法制科",
        lead_leader="钱局长",
        schedule="全年",
    )
    body = body_of(
        client_for(own_staff).get(reverse("campaigns:campaign_detail", args=[campaign.pk]))
    )
    plan = body[body.index("任务计划") :]
    assert plan.index("学习培训") < plan.index("案卷评查")
    for text in ("10 分", "组织学习", "法制科", "钱局长", "全年", "20 分"):
        assert text in plan
    units = body[body.index("参评单位与名额") :]
    assert "甲分局" in units and "乙分局" in units
    assert '<td class="num">4</td>' in units  # 2 + 2 individual nominations


def test_campaign_detail_links_only_units_the_user_may_open(
    campaign, own_unit, other_unit, own_staff, client_for
):
    body = body_of(
        client_for(own_staff).get(reverse("campaigns:campaign_detail", args=[campaign.pk]))
    )
    assert reverse("campaigns:unit_detail", args=[own_unit.pk]) in body
    assert reverse("campaigns:unit_detail", args=[other_unit.pk]) not in body


def test_campaign_detail_without_leadership_or_phases_says_so(campaign, own_staff, client_for):
    body = body_of(
        client_for(own_staff).get(reverse("campaigns:campaign_detail", args=[campaign.pk]))
    )
    assert "尚未设置领导小组。" in body
    assert "尚未设置活动阶段。" in body


# --- units and the officer form ---------------------------------------------------------------


def test_unit_list_staff_see_own_unit_and_its_children(own_unit, own_staff, client_for):
    OrgUnitFactory(name="甲分局一中队", parent=own_unit)
    body = body_of(client_for(own_staff).get(reverse("campaigns:unit_list")))
    assert "甲分局一中队" in body
    assert "乙分局" not in body
    assert "测试市生态环境局</a>" not in body


def test_unit_list_counts_active_officers(own_unit, reviewer, client_for):
    OfficerFactory.create_batch(3, unit=own_unit)
    OfficerFactory(unit=own_unit, is_active=False)
    body = body_of(client_for(reviewer).get(reverse("campaigns:unit_list")))
    row = body[body.index("甲分局</a>") :].split("</tr>")[0]
    assert '<td class="num">3</td>' in row


def test_unit_detail_shows_officers_and_edit_buttons_to_owner_only(
    own_unit, own_staff, reviewer, client_for
):
    officer = OfficerFactory(unit=own_unit, name="王执法", certificate_no="370900123")
    url = reverse("campaigns:unit_detail", args=[own_unit.pk])
    owner_body = body_of(client_for(own_staff).get(url))
    assert "王执法" in owner_body and "370900123" in owner_body
    assert reverse("campaigns:officer_edit", args=[officer.pk]) in owner_body
    assert reverse("campaigns:officer_create", args=[own_unit.pk]) in owner_body
    reviewer_body = body_of(client_for(reviewer).get(url))
    assert "王执法" in reviewer_body
    assert reverse("campaigns:officer_edit", args=[officer.pk]) not in reviewer_body
    assert reverse("campaigns:officer_create", args=[own_unit.pk]) not in reviewer_body


def test_officer_create_duplicate_certificate_shows_chinese_error(
    own_unit, other_unit, own_staff, client_for
):
    OfficerFactory(unit=other_unit, certificate_no="37091234")
    response = client_for(own_staff).post(
        reverse("campaigns:officer_create", args=[own_unit.pk]),
        {"name": "重号", "certificate_no": "37091234"},
    )
    body = body_of(response)
    assert "该执法证件号已登记给另一名执法人员。" in body
    assert Officer.objects.count() == 1


def test_officer_create_without_name_shows_error(own_unit, own_staff, client_for):
    body = body_of(
        client_for(own_staff).post(reverse("campaigns:officer_create", args=[own_unit.pk]), {})
    )
    assert "这个字段是必填项。" in body
    assert not Officer.objects.exists()


def test_officer_edit_success_message_then_unit_page(own_unit, own_staff, client_for):
    officer = OfficerFactory(unit=own_unit, name="旧名")
    client = client_for(own_staff)
    response = client.post(
        reverse("campaigns:officer_edit", args=[officer.pk]),
        {"name": "新名", "certificate_no": officer.certificate_no, "is_active": "on"},
        follow=True,
    )
    body = body_of(response)
    assert "已保存执法人员“新名”。" in body
    officer.refresh_from_db()
    assert officer.name == "新名"


def test_officer_edit_duplicate_certificate_keeps_row(own_unit, own_staff, client_for):
    first = OfficerFactory(unit=own_unit, certificate_no="A1")
    second = OfficerFactory(unit=own_unit, name="二号", certificate_no="A2")
    body = body_of(
        client_for(own_staff).post(
            reverse("campaigns:officer_edit", args=[second.pk]),
            {"name": "二号改", "certificate_no": "A1", "is_active": "on"},
        )
    )
    assert "该执法证件号已登记给另一名执法人员。" in body
    second.refresh_from_db()
    assert (second.name, second.certificate_no) == ("二号", "A2")
    assert first.certificate_no == "A1"


# --- the officer services ---------------------------------------------------------------------


def test_create_officer_checks_access_itself(own_unit, other_staff, reviewer):
    with pytest.raises(Http404):
        create_officer(actor=other_staff, unit=own_unit, name="越权")
    with pytest.raises(PermissionDenied):
        create_officer(actor=reviewer, unit=own_unit, name="越权")
    assert not Officer.objects.exists()


def test_create_officer_blank_certificates_may_repeat(own_unit, own_staff):
    create_officer(actor=own_staff, unit=own_unit, name="甲")
    create_officer(actor=own_staff, unit=own_unit, name="乙", certificate_no="  ")
    assert list(Officer.objects.values_list("certificate_no", flat=True)) == ["", ""]


def test_update_officer_refuses_unknown_fields_and_moves_only_within_reach(
    own_unit, other_unit, own_staff
):
    officer = OfficerFactory(unit=own_unit)
    with pytest.raises(TypeError):
        update_officer(actor=own_staff, officer=officer, user=own_staff)
    with pytest.raises(Http404):
        update_officer(actor=own_staff, officer=officer, unit=other_unit)
    officer.refresh_from_db()
    assert officer.unit == own_unit


def test_update_officer_duplicate_restores_the_object(own_unit, own_staff):
    OfficerFactory(unit=own_unit, certificate_no="B1")
    officer = OfficerFactory(unit=own_unit, name="原名", certificate_no="B2")
    with pytest.raises(ValidationError) as info:
        update_officer(actor=own_staff, officer=officer, name="新名", certificate_no="B1")
    assert info.value.message_dict == {"certificate_no": ["该执法证件号已登记给另一名执法人员。"]}
    assert (officer.name, officer.certificate_no) == ("原名", "B2")


# --- query counts: one bound for 1 and 30 rows (STYLE.md #12) ---------------------------------


def make_campaigns(n, city, units):
    for i in range(n):
        c = CampaignFactory(issuing_unit=city, title=f"批量活动{i}")
        PhaseFactory(campaign=c)
        PhaseFactory(
            campaign=c,
            kind=PhaseKind.REVIEW,
            starts_at=timezone.now() + dt.timedelta(days=8),
            ends_at=timezone.now() + dt.timedelta(days=9),
        )
        for unit in units:
            ParticipationFactory(campaign=c, unit=unit)


# Every page: session, user, the user's unit (header); branch staff add one query per level of
# their unit's subtree (accounts.access.own_unit_ids). Then the page's own queries, the same
# number whatever the row count.
HOME_MAX = {"own_staff": 7, "reviewer": 5, "campaign_admin": 6, "leader": 6}


@pytest.mark.parametrize("rows", [1, 30])
@pytest.mark.parametrize("persona", list(HOME_MAX))
def test_home_query_count_does_not_grow(
    rows, persona, request, city, own_unit, other_unit, client_for, django_assert_max_num_queries
):
    make_campaigns(rows, city, [own_unit, other_unit])
    OrgUnitFactory.create_batch(rows, parent=city)
    client = client_for(request.getfixturevalue(persona))
    with django_assert_max_num_queries(HOME_MAX[persona]):
        body = body_of(client.get(reverse("home")))
    assert f"批量活动{rows - 1}" in body


@pytest.mark.parametrize("rows", [1, 30])
@pytest.mark.parametrize("persona", ["own_staff", "reviewer"])
def test_campaign_list_query_count_does_not_grow(
    rows, persona, request, city, own_unit, client_for, django_assert_max_num_queries
):
    make_campaigns(rows, city, [own_unit])
    client = client_for(request.getfixturevalue(persona))
    with django_assert_max_num_queries(6):
        body = body_of(client.get(reverse("campaigns:campaign_list")))
    assert body.count("批量活动") == rows


@pytest.mark.parametrize("rows", [1, 30])
@pytest.mark.parametrize("persona", ["own_staff", "reviewer"])
def test_unit_list_query_count_does_not_grow(
    rows, persona, request, own_unit, client_for, django_assert_max_num_queries
):
    for i in range(rows):
        child = OrgUnitFactory(name=f"下属中队{i}", parent=own_unit)
        OfficerFactory.create_batch(2, unit=child)
    client = client_for(request.getfixturevalue(persona))
    with django_assert_max_num_queries(6):
        body = body_of(client.get(reverse("campaigns:unit_list")))
    assert body.count("下属中队") == rows


@pytest.mark.parametrize("rows", [1, 30])
def test_unit_detail_query_count_does_not_grow(
    rows, own_unit, city, own_staff, client_for, django_assert_max_num_queries
):
    OfficerFactory.create_batch(rows, unit=own_unit)
    OrgUnitFactory.create_batch(rows, parent=own_unit)
    make_campaigns(rows, city, [own_unit])
    client = client_for(own_staff)
    with django_assert_max_num_queries(9):
        body = body_of(client.get(reverse("campaigns:unit_detail", args=[own_unit.pk])))
    assert body.count("/edit/") == 2 * rows  # the name and the edit button link to the form


@pytest.mark.parametrize("rows", [1, 30])
def test_campaign_detail_query_count_does_not_grow(
    rows, campaign, leadership, city, reviewer, client_for, django_assert_max_num_queries
):
    for i in range(rows):
        TaskPlanEntry.objects.create(
            campaign=campaign, seq=i + 1, indicator=f"指标{i}", content="x"
        )
        LeadershipMember.objects.create(group=leadership, name=f"成员{i}", role=LeaderRole.MEMBER)
        ParticipationFactory(campaign=campaign, unit=OrgUnitFactory(parent=city))
    client = client_for(reviewer)
    with django_assert_max_num_queries(11):
        body = body_of(client.get(reverse("campaigns:campaign_detail", args=[campaign.pk])))
    assert f"指标{rows - 1}" in body


def test_healthz_answers_without_database(client):
    # No `db` fixture: pytest-django makes any database access here raise.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert client.head("/healthz").status_code == 200


def test_campaign_list_is_ordered_by_year_then_title(city, reviewer, client_for):
    # The unit count is an aggregate, and Django drops Meta.ordering from GROUP BY queries.
    for year, title in ((2021, "乙活动"), (2024, "丙活动"), (2021, "甲活动")):
        CampaignFactory(issuing_unit=city, year=year, title=title)
    body = body_of(client_for(reviewer).get(reverse("campaigns:campaign_list")))
    positions = [body.index(title) for title in ("丙活动", "乙活动", "甲活动")]
    assert positions == sorted(positions)


# --- English ----------------------------------------------------------------------------------


def test_english_switch_shows_english_navigation_and_headings(
    phased_campaign, own_staff, client_for
):
    client = client_for(own_staff)
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("home")}, follow=True
    )
    body = body_of(response)
    assert '<html lang="en">' in body
    assert "<h1>Dashboard</h1>" in body
    assert "Campaigns of my unit" in body
    assert ">Campaigns</a>" in body and ">My unit</a>" in body and "Sign out" in body
    assert "Self-assessment and nomination" in body  # the phase name, from the enum labels
    assert "7 days left" in body
    detail = body_of(client.get(reverse("campaigns:campaign_detail", args=[phased_campaign.pk])))
    assert "Phases" in detail and "Task plan" in detail and "Leadership group" in detail
    # And back to Chinese.
    body = body_of(
        client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"}, follow=True)
    )
    assert "<h1>工作台</h1>" in body


def test_english_login_and_lockout_pages(client, own_staff):
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert "<h1>Sign in</h1>" in body_of(client.get(reverse("login")))
    for _ in range(3):
        response = client.post(reverse("login"), {"username": "own_staff", "password": "x"})
    assert "Account temporarily locked" in response.content.decode()


def test_every_enum_label_has_an_english_translation():
    from django.utils import translation

    from accounts.enums import Role
    from campaigns.enums import GroupMemberRole, UnitKind

    enums = (Role, UnitKind, CampaignStatus, PhaseKind, LeaderRole, GroupMemberRole)
    enums += (WorkingGroupKind,)
    with translation.override("en"):
        missing = [
            str(label)
            for enum in enums
            for label in enum.labels
            if translation.gettext(str(label)) == str(label)
        ]
    assert missing == []
