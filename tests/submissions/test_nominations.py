"""Nominations: within the unit's quota, with the rubric's eligibility and a certificate;
refusals carry the reason in Chinese; a nomination makes (or reactivates) the candidate."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.http import Http404
from django.urls import reverse

from accounts.enums import Role
from campaigns.models import Participation
from scoring.models import Candidate
from submissions.enums import NominationStatus
from submissions.models import Nomination
from submissions.services.nominations import nominate, withdraw_nomination
from tests.factories import OfficerFactory, UserFactory
from tests.submissions.conftest import close_phase

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

YES = {"has_valid_certificate": True}


@pytest.fixture
def officers(own_unit):
    return [OfficerFactory(unit=own_unit, name=f"甲{i}") for i in range(3)]


def test_nominate_creates_candidate_and_history(individual_pin, officers, own_staff):
    nomination = nominate(
        campaign_rubric=individual_pin, officer=officers[0], actor=own_staff, answers=YES
    )
    assert nomination.status == NominationStatus.ACTIVE
    candidate = Candidate.objects.get(campaign_rubric=individual_pin, officer=officers[0])
    assert nomination.candidate == candidate
    assert candidate.home_unit == officers[0].unit
    assert candidate.is_active
    assert nomination.history.count() == 1


def test_quota_refused_with_reason(individual_pin, officers, own_staff, own_unit, campaign):
    Participation.objects.filter(campaign=campaign, unit=own_unit).update(individual_quota=2)
    nominate(campaign_rubric=individual_pin, officer=officers[0], actor=own_staff, answers=YES)
    nominate(campaign_rubric=individual_pin, officer=officers[1], actor=own_staff, answers=YES)
    with pytest.raises(ValidationError, match="推荐名额为 2 人，已推荐 2 人"):
        nominate(campaign_rubric=individual_pin, officer=officers[2], actor=own_staff, answers=YES)
    assert Nomination.objects.count() == 2


def test_withdrawn_frees_a_place_and_renominating_reactivates(
    individual_pin, officers, own_staff, own_unit, campaign
):
    Participation.objects.filter(campaign=campaign, unit=own_unit).update(individual_quota=1)
    first = nominate(
        campaign_rubric=individual_pin, officer=officers[0], actor=own_staff, answers=YES
    )
    withdraw_nomination(nomination=first, actor=own_staff)
    assert not Candidate.objects.get(pk=first.candidate_id).is_active
    nominate(campaign_rubric=individual_pin, officer=officers[1], actor=own_staff, answers=YES)
    assert Nomination.objects.filter(status=NominationStatus.ACTIVE).count() == 1


def test_ineligible_by_rubric_refused(individual_pin, officers, own_staff):
    with pytest.raises(ValidationError, match="不符合推荐条件：未持有有效的行政执法证件"):
        nominate(
            campaign_rubric=individual_pin,
            officer=officers[0],
            actor=own_staff,
            answers={"has_valid_certificate": False},
        )
    assert not Candidate.objects.filter(officer=officers[0]).exists()


def test_no_certificate_refused(individual_pin, own_unit, own_staff):
    officer = OfficerFactory(unit=own_unit, certificate_no="")
    with pytest.raises(ValidationError, match="未登记行政执法证件号"):
        nominate(campaign_rubric=individual_pin, officer=officer, actor=own_staff, answers=YES)


def test_double_nomination_refused(individual_pin, officers, own_staff):
    nominate(campaign_rubric=individual_pin, officer=officers[0], actor=own_staff, answers=YES)
    with pytest.raises(ValidationError, match="请勿重复推荐"):
        nominate(campaign_rubric=individual_pin, officer=officers[0], actor=own_staff, answers=YES)


def test_after_deadline_refused(individual_pin, officers, own_staff, campaign):
    close_phase(campaign)
    with pytest.raises(ValidationError, match="已截止"):
        nominate(campaign_rubric=individual_pin, officer=officers[0], actor=own_staff, answers=YES)


def test_other_unit_and_reviewer_refused(individual_pin, officers, other_staff, reviewer):
    with pytest.raises(Http404):
        nominate(
            campaign_rubric=individual_pin, officer=officers[0], actor=other_staff, answers=YES
        )
    with pytest.raises(PermissionDenied):
        nominate(campaign_rubric=individual_pin, officer=officers[0], actor=reviewer, answers=YES)
    assert not Nomination.objects.exists()


def test_collective_rubric_refused(collective_pin, officers, own_staff):
    with pytest.raises(ValidationError, match="只能按个人评分细则"):
        nominate(campaign_rubric=collective_pin, officer=officers[0], actor=own_staff)


def test_nomination_page_nominates_and_shows_refusal(
    client_for, own_staff, individual_pin, officers, own_unit, campaign
):
    Participation.objects.filter(campaign=campaign, unit=own_unit).update(individual_quota=1)
    client = client_for(own_staff)
    url = reverse("submissions:nominations", args=[individual_pin.pk])
    response = client.post(url, {"officer": officers[0].pk, "q_has_valid_certificate": "on"})
    assert response.status_code == 302
    assert Nomination.objects.filter(officer=officers[0]).exists()
    response = client.post(url, {"officer": officers[1].pk, "q_has_valid_certificate": "on"})
    assert response.status_code == 200
    assert "名额已满" in response.content.decode()
    assert not Nomination.objects.filter(officer=officers[1]).exists()


def test_nominated_officer_gets_an_individual_self_assessment(
    client_for, individual_pin, officers, own_staff, reviewer, other_staff
):
    nomination = nominate(
        campaign_rubric=individual_pin, officer=officers[0], actor=own_staff, answers=YES
    )
    url = reverse("submissions:self_assessment", args=[nomination.candidate_id])
    client = client_for(own_staff)
    page = client.get(url).content.decode()
    assert "事迹评审" in page
    assert 'name="i-story_pts-story"' in page
    response = client.post(
        url, {"action": "save", "i-story_pts-version": "0", "i-story_pts-story": "7.5"}
    )
    assert response.status_code == 302
    from submissions.models import Claim

    claim = Claim.objects.get(candidate_id=nomination.candidate_id)
    assert claim.values == {"story": "7.5"}
    assert claim.owner_unit == officers[0].unit
    assert client_for(other_staff).get(url).status_code == 404


S003_LIKE = """\
id: sub-s003-like
title: 廉洁证明测试细则
subject: individual
source: test.txt
max: 10
facts:
  has_valid_certificate: {type: bool, label: 持有有效执法证}
  integrity_certificate_attached: {type: bool, label: 已附廉洁执法证明}
  story: {type: score, label: 事迹评分}
