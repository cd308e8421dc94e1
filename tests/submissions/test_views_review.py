"""The reviewer queue and one claim's review: filters, accept / adjust / return, bulk accept,
own-unit refusal, stale versions, and the queue's query count."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from scoring.models import Fact
from scoring.services import register_candidate
from submissions.enums import ClaimStatus
from submissions.models import Claim
from submissions.services import save_claim, transition
from tests.factories import OrgUnitFactory, ParticipationFactory, UserFactory

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

QUEUE = reverse("submissions:review_queue")


def submitted_claim(candidate, staff, item="cases_pts", values=None):
    claim = save_claim(
        candidate=candidate,
        item_id=item,
        values=values or {"cases": 6},
        actor=staff,
        expected_version=0,
    )
    return transition(claim=claim, to=ClaimStatus.SUBMITTED, actor=staff, expected_version=1)


@pytest.fixture
def claim(own_candidate, own_staff):
    return submitted_claim(own_candidate, own_staff)


def review_url(claim):
    return reverse("submissions:claim_review", args=[claim.pk])


def test_queue_lists_submitted_claims_with_points(client_for, reviewer, claim):
    response = client_for(reviewer).get(QUEUE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "甲分局" in html
    assert "案件办理 · 办理案件" in html
    assert "办理案件数：<strong>6 件</strong>" in html
    assert f'data-testid="claimed-{claim.pk}">3.00<' in html


def test_queue_filters_by_unit_indicator_status(
    client_for, reviewer, claim, other_candidate, other_staff, other_unit
):
    other = submitted_claim(other_candidate, other_staff, "equip_pts", {"equip_ratio": "0.96"})
    client = client_for(reviewer)
    by_unit = client.get(QUEUE, {"unit": other_unit.pk})
    assert [c.pk for c in by_unit.context["claims"]] == [other.pk]
    by_indicator = client.get(QUEUE, {"indicator": "cases_ind"})
    assert [c.pk for c in by_indicator.context["claims"]] == [claim.pk]
    by_status = client.get(QUEUE, {"status": "accepted"})
    assert list(by_status.context["claims"]) == []


@pytest.mark.parametrize("persona", ["own_staff", "other_staff", "leader"])
def test_queue_refused_to_non_reviewers(client_for, persona, request, claim):
    response = client_for(request.getfixturevalue(persona)).get(QUEUE)
    assert response.status_code == 403


def test_accept_through_page_records_fact(
    client_for, reviewer, claim, own_unit, campaign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(reviewer).post(
            review_url(claim),
            {"action": "accept", "version": claim.version, "evidence_checked": "on"},
        )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ACCEPTED
    assert claim.reviewed_by == reviewer
    assert Fact.objects.get(campaign=campaign, unit=own_unit, key="cases").value == 6


def test_adjust_needs_reason_and_keeps_claim(client_for, reviewer, claim):
    client = client_for(reviewer)
    response = client.post(
        review_url(claim), {"action": "adjust", "version": claim.version, "v-cases": "3"}
    )
    assert response.status_code == 200
    assert "调整须说明理由" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    response = client.post(
        review_url(claim),
        {"action": "adjust", "version": claim.version, "v-cases": "3", "comment": "三件重复"},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.values, claim.verified_values) == (
        ClaimStatus.ADJUSTED,
        {"cases": 6},
        {"cases": 3},
    )
    assert claim.verified_points == Decimal("1.5")


def test_return_needs_comment(client_for, reviewer, claim):
    client = client_for(reviewer)
    client.post(review_url(claim), {"action": "return", "version": claim.version})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    client.post(
        review_url(claim),
        {"action": "return", "version": claim.version, "comment": "请补充立案决定书"},
    )
    claim.refresh_from_db()
    assert (claim.status, claim.review_comment) == (ClaimStatus.RETURNED, "请补充立案决定书")


def test_stale_review_refused_with_current_state(client_for, reviewer, claim):
    response = client_for(reviewer).post(
        review_url(claim), {"action": "accept", "version": claim.version - 1}
    )
    assert response.status_code == 409
    assert "该条目已被他人修改，请刷新后重试。" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED


def test_reviewer_of_own_unit_refused(client_for, claim, own_unit):
    colleague = UserFactory(username="own_rev", role="reviewer", unit=own_unit)
    client = client_for(colleague)
    page = client.get(review_url(claim))
    assert "请由其他评审员复核" in page.content.decode()
    response = client.post(review_url(claim), {"action": "accept", "version": claim.version})
    assert "不能复核本单位的申报" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED


def test_bulk_accept_only_evidence_checked(client_for, reviewer, own_candidate, own_staff):
    first = submitted_claim(own_candidate, own_staff, "cases_pts", {"cases": 2})
    second = submitted_claim(own_candidate, own_staff, "drill_pts", {"drill_done": True})
    response = client_for(reviewer).post(
        reverse("submissions:bulk_accept"),
        {"claims": [first.pk, second.pk], "evidence_checked": [first.pk]},
        follow=True,
    )
    assert "已认定 1 个条目" in response.content.decode()
    assert Claim.objects.get(pk=first.pk).status == ClaimStatus.ACCEPTED
    assert Claim.objects.get(pk=second.pk).status == ClaimStatus.SUBMITTED


# Session, user, claims, evidence links, pins, campaigns, units (+ savepoints of the session).
QUEUE_QUERIES = 10


def _many_claims(n, campaign, collective_pin, campaign_admin, start=0):
    for i in range(start, start + n):
        unit = OrgUnitFactory(name=f"第{i}分局", code=f"QC-{i}")
        ParticipationFactory(campaign=campaign, unit=unit)
        staff = UserFactory(username=f"qc{i}", role="branch_staff", unit=unit)
        candidate = register_candidate(
            campaign_rubric=collective_pin, unit=unit, actor=campaign_admin
        )
        submitted_claim(candidate, staff)


@pytest.mark.parametrize("n", [1, 30])
def test_queue_query_count_constant(
    n,
    client_for,
    reviewer,
    campaign,
    collective_pin,
    campaign_admin,
    django_assert_max_num_queries,
):
    _many_claims(n, campaign, collective_pin, campaign_admin)
    client = client_for(reviewer)
    client.get(QUEUE)  # warm the rubric cache and the session
    with django_assert_max_num_queries(QUEUE_QUERIES):
        response = client.get(QUEUE)
    assert len(response.context["claims"]) == n


def test_queue_queries_same_for_1_and_30(
    client_for, reviewer, campaign, collective_pin, campaign_admin
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(reviewer)
    counts = []
    for n in (1, 29):
        _many_claims(n, campaign, collective_pin, campaign_admin, start=len(counts) * 100)
        client.get(QUEUE)
        with CaptureQueriesContext(connection) as queries:
            client.get(QUEUE)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= QUEUE_QUERIES


def test_review_page_shows_history_old_to_new(client_for, reviewer, own_staff, claim):
    client_for(reviewer).post(
        review_url(claim), {"action": "return", "version": claim.version, "comment": "请补充"}
    )
    claim.refresh_from_db()
    html = client_for(reviewer).get(review_url(claim)).content.decode()
    assert "退回：请补充" in html
    assert "状态：<del>已提交</del> → <ins>已退回</ins>" in html
    assert "提交" in html
