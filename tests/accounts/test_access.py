"""Access to every page and object URL, tried with the personas of tests/conftest.py (STYLE.md
#5): the owner unit's staff see and change their own things, another unit's staff get 404 and
change nothing, read-only roles (reviewer, leadership) read but get 403 on writes, and
anonymous visitors are sent to the login page."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from accounts import access
from accounts.enums import Role
from campaigns.models import Officer
from tests.factories import (
    CampaignFactory,
    OfficerFactory,
    OrgUnitFactory,
    ParticipationFactory,
    UserFactory,
)

# WhiteNoise warns when STATIC_ROOT (var/static) has not been collected, and the suite turns
# warnings into errors. The proper fix is in portal/settings/test.py (see the report).


@pytest.fixture
def own_campaign(city, own_unit, campaign):
    """A campaign only the owner unit takes part in (`campaign` has both branches)."""
    c = CampaignFactory(issuing_unit=city, title="甲分局专项练兵")
    ParticipationFactory(campaign=c, unit=own_unit, individual_quota=3)
    return c


@pytest.fixture
def officer(own_unit):
    return OfficerFactory(unit=own_unit, name="张执法", certificate_no="37090001", post="科员")


@pytest.fixture
def objects(own_campaign, own_unit, officer):
    return {
        "campaigns:campaign_detail": own_campaign,
        "campaigns:unit_detail": own_unit,
        "campaigns:officer_create": own_unit,
        "campaigns:officer_edit": officer,
    }


# What each object page shows its owner, so a 200 is checked against the right content.
OWNER_SEES = {
    "campaigns:campaign_detail": "甲分局专项练兵",
    "campaigns:unit_detail": "张执法",
    "campaigns:officer_create": "添加执法人员",
    "campaigns:officer_edit": "37090001",
}
READ_URLS = ["campaigns:campaign_detail", "campaigns:unit_detail"]
WRITE_URLS = ["campaigns:officer_create", "campaigns:officer_edit"]
OBJECT_URLS = READ_URLS + WRITE_URLS
PAGE_URLS = ["home", "campaigns:campaign_list", "campaigns:unit_list"]


def url_for(name, objects):
    return reverse(name, args=[objects[name].pk]) if name in objects else reverse(name)


def officer_rows():
    """Every officer as plain values: the 'nothing changed' check for refused writes."""
    return list(
        Officer.objects.order_by("pk").values_list(
            "pk", "name", "unit_id", "certificate_no", "post", "is_active"
        )
    )


# --- GET: owner, another unit, read-only roles, anonymous -------------------------------------


@pytest.mark.parametrize("name", OBJECT_URLS)
def test_object_page_owner_sees_it(name, objects, own_staff, client_for):
    response = client_for(own_staff).get(url_for(name, objects))
    assert response.status_code == 200
    assert OWNER_SEES[name] in response.content.decode()


@pytest.mark.parametrize("name", OBJECT_URLS)
def test_object_page_other_unit_gets_404(name, objects, other_staff, client_for):
    before = officer_rows()
    response = client_for(other_staff).get(url_for(name, objects))
    assert response.status_code == 404
    assert OWNER_SEES[name] not in response.content.decode()
    assert officer_rows() == before


@pytest.mark.parametrize("persona", ["reviewer", "leader", "campaign_admin"])
@pytest.mark.parametrize("name", READ_URLS)
def test_read_page_readers_see_it(name, persona, objects, request, client_for):
    response = client_for(request.getfixturevalue(persona)).get(url_for(name, objects))
    assert response.status_code == 200
    assert OWNER_SEES[name] in response.content.decode()


@pytest.mark.parametrize("persona", ["reviewer", "leader"])
@pytest.mark.parametrize("name", WRITE_URLS)
def test_write_page_read_only_roles_get_403(name, persona, objects, request, client_for):
    response = client_for(request.getfixturevalue(persona)).get(url_for(name, objects))
    assert response.status_code == 403
    assert "无权操作" in response.content.decode()


@pytest.mark.parametrize("name", WRITE_URLS)
def test_write_page_campaign_admin_gets_form(name, objects, campaign_admin, client_for):
    response = client_for(campaign_admin).get(url_for(name, objects))
    assert response.status_code == 200
    assert 'name="certificate_no"' in response.content.decode()


@pytest.mark.parametrize("name", OBJECT_URLS + PAGE_URLS)
def test_every_page_anonymous_redirects_to_login(name, objects, client):
    url = url_for(name, objects)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("name", WRITE_URLS)
def test_write_post_anonymous_redirects_and_changes_nothing(name, objects, client):
    before = officer_rows()
    response = client.post(url_for(name, objects), {"name": "匿名"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert officer_rows() == before


@pytest.mark.parametrize("name", PAGE_URLS)
def test_list_page_owner_sees_own_things(name, objects, own_staff, client_for):
    body = client_for(own_staff).get(reverse(name)).content.decode()
    expected = {"campaigns:unit_list": "甲分局"}.get(name, "甲分局专项练兵")
    assert expected in body


@pytest.mark.parametrize("name", PAGE_URLS)
def test_list_page_other_unit_sees_none_of_it(name, objects, other_staff, client_for):
    response = client_for(other_staff).get(reverse(name))
    body = response.content.decode()
    assert response.status_code == 200
    assert "甲分局专项练兵" not in body
    assert reverse("campaigns:unit_detail", args=[objects["campaigns:unit_detail"].pk]) not in body


@pytest.mark.parametrize("name", PAGE_URLS)
def test_list_page_reviewer_sees_every_unit_and_campaign(name, objects, reviewer, client_for):
    body = client_for(reviewer).get(reverse(name)).content.decode()
    if name == "campaigns:unit_list":
        assert "甲分局" in body
        assert "乙分局" in body
    elif name == "campaigns:campaign_list":
        assert "甲分局专项练兵" in body
        assert "测试练兵活动" in body
    else:  # the reviewer's home lists campaigns with a review phase; see test_views
        assert "复审安排" in body


# --- POST: officer create and edit ------------------------------------------------------------


def test_officer_create_owner_adds_officer(own_unit, own_staff, client_for):
    response = client_for(own_staff).post(
        reverse("campaigns:officer_create", args=[own_unit.pk]),
        {"name": "李新", "certificate_no": " 37099999 ", "post": "执法队员"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:unit_detail", args=[own_unit.pk])
    officer = Officer.objects.get()
    assert (officer.name, officer.unit, officer.certificate_no, officer.post) == (
        "李新",
        own_unit,
        "37099999",
        "执法队员",
    )
    assert officer.is_active


def test_officer_create_other_unit_gets_404_and_nothing_is_added(
    own_unit, officer, other_staff, client_for
):
    before = officer_rows()
    response = client_for(other_staff).post(
        reverse("campaigns:officer_create", args=[own_unit.pk]), {"name": "冒名"}
    )
    assert response.status_code == 404
    assert officer_rows() == before


@pytest.mark.parametrize("persona", ["reviewer", "leader"])
def test_officer_create_read_only_role_gets_403_and_nothing_is_added(
    persona, own_unit, officer, request, client_for
):
    before = officer_rows()
    response = client_for(request.getfixturevalue(persona)).post(
        reverse("campaigns:officer_create", args=[own_unit.pk]), {"name": "评审员加的"}
    )
    assert response.status_code == 403
    assert officer_rows() == before


def test_officer_edit_owner_changes_fields(officer, own_staff, client_for):
    response = client_for(own_staff).post(
        reverse("campaigns:officer_edit", args=[officer.pk]),
        {"name": "张执法", "certificate_no": "37090002", "post": "副大队长"},
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert (officer.certificate_no, officer.post, officer.is_active) == (
        "37090002",
        "副大队长",
        False,  # the unchecked box means "no longer on post"
    )


def test_officer_edit_other_unit_gets_404_and_nothing_changes(officer, other_staff, client_for):
    before = officer_rows()
    response = client_for(other_staff).post(
        reverse("campaigns:officer_edit", args=[officer.pk]),
        {"name": "改名", "certificate_no": "1", "post": "", "is_active": "on"},
    )
    assert response.status_code == 404
    assert officer_rows() == before


@pytest.mark.parametrize("persona", ["reviewer", "leader"])
def test_officer_edit_read_only_role_gets_403_and_nothing_changes(
    persona, officer, request, client_for
):
    before = officer_rows()
    response = client_for(request.getfixturevalue(persona)).post(
        reverse("campaigns:officer_edit", args=[officer.pk]),
        {"name": "改名", "certificate_no": "1", "post": "", "is_active": "on"},
    )
    assert response.status_code == 403
    assert officer_rows() == before


def test_officer_create_campaign_admin_may_add_to_any_unit(other_unit, campaign_admin, client_for):
    response = client_for(campaign_admin).post(
        reverse("campaigns:officer_create", args=[other_unit.pk]), {"name": "王支队"}
    )
    assert response.status_code == 302
    assert Officer.objects.get().unit == other_unit


def test_officer_edit_missing_officer_is_404(own_staff, client_for):
    assert (
        client_for(own_staff).get(reverse("campaigns:officer_edit", args=[999999])).status_code
        == 404
    )


# --- the helpers themselves -------------------------------------------------------------------


def test_get_unit_for_user_staff_of_parent_sees_child_but_not_sibling(own_unit, other_unit):
    team = OrgUnitFactory(name="甲分局一中队", parent=own_unit)
    grandchild = OrgUnitFactory(name="甲分局一中队一组", parent=team)
    staff = UserFactory(role=Role.BRANCH_STAFF, unit=own_unit)
    assert access.get_unit_for_user(staff, team.pk) == team
    assert access.get_unit_for_user(staff, grandchild.pk) == grandchild
    with pytest.raises(Http404):
        access.get_unit_for_user(staff, other_unit.pk)


def test_get_unit_for_user_staff_of_child_does_not_see_parent(own_unit):
    team = OrgUnitFactory(name="甲分局一中队", parent=own_unit)
    staff = UserFactory(role=Role.BRANCH_STAFF, unit=team)
    with pytest.raises(Http404):
        access.get_unit_for_user(staff, own_unit.pk)
    assert list(access.units_visible_to(staff)) == [team]


def test_get_campaign_for_user_write_is_for_campaign_admins_only(
    own_campaign, own_staff, other_staff, reviewer, leader, campaign_admin
):
    with pytest.raises(PermissionDenied):
        access.get_campaign_for_user(own_staff, own_campaign.pk, write=True)
    with pytest.raises(Http404):
        access.get_campaign_for_user(other_staff, own_campaign.pk, write=True)
    for read_only in (reviewer, leader):
        assert access.get_campaign_for_user(read_only, own_campaign.pk) == own_campaign
        with pytest.raises(PermissionDenied):
            access.get_campaign_for_user(read_only, own_campaign.pk, write=True)
    assert access.get_campaign_for_user(campaign_admin, own_campaign.pk, write=True) == own_campaign


def test_get_officer_for_user_follows_the_officers_unit(officer, own_staff, other_staff, reviewer):
    assert access.get_officer_for_user(own_staff, officer.pk, write=True) == officer
    with pytest.raises(Http404):
        access.get_officer_for_user(other_staff, officer.pk)
    assert access.get_officer_for_user(reviewer, officer.pk) == officer
    with pytest.raises(PermissionDenied):
        access.get_officer_for_user(reviewer, officer.pk, write=True)


def test_superuser_reads_and_writes_everything(officer, own_campaign, other_unit):
    # Even with the default role and another unit, a superuser is not scoped to that unit.
    root = UserFactory(username="root", role=Role.BRANCH_STAFF, is_superuser=True, unit=other_unit)
    assert access.get_officer_for_user(root, officer.pk, write=True) == officer
    assert access.get_campaign_for_user(root, own_campaign.pk, write=True) == own_campaign


def test_inactive_and_anonymous_users_see_nothing(own_staff, own_campaign, own_unit):
    from django.contrib.auth.models import AnonymousUser

    own_staff.is_active = False
    for user in (own_staff, AnonymousUser()):
        assert not access.campaigns_visible_to(user).exists()
        assert not access.units_visible_to(user).exists()
        with pytest.raises(Http404):
            access.get_unit_for_user(user, own_unit.pk)


def test_campaigns_visible_to_staff_lists_each_campaign_once(own_unit, own_campaign):
    team = OrgUnitFactory(name="甲分局一中队", parent=own_unit)
    ParticipationFactory(campaign=own_campaign, unit=team)
    staff = UserFactory(role=Role.BRANCH_STAFF, unit=own_unit)
    assert list(access.campaigns_visible_to(staff)).count(own_campaign) == 1
