"""The publication demo: approved lists and a public notice for 泰安 2021, loaded idempotently."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from publication.enums import ApprovalStatus
from publication.models import ApprovalEntry, Notice, ShortlistApproval


@pytest.fixture
def demo(db):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_demo_approves_both_lists_and_publishes_a_notice_once(demo, client):
    assert "审定与公示演示" in demo
    approvals = list(ShortlistApproval.objects.order_by("campaign_rubric__rubric_key"))
    assert [a.status for a in approvals] == [ApprovalStatus.APPROVED] * 2
    assert [a.decided_by.username for a in approvals] == ["leader", "leader"]
    counts = [ApprovalEntry.objects.filter(approval=a, selected=True).count() for a in approvals]
    assert counts == [3, 5]  # seed 000: 3 collectives, 5 individuals
    notice = Notice.objects.get()
    snapshot = (
        ShortlistApproval.objects.count(),
        ApprovalEntry.objects.count(),
        Notice.objects.count(),
    )
    call_command("load_demo", stdout=io.StringIO())
    assert (
        ShortlistApproval.objects.count(),
        ApprovalEntry.objects.count(),
        Notice.objects.count(),
    ) == snapshot
    response = client.get(reverse("publication:notice_public", args=[notice.pk]))
    assert response.status_code == 200 and len(response.context["rows"]) == 5
    assert response.context["state"] == "closed"


def test_demo_results_and_archive(demo, client):
    from accounts.models import User

    client.force_login(User.objects.get(username="leader"))
    archive = client.get(reverse("publication:archive"))
    years = [a.campaign.year for a in archive.context["campaigns"]]
    assert years == [2024, 2021]
    ta2021 = next(a.campaign for a in archive.context["campaigns"] if a.campaign.year == 2021)
    results = client.get(reverse("publication:results", args=[ta2021.pk])).context["results"]
    assert [len(r.recommended) for r in results] == [3, 5]
