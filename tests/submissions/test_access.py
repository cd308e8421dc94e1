"""Three personas (the owner unit's staff, a reviewer, another unit's staff) and leadership on
every submissions URL — and for each refusal, nothing changed."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from submissions import access
from submissions.enums import ClaimStatus
from submissions.models import Claim, MonthlyReport, Nomination
from submissions.services import save_claim, transition
from submissions.services.nominations import nominate
from tests.factories import OfficerFactory

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")


@pytest.fixture
def claim(own_candidate, own_staff):
    draft = save_claim(
        candidate=own_candidate,
        item_id="cases_pts",
        values={"cases": 6},
        actor=own_staff,
        expected_version=0,
    )
    return transition(claim=draft, to=ClaimStatus.SUBMITTED, actor=own_staff, expected_version=1)


@pytest.fixture
def draft(own_candidate, own_staff):
    return save_claim(
        candidate=own_candidate,
        item_id="drill_pts",
        values={"drill_done": True},
        actor=own_staff,
        expected_version=0,
    )


@pytest.fixture
def nomination(individual_pin, own_unit, own_staff):
    officer = OfficerFactory(unit=own_unit, name="甲一")
    return nominate(
        campaign_rubric=individual_pin,
        officer=officer,
        actor=own_staff,
        answers={"has_valid_certificate": True},
    )


@pytest.fixture
def spare_officer(own_unit):
    return OfficerFactory(unit=own_unit, name="甲二")


def _urls(own_candidate, claim, individual_pin, campaign, nomination, spare_officer):
    return {
        "overview": ("get", reverse("submissions:campaign_overview", args=[campaign.pk]), {}),
        "form": ("get", reverse("submissions:self_assessment", args=[own_candidate.pk]), {}),
        "form_post": (
            "post",
            reverse("submissions:self_assessment", args=[own_candidate.pk]),
            {"action": "save", "i-drill_pts-version": "1", "i-drill_pts-drill_done": "false"},
        ),
        "preview": ("post", reverse("submissions:preview", args=[own_candidate.pk]), {}),
        "queue": ("get", reverse("submissions:review_queue"), {}),
        "bulk": (
            "post",
            reverse("submissions:bulk_accept"),
            {"claims": [claim.pk], "evidence_checked": [claim.pk]},
        ),
        "review": ("get", reverse("submissions:claim_review", args=[claim.pk]), {}),
        "review_post": (
            "post",
            reverse("submissions:claim_review", args=[claim.pk]),
            {"action": "accept", "version": claim.version},
        ),
        "nominations": ("get", reverse("submissions:nominations", args=[individual_pin.pk]), {}),
        "nominate_post": (
            "post",
            reverse("submissions:nominations", args=[individual_pin.pk]),
            {"officer": spare_officer.pk, "q_has_valid_certificate": "on"},
        ),
        "nomination_withdraw": (
            "post",
            reverse("submissions:nomination_withdraw", args=[nomination.pk]),
            {},
        ),
        "reports": ("get", reverse("submissions:unit_reports", args=[campaign.pk]), {}),
        "report_post": (
            "post",
            reverse("submissions:unit_reports", args=[campaign.pk]),
            {
                "kind": "statistics",
                "period": timezone.localdate().strftime("%Y-%m"),
                "content": "本月检查 12 家企业。",
            },
        ),
        "late_reports": ("get", reverse("submissions:late_reports", args=[campaign.pk]), {}),
    }


EXPECTED = {
    # own_staff, reviewer, other_staff, and leadership (reads everything, changes nothing)
    "overview": (200, 200, 200, 200),
    "form": (200, 200, 404, 200),
    "form_post": (302, 403, 404, 403),
    "preview": (200, 200, 404, 200),
    "queue": (403, 200, 403, 403),
    "bulk": (403, 302, 403, 403),
    "review": (403, 200, 404, 403),
    "review_post": (403, 302, 404, 403),
    "nominations": (200, 403, 200, 403),
    # another unit's officer is not among the other unit's choices: the form refuses (200)
    "nominate_post": (302, 403, 200, 403),
    "nomination_withdraw": (302, 403, 404, 403),
    "reports": (200, 403, 200, 403),
    # another unit's staff report for their own unit (the URL names the campaign, not a unit)
    "report_post": (302, 403, 302, 403),
    "late_reports": (403, 200, 403, 200),
}
PERSONAS = ["own_staff", "reviewer", "other_staff", "leader"]


@pytest.mark.parametrize("name", list(EXPECTED))
@pytest.mark.parametrize("persona_index", range(4), ids=PERSONAS)
def test_every_url_for_three_personas(
    name,
    persona_index,
    request,
    client_for,
    own_candidate,
    claim,
    draft,
    individual_pin,
    campaign,
    nomination,
    spare_officer,
    django_capture_on_commit_callbacks,
):
    user = request.getfixturevalue(PERSONAS[persona_index])
    urls = _urls(own_candidate, claim, individual_pin, campaign, nomination, spare_officer)
    method, url, data = urls[name]
    before = _state()
    with django_capture_on_commit_callbacks(execute=True):
        response = getattr(client_for(user), method)(url, data)
    expected = EXPECTED[name][persona_index]
    assert response.status_code == expected
    if expected >= 400 or method == "get" or name == "preview":
        assert _state() == before
    elif name == "nominate_post" and expected == 200:
        assert _state() == before
        assert "选择一个有效的选项" in response.content.decode()
    elif name == "nominate_post":
        assert Nomination.objects.get(officer=spare_officer).status == "active"
    elif name == "nomination_withdraw":
        assert Nomination.objects.get(pk=nomination.pk).status == "withdrawn"
    elif name == "report_post":
        assert MonthlyReport.objects.get(unit=user.unit).content == "本月检查 12 家企业。"


def _state() -> tuple:
    """Claims, nominations and monthly reports as a user could notice them."""
    return (
        {c.pk: (c.status, c.values, c.version) for c in Claim.objects.all()},
        {n.pk: (n.officer_id, n.status) for n in Nomination.objects.all()},
        {r.pk: (r.unit_id, r.content) for r in MonthlyReport.objects.all()},
    )


def test_other_units_claim_is_404_and_unchanged(other_staff, claim):
    with pytest.raises(Exception) as caught:
        access.get_claim_for_user(other_staff, claim.pk)
    assert type(caught.value).__name__ == "Http404"
    assert Claim.objects.get(pk=claim.pk).values == {"cases": 6}


def test_overview_lists_only_own_candidates(
    client_for, other_staff, own_candidate, other_candidate, campaign
):
    response = client_for(other_staff).get(
        reverse("submissions:campaign_overview", args=[campaign.pk])
    )
    assert [c.pk for c in response.context["candidates"]] == [other_candidate.pk]


def test_overview_query_count_same_for_1_and_3_candidates(
    client_for, reviewer, campaign, collective_pin, campaign_admin
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from scoring.services import register_candidate
    from tests.factories import OrgUnitFactory, ParticipationFactory

    url = reverse("submissions:campaign_overview", args=[campaign.pk])
    client = client_for(reviewer)
    counts = []
    for batch in (1, 2):
        for i in range(batch):
            unit = OrgUnitFactory(name=f"查询{batch}-{i}", code=f"OQ-{batch}-{i}")
            ParticipationFactory(campaign=campaign, unit=unit)
            register_candidate(campaign_rubric=collective_pin, unit=unit, actor=campaign_admin)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        counts.append(len(queries))
        assert len(response.context["candidates"]) == sum(range(1, batch + 1))
    assert counts[0] == counts[1]
