"""Database constraints of the scoring models: what the schema itself refuses."""

from __future__ import annotations

from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from scoring.enums import FactSource, RubricSubject, RunKind
from scoring.models import (
    CampaignRubric,
    Candidate,
    EvaluationRun,
    Fact,
    RubricVersion,
    ScoreSnapshot,
)
from scoring.services import evaluate_campaign, record_fact, sync_collective_candidates
from scoring.services.rubrics import content_hash
from tests.factories import CampaignFactory, OfficerFactory

pytestmark = pytest.mark.django_db


@contextmanager
def refused():
    """The database refuses the write; the savepoint keeps the test's transaction usable."""
    with pytest.raises(IntegrityError), transaction.atomic():
        yield


def test_rubric_version_unique_per_key_and_hash(collective_version):
    assert collective_version.content_hash == content_hash(collective_version.content)
    with refused():
        RubricVersion.objects.create(
            key=collective_version.key,
            title="x",
            subject=RubricSubject.COLLECTIVE,
            content=collective_version.content,
            content_hash=collective_version.content_hash,
        )
    assert str(collective_version) == f"t-collective @ {collective_version.content_hash[:8]}"
    assert RubricVersion._meta.verbose_name == "评分细则版本"


def test_one_pin_per_rubric_key_and_quota_checks(collective_pin):
    with refused():
        CampaignRubric.objects.create(
            campaign=collective_pin.campaign,
            rubric_key=collective_pin.rubric_key,
            version=collective_pin.version,
        )
    for fields in ({"shortlist_size": 0}, {"per_unit_limit": 0}, {"contest_group_size": 2}):
        with refused():
            CampaignRubric.objects.filter(pk=collective_pin.pk).update(**fields)


def test_candidate_is_exactly_one_unit_or_officer(collective_pin, own_unit):
    officer = OfficerFactory(unit=own_unit)
    with refused():
        Candidate.objects.create(campaign_rubric=collective_pin, home_unit=own_unit)
    with refused():
        Candidate.objects.create(
            campaign_rubric=collective_pin, unit=own_unit, officer=officer, home_unit=own_unit
        )
    Candidate.objects.create(campaign_rubric=collective_pin, unit=own_unit, home_unit=own_unit)
    with refused():  # once per rubric
        Candidate.objects.create(campaign_rubric=collective_pin, unit=own_unit, home_unit=own_unit)


def test_collective_candidate_belongs_to_itself(collective_pin, own_unit, other_unit):
    with refused():
        Candidate.objects.create(
            campaign_rubric=collective_pin, unit=own_unit, home_unit=other_unit
        )


def test_fact_unique_per_campaign_subject_and_key(campaign, own_unit, other_unit):
    officer = OfficerFactory(unit=own_unit)

    def fact(key="cases", **fields):
        fields.setdefault("campaign", campaign)
        return Fact.objects.create(key=key, value=1, source=FactSource.IMPORT, **fields)

    fact(unit=own_unit)
    fact(unit=other_unit)
    fact(officer=officer)
    fact()  # campaign-wide
    fact(unit=own_unit, campaign=CampaignFactory())  # another campaign
    for subject in ({"unit": own_unit}, {"officer": officer}, {}):
        with refused():
            fact(**subject)
    with refused():
        fact(key="other", unit=other_unit, officer=officer)  # one subject at most
    assert Fact._meta.verbose_name == "评分事实"


def test_records_are_protected_from_deletion(campaign, collective_pin, own_unit):
    sync_collective_candidates(campaign_rubric=collective_pin)
    record_fact(campaign=campaign, subject=own_unit, key="cases", value=2, source=FactSource.IMPORT)
    evaluate_campaign(campaign=campaign)
    for obj in (campaign, own_unit, collective_pin.version, collective_pin):
        with pytest.raises(ProtectedError), transaction.atomic():
            obj.delete()


def test_one_current_snapshot_per_candidate_and_no_rank_when_excluded(campaign, collective_pin):
    sync_collective_candidates(campaign_rubric=collective_pin)
    evaluate_campaign(campaign=campaign)
    snapshot = ScoreSnapshot.objects.first()
    run = EvaluationRun.objects.create(
        campaign_rubric=collective_pin, rubric_version=collective_pin.version, kind=RunKind.FULL
    )
    copy = {
        "run": run,
        "candidate": snapshot.candidate,
        "campaign_rubric": collective_pin,
        "rubric_version": collective_pin.version,
        "result_digest": "x",
    }
    with refused():
        ScoreSnapshot.objects.create(**copy, is_current=True)
    with refused():
        ScoreSnapshot.objects.create(**copy, is_current=False, vetoed=True, rank=3)
    ScoreSnapshot.objects.create(**copy, is_current=False, total=Decimal("1.5"))
    with refused():  # once per run
        ScoreSnapshot.objects.create(**copy, is_current=False)
