"""The office's and leadership's pages: who sees what, the actions through the views, and the
query counts of the list pages (1 and 3 items)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from campaigns.enums import CampaignStatus
from publication import services
from publication.enums import ApprovalStatus, ObjectionStatus
from publication.models import Notice, ShortlistApproval
from tests.factories import CampaignFactory
from tests.publication.conftest import selected_entry


def _objection(notice, n=0):
    return services.file_objection(
        notice=notice,
        entry_id=selected_entry(notice).pk,
        objector_name=f"反映人{n}",
        objector_phone=f"1390000000{n}",
        content="反映该候选人存在不廉洁行为，具体见附件说明。",
        client_address="10.0.0.1",
    )


# --- access ----------------------------------------------------------------------------------


def test_campaign_page_personas(
    client_for, client, campaign, pin, campaign_admin, leader, reviewer, own_staff
):
    url = reverse("publication:campaign", args=[campaign.pk])
    assert client.get(url).status_code == 302  # to the login page
    assert client_for(own_staff).get(url).status_code == 404
    for user in (campaign_admin, leader, reviewer):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert (b"submit/" in response.content) == (user == campaign_admin)


def test_objections_are_for_the_office_only(
    client_for, notice, campaign_admin, leader, reviewer, own_staff
):
    objection = _objection(notice)
    for url in (
        reverse("publication:objections", args=[notice.pk]),
        reverse("publication:objection", args=[objection.pk]),
    ):
        assert client_for(own_staff).get(url).status_code == 404
        assert client_for(leader).get(url).status_code == 403
        assert client_for(reviewer).get(url).status_code == 403
        response = client_for(campaign_admin).get(url)
        assert response.status_code == 200 and "反映人0" in response.content.decode()


def test_results_and_archive_are_404_for_branch_staff(client_for, campaign, own_staff):
    assert (
        client_for(own_staff).get(reverse("publication:results", args=[campaign.pk])).status_code
        == 404
    )
    assert client_for(own_staff).get(reverse("publication:archive")).status_code == 404


# --- actions through the views ---------------------------------------------------------------


def test_submit_approve_publish_through_the_views(client, pin, campaign_admin, leader):
    client.force_login(campaign_admin)
    response = client.post(reverse("publication:submit", args=[pin.pk]), {"note": "请审定"})
    approval = ShortlistApproval.objects.get()
    assert response.status_code == 302 and approval.note == "请审定"
    # The office cannot approve.
    url = reverse("publication:decide", args=[approval.pk])
    assert client.post(url, {"decision": "approve"}).status_code == 403
    client.force_login(leader)
    assert client.post(url, {"decision": "approve", "comments": "同意"}).status_code == 302
    approval.refresh_from_db()
    assert (approval.status, approval.decided_by) == (ApprovalStatus.APPROVED, leader)
    client.force_login(campaign_admin)
    start = timezone.localtime().replace(second=0, microsecond=0)
    response = client.post(
        reverse("publication:publish", args=[approval.pk]),
        {
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
            "how_to_object": "举报电话 12345",
        },
    )
    notice = Notice.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/gongshi/{notice.pk}/")
    assert notice.published_by == campaign_admin and notice.approval == approval


def test_approving_a_stale_snapshot_in_the_view_shows_the_message(
    client, approval, leader, campaign, campaign_admin, officers, django_capture_on_commit_callbacks
):
    from tests.publication.conftest import score

    with django_capture_on_commit_callbacks(execute=True):
        score(campaign, officers[3], 10, campaign_admin)
    client.force_login(leader)
    response = client.post(
        reverse("publication:decide", args=[approval.pk]), {"decision": "approve"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "不是当前结果，不能审定" in html
    assert ShortlistApproval.objects.get(pk=approval.pk).status == ApprovalStatus.SUBMITTED


def test_publish_period_backwards_is_refused(client, approved, campaign_admin):
    client.force_login(campaign_admin)
    response = client.post(
        reverse("publication:publish", args=[approved.pk]),
        {"starts_at": "2026-01-10T09:00", "ends_at": "2026-01-01T09:00", "how_to_object": "电话"},
    )
    assert response.status_code == 400
    assert "公示结束时间必须晚于开始时间" in response.content.decode()
    assert not Notice.objects.exists()


def test_upholding_in_the_view_vetoes_on_the_ranking_page(
    client, notice, pin, campaign_admin, django_capture_on_commit_callbacks
):
    objection = _objection(notice)
    client.force_login(campaign_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("publication:objection", args=[objection.pk]),
            {
                "status": ObjectionStatus.UPHELD,
                "investigation": "监察室调查属实。",
                "outcome": "收受礼品属实，移出候选名单。",
                "veto_key": "integrity_violation_found",
            },
        )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.UPHELD and objection.handled_by == campaign_admin
    ranking = client.get(reverse("scoring:ranking", args=[pin.pk])).content.decode()
    assert "一票否决" in ranking and "经查确实存在不廉洁行为，直接移出候选名单" in ranking


def test_attachment_download_is_checked(client_for, notice, campaign_admin, leader):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.publication.test_objections import PDF

    objection = services.file_objection(
        notice=notice,
        entry_id=selected_entry(notice).pk,
        objector_name="甲",
        objector_phone="1",
        content="附件为现场照片及说明材料。",
        files=[SimpleUploadedFile("现场.pdf", PDF)],
    )
    url = reverse("publication:attachment", args=[objection.attachments.get().pk])
    assert client_for(leader).get(url).status_code == 403
    response = client_for(campaign_admin).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"


# --- results ---------------------------------------------------------------------------------


def test_results_page_shows_the_approved_list_and_the_export_link(
    client_for, campaign, notice, leader, campaign_admin
):
    objection = _objection(notice)
    services.record_investigation(
        objection=objection,
        actor=campaign_admin,
        status=ObjectionStatus.UPHELD,
        investigation="属实",
        outcome="移出",
        veto_key="integrity_violation_found",
    )
    response = client_for(leader).get(reverse("publication:results", args=[campaign.pk]))
    html = response.content.decode()
    [result] = response.context["results"]
    assert [(r.name, r.removed) for r in result.rows] == [("张一", True), ("张二", False)]
    assert result.quota_label == "前 2 名"
    assert result.stale  # the veto changed the results: the office submits again
    assert "请活动管理员重新报送审定" in html
    assert "经公示异议核查移出" in html
    assert reverse("spreadsheets:exports", args=[campaign.pk]) in html


def test_archive_lists_closed_and_archived_campaigns(client_for, campaign, city, reviewer):
    CampaignFactory(
        issuing_unit=city, title="2021年旧活动", year=2021, status=CampaignStatus.ARCHIVED
    )
    CampaignFactory(
        issuing_unit=city, title="2023年旧活动", year=2023, status=CampaignStatus.CLOSED
    )
    response = client_for(reviewer).get(reverse("publication:archive"))
    titles = [a.campaign.title for a in response.context["campaigns"]]
    assert titles == ["2023年旧活动", "2021年旧活动"]  # the active one is not archived


# --- query counts (1 and 3 items) ------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 3])
def test_objection_list_query_count(
    client, notice, campaign_admin, count, django_assert_max_num_queries
):
    for n in range(count):
        _objection(notice, n)
    client.force_login(campaign_admin)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("publication:objections", args=[notice.pk]))
    assert len(response.context["rows"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_archive_query_count(client, city, reviewer, count, django_assert_max_num_queries):
    for n in range(count):
        CampaignFactory(issuing_unit=city, year=2020 + n, status=CampaignStatus.ARCHIVED)
    client.force_login(reviewer)
    with django_assert_max_num_queries(7):  # session, user, nav badge, 2 lists
        response = client.get(reverse("publication:archive"))
    assert len(response.context["campaigns"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_campaign_page_and_results_query_count(
    client, pin, campaign_admin, leader, count, django_assert_max_num_queries
):
    for _ in range(count):
        approval = services.submit_for_approval(campaign_rubric=pin, actor=campaign_admin)
    services.approve(approval=approval, actor=leader)
    client.force_login(leader)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("publication:campaign", args=[pin.campaign_id]))
    assert len(response.context["statuses"][0].history) == count
    # session, user, nav badge, campaign, pins, approvals, upheld, entries, 2 × staleness …
    with django_assert_max_num_queries(11):
        response = client.get(reverse("publication:results", args=[pin.campaign_id]))
    assert len(response.context["results"][0].rows) == 2


@pytest.mark.parametrize("model", ["shortlistapproval", "notice", "objection"])
def test_admin_changelists_open_read_only(client, city, notice, model):
    from tests.factories import UserFactory

    root = UserFactory(
        username="root", unit=city, role=Role.CAMPAIGN_ADMIN, is_staff=True, is_superuser=True
    )
    client.force_login(root)
    admin_client = client
    _objection(notice)
    response = admin_client.get(reverse(f"admin:publication_{model}_changelist"))
    assert response.status_code == 200
    assert reverse(f"admin:publication_{model}_add").encode() not in response.content


def test_results_per_category_quota_seed_003(
    client_for, campaign, pin, officers, campaign_admin, leader, django_capture_on_commit_callbacks
):
    """Seed 003 recommends per category: here 1 from the 支队-type units and 1 county."""
    from scoring.services import evaluate_campaign, register_candidate, set_shortlist_rules

    set_shortlist_rules(
        campaign_rubric=pin, actor=campaign_admin, category_quotas={"市局直属": 1, "县市区": 1}
    )
    with django_capture_on_commit_callbacks(execute=True):
        for officer, category in zip(
            officers, ["市局直属", "市局直属", "县市区", "县市区"], strict=True
        ):
            register_candidate(
                campaign_rubric=pin, officer=officer, category=category, actor=campaign_admin
            )
    evaluate_campaign(campaign=campaign)
    approval = services.submit_for_approval(campaign_rubric=pin, actor=campaign_admin)
    services.approve(approval=approval, actor=leader)
    response = client_for(leader).get(reverse("publication:results", args=[campaign.pk]))
    [result] = response.context["results"]
    assert result.quota_label == "县市区 1 名；市局直属 1 名"
    assert [(r.name, r.category) for r in result.recommended] == [
        ("张一", "市局直属"),
        ("张三", "县市区"),
    ]


def test_publish_form_defaults_to_the_campaign_notice_phase(
    client_for, approved, campaign, campaign_admin
):
    from campaigns.enums import PhaseKind
    from tests.factories import PhaseFactory

    start = timezone.now() + dt.timedelta(days=20)
    PhaseFactory(
        campaign=campaign,
        kind=PhaseKind.PUBLIC_NOTICE,
        starts_at=start,
        ends_at=start + dt.timedelta(days=7),
    )
    response = client_for(campaign_admin).get(reverse("publication:approval", args=[approved.pk]))
    form = response.context["publish_form"]
    assert form.initial["starts_at"] == timezone.localtime(start)
    assert response.context["may_publish"]
