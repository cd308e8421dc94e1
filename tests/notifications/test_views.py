"""The notices page, mark-as-read, the unread badge and the office's "send now" button."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications.enums import NoticeKind
from notifications.models import Notice
from notifications.services import post_notice


def _post(**kwargs):
    kwargs.setdefault("kind", NoticeKind.MESSAGE)
    kwargs.setdefault("title", "测试通知")
    return post_notice(**kwargs)[0]


def test_staff_see_their_own_and_their_units_notices_only(
    client_for, own_staff, other_staff, own_unit, other_unit
):
    mine = _post(user=own_staff, title="给我的")
    units = _post(unit=own_unit, title="给本单位的")
    _post(unit=other_unit, title="给乙分局的")
    _post(user=other_staff, title="给别人的")
    response = client_for(own_staff).get(reverse("notifications:list"))
    assert set(response.context["notices"]) == {mine, units}
    page = response.content.decode()
    assert "给乙分局的" not in page and "给别人的" not in page


def test_mark_read_and_404_for_someone_elses_notice(client_for, own_staff, other_unit, own_unit):
    notice = _post(unit=own_unit, link="/dashboard/")
    foreign = _post(unit=other_unit)
    client = client_for(own_staff)
    response = client.post(reverse("notifications:read", args=[notice.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    notice.refresh_from_db()
    assert notice.read_by == own_staff and notice.read_at is not None
    assert client.post(reverse("notifications:read", args=[foreign.pk])).status_code == 404
    foreign.refresh_from_db()
    assert foreign.read_at is None
    assert client.get(reverse("notifications:read", args=[notice.pk])).status_code == 405


def test_read_all_marks_only_visible_notices(client_for, reviewer, leader):
    for _ in range(3):
        _post(user=reviewer)
    others = _post(user=leader)
    client_for(reviewer).post(reverse("notifications:read_all"))
    assert not Notice.objects.filter(user=reviewer, read_at__isnull=True).exists()
    others.refresh_from_db()
    assert others.read_at is None


def test_badge_shows_unread_count(client_for, leader):
    for _ in range(2):
        _post(user=leader)
    page = client_for(leader).get(reverse("home")).content.decode()
    assert "2 条未读" in page


def test_badge_counts_unit_notices_for_staff_in_the_header_query(
    client_for, own_staff, own_unit, other_unit, django_assert_max_num_queries
):
    _post(unit=own_unit)
    _post(user=own_staff)
    _post(unit=other_unit)
    read = _post(unit=own_unit)
    read.read_at = read.created_at
    read.save(update_fields=["read_at"])
    client = client_for(own_staff)
    # session, user, the header's unit with both counts, the page's count and rows: the badge
    # adds no query of its own.
    with django_assert_max_num_queries(5):
        page = client.get(reverse("notifications:list")).content.decode()
    assert "2 条未读" in page
    assert own_unit.name in page or own_unit.label in page


def test_links_must_stay_on_the_site(own_staff):
    with pytest.raises(ValueError, match="本站"):
        _post(user=own_staff, link="https://evil.example/")
    with pytest.raises(ValueError, match="本站"):
        _post(user=own_staff, link="//evil.example/")


def test_notice_has_exactly_one_recipient(own_staff, own_unit):
    with pytest.raises(ValueError):
        _post(user=own_staff, unit=own_unit)


@pytest.mark.parametrize("count", [1, 3])
def test_notice_list_query_count(
    count, client_for, own_staff, own_unit, campaign, django_assert_max_num_queries
):
    for _ in range(count):
        _post(unit=own_unit, campaign=campaign)
        _post(user=own_staff)
    client = client_for(own_staff)
    # session, user, the header's unit with the badge's count, page count, page rows
    with django_assert_max_num_queries(5):
        response = client.get(reverse("notifications:list"))
    assert len(response.context["notices"]) == 2 * count


def test_send_now_is_for_the_office(
    client_for, campaign_admin, own_staff, campaign, phase, own_unit, other_unit
):
    from scoring.services import register_candidate
    from tests.dashboard.helpers import pin_collective

    pin = pin_collective(campaign, campaign_admin)
    register_candidate(campaign_rubric=pin, unit=own_unit, actor=campaign_admin)
    url = reverse("notifications:send_now", args=[campaign.pk])
    assert client_for(own_staff).post(url).status_code == 403
    assert not Notice.objects.exists()
    response = client_for(campaign_admin).post(url)
    assert response.status_code == 302
    assert list(Notice.objects.values_list("unit", flat=True)) == [own_unit.pk]
    client_for(campaign_admin).post(url)  # again: nothing new
    assert Notice.objects.count() == 1
