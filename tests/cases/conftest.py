"""Case-review fixtures: the national checklist pinned, reviewers in three units, an officer
candidate under seed 002's individual rubric, and a helper that registers case files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.cache import cache

from accounts.enums import Role
from cases import services
from cases.enums import HandlerRole
from scoring.services import load_rubric_version, pin_rubric
from scoring.services.candidates import register_candidate
from tests.factories import OfficerFactory, OrgUnitFactory, ParticipationFactory, UserFactory

RUBRICS = Path(__file__).resolve().parents[2] / "scoring" / "rubrics"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def third_unit(city, campaign):
    unit = OrgUnitFactory(name="丙分局", code="BR-C", parent=city)
    ParticipationFactory(campaign=campaign, unit=unit)
    return unit


@pytest.fixture
def checklist_row(db):
    return services.load_checklist(actor=None)


@pytest.fixture
def review_settings(campaign, checklist_row, campaign_admin):
    return services.configure_review(
        campaign=campaign, checklist=checklist_row, actor=campaign_admin, max_load=10
    )


@pytest.fixture
def reviewer_a(own_unit):
    return UserFactory(username="rev_a", role=Role.REVIEWER, unit=own_unit)


@pytest.fixture
def reviewer_b(other_unit):
    return UserFactory(username="rev_b", role=Role.REVIEWER, unit=other_unit)


@pytest.fixture
def reviewer_c(third_unit):
    return UserFactory(username="rev_c", role=Role.REVIEWER, unit=third_unit)


@pytest.fixture
def officer(own_unit):
    return OfficerFactory(name="张执法", unit=own_unit)


def pin(campaign, name, admin):
    version = load_rubric_version(path_or_text=RUBRICS / f"{name}.yaml")
    return pin_rubric(campaign=campaign, version=version, actor=admin)


@pytest.fixture
def s002_pin(campaign, campaign_admin):
    return pin(campaign, "s002-individual", campaign_admin)


@pytest.fixture
def candidate(s002_pin, officer, campaign_admin):
    return register_candidate(campaign_rubric=s002_pin, officer=officer, actor=campaign_admin)


@pytest.fixture
def make_case(own_unit, officer):
    counter = iter(range(1, 10_000))

    def _make(
        *,
        case_type="general_penalty",
        unit=None,
        decision=dt.date(2024, 3, 1),
        handlers=None,
        **flags,
    ):
        n = next(counter)
        if handlers is None:
            handlers = [
                (officer, HandlerRole.INSPECTION_RECORD),
                (officer, HandlerRole.FILING_APPROVAL),
            ]
        return services.register_case(
            unit=unit or own_unit,
            case_number=f"测环罚〔2024〕{n}号",
            case_type=case_type,
            decision_date=decision,
            handlers=handlers,
            actor=None,
            **flags,
        )

    return _make


@pytest.fixture
def seed(campaign, campaign_admin):
    return services.announce_seed(
        campaign=campaign, value="2024-11-05 办公室会议公布：731942", actor=campaign_admin
    )