vetoes:
  - {when: "not integrity_certificate_attached", reason: 未附廉洁执法证明，直接移出候选名单}
eligibility:
  - {require: "has_valid_certificate", reason: 未持有有效执法证}
indicators:
  - id: story_ind
    title: 事迹
    max: 10
    items:
      - id: story_pts
        title: 事迹评审
        max: 10
        cite: {seed: test.txt, quote: 评审小组评分}
        rule: {type: manual, fact: story, min: 0, max: 10}
"""


@pytest.fixture
def s003_pin(campaign, campaign_admin, self_assessment_phase):
    from scoring.services import load_rubric_version, pin_rubric

    version = load_rubric_version(path_or_text=S003_LIKE)
    return pin_rubric(campaign=campaign, version=version, actor=campaign_admin)


def test_integrity_certificate_required_and_attached(
    s003_pin, officers, own_staff, own_unit, settings, tmp_path
):
    from evidence.services import store_upload
    from tests.evidence.samples import sample_upload

    settings.EVIDENCE_ROOT = tmp_path
    with pytest.raises(ValidationError, match="未附廉洁执法证明"):
        nominate(
            campaign_rubric=s003_pin,
            officer=officers[0],
            actor=own_staff,
            answers={"has_valid_certificate": True},
        )
    with pytest.raises(ValidationError, match="请上传证明材料：已附廉洁执法证明"):
        nominate(
            campaign_rubric=s003_pin,
            officer=officers[0],
            actor=own_staff,
            answers={"has_valid_certificate": True, "integrity_certificate_attached": True},
        )
    certificate = store_upload(unit=own_unit, upload=sample_upload("pdf"), actor=own_staff)
    nomination = nominate(
        campaign_rubric=s003_pin,
        officer=officers[0],
        actor=own_staff,
        answers={"has_valid_certificate": True, "integrity_certificate_attached": True},
        files=[certificate],
    )
    assert list(nomination.evidence.all()) == [certificate]


def test_last_place_taken_meanwhile_is_refused_with_the_quota_message(
    individual_pin, officers, own_staff, own_unit, campaign
):
    """Two staff nominate at once with one place left: the colleague's nomination lands after
    this one passed every check but before it takes the place. The place is taken by one
    conditional UPDATE, so this one is refused with the quota message (on SQLite too, where
    `select_for_update` locks nothing)."""
    Participation.objects.filter(campaign=campaign, unit=own_unit).update(individual_quota=1)
    colleague = UserFactory(username="own_staff2", role=Role.BRANCH_STAFF, unit=own_unit)
    seen: dict[str, int] = {}

    def colleague_first(execute, sql, params, many, context):
        if not seen and sql.startswith("UPDATE") and "submissions_nominationtally" in sql:
            seen["running"] = 1
            nominate(
                campaign_rubric=individual_pin, officer=officers[1], actor=colleague, answers=YES
            )
            seen["active"] = Nomination.objects.filter(status=NominationStatus.ACTIVE).count()
        return execute(sql, params, many, context)

    with (
        connection.execute_wrapper(colleague_first),
        pytest.raises(ValidationError) as refused,
    ):
        nominate(campaign_rubric=individual_pin, officer=officers[0], actor=own_staff, answers=YES)
    assert refused.value.messages == ["本单位推荐名额为 1 人，已推荐 1 人，名额已满，不能再推荐。"]
    assert seen["active"] == 1  # the colleague's nomination was in when this one was refused
    assert not Nomination.objects.filter(officer=officers[0]).exists()
    assert not Candidate.objects.filter(officer=officers[0]).exists()


def test_withdraw_twice_frees_one_place(individual_pin, officers, own_staff, own_unit, campaign):
    Participation.objects.filter(campaign=campaign, unit=own_unit).update(individual_quota=1)
    first = nominate(
        campaign_rubric=individual_pin, officer=officers[0], actor=own_staff, answers=YES
    )
    stale = Nomination.objects.get(pk=first.pk)
    withdraw_nomination(nomination=first, actor=own_staff)
    withdraw_nomination(nomination=stale, actor=own_staff)  # a double click on a stale page
    assert list(first.history.values_list("status", flat=True)) == [
        NominationStatus.WITHDRAWN,
        NominationStatus.ACTIVE,
    ]
    nominate(campaign_rubric=individual_pin, officer=officers[1], actor=own_staff, answers=YES)
    with pytest.raises(ValidationError, match="名额已满"):
        nominate(campaign_rubric=individual_pin, officer=officers[0], actor=own_staff, answers=YES)
    assert Nomination.objects.filter(status=NominationStatus.ACTIVE).count() == 1


def test_renominating_records_history(individual_pin, officers, own_staff):
    first = nominate(
        campaign_rubric=individual_pin, officer=officers[0], actor=own_staff, answers=YES
    )
    withdraw_nomination(nomination=first, actor=own_staff)
    again = nominate(
        campaign_rubric=individual_pin, officer=officers[0], actor=own_staff, answers=YES
    )
    assert again.pk == first.pk
    assert again.status == NominationStatus.ACTIVE
    reasons = list(
        first.history.order_by("history_date", "history_id").values_list(
            "status", "history_change_reason", "history_user"
        )
    )
    assert reasons == [
        (NominationStatus.ACTIVE, None, own_staff.pk),
        (NominationStatus.WITHDRAWN, "撤回推荐", own_staff.pk),
        (NominationStatus.ACTIVE, "重新推荐", own_staff.pk),
    ]


@pytest.mark.django_db(transaction=True)
def test_concurrent_nominations_on_postgresql_keep_the_quota(
    individual_pin, officers, own_staff, own_unit, campaign
):
    """Two real transactions at once (PostgreSQL: the SQLite test database is one in-memory
    file that two threads cannot write at once). Whatever the interleaving, one nomination
    takes the last place and the other is refused with the quota message."""
    if connection.vendor != "postgresql":
        pytest.skip("needs two concurrent connections (PostgreSQL)")
    Participation.objects.filter(campaign=campaign, unit=own_unit).update(individual_quota=1)
    colleague = UserFactory(username="own_staff2", role=Role.BRANCH_STAFF, unit=own_unit)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def run(officer, actor):
        try:
            start.wait()
            nominate(campaign_rubric=individual_pin, officer=officer, actor=actor, answers=YES)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.extend(exc.messages)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(officers[0], own_staff)),
        threading.Thread(target=run, args=(officers[1], colleague)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [
        "ok",
        "本单位推荐名额为 1 人，已推荐 1 人，名额已满，不能再推荐。",
    ]
    assert Nomination.objects.filter(status=NominationStatus.ACTIVE).count() == 1
