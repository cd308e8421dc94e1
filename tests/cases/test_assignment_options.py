"""The campaign's assignment options through the services: no reciprocal pairs, a rotation
A→B→C→A, the maximum load and N reviewers per file — and a clear Chinese message, with nothing
recorded, when they cannot be met. Three units (甲 own_unit, 乙 other_unit, 丙 third_unit),
one reviewer and one sampled general-penalty file per unit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from cases import services
from cases.enums import HandlerRole
from cases.models import Assignment
from scoring.services.candidates import register_candidate
from tests.factories import OfficerFactory


@pytest.fixture
def three_files(
    campaign,
    own_unit,
    other_unit,
    third_unit,
    s002_pin,
    seed,
    campaign_admin,
    make_case,
    review_settings,
    reviewer_a,
    reviewer_b,
    reviewer_c,
):
    for unit in (own_unit, other_unit, third_unit):
        officer = OfficerFactory(unit=unit)
        candidate = register_candidate(
            campaign_rubric=s002_pin, officer=officer, actor=campaign_admin
        )
        make_case(
            unit=unit,
            handlers=[
                (officer, HandlerRole.INSPECTION_RECORD),
                (officer, HandlerRole.FILING_APPROVAL),
            ],
        )
        services.draw_files(
            candidate=candidate, slot="general", count=1, seed=seed, actor=campaign_admin
        )
    return own_unit, other_unit, third_unit


def configure(campaign, checklist_row, admin, **options):
    return services.configure_review(
        campaign=campaign, checklist=checklist_row, actor=admin, **options
    )


def pairs(campaign):
    """(reviewer unit, file unit) of every assignment."""
    return set(
        Assignment.objects.filter(sampled__draw__campaign=campaign).values_list(
            "reviewer__unit_id", "sampled__case_file__unit_id"
        )
    )


def test_no_reciprocal_pairs_option(three_files, campaign, checklist_row, campaign_admin):
    configure(campaign, checklist_row, campaign_admin, no_reciprocal=True, max_load=1)
    assert services.propose_assignments(campaign=campaign, actor=campaign_admin) == 3
    directed = pairs(campaign)
    assert len(directed) == 3
    assert all(a != b and (b, a) not in directed for a, b in directed)


def test_rotation_option(three_files, campaign, checklist_row, campaign_admin):
    a, b, c = three_files
    configure(campaign, checklist_row, campaign_admin, rotation=[a.pk, b.pk, c.pk])
    services.propose_assignments(campaign=campaign, actor=campaign_admin)
    # A reviews B, B reviews C, C reviews A.
    assert pairs(campaign) == {(a.pk, b.pk), (b.pk, c.pk), (c.pk, a.pk)}


def test_two_reviewers_per_file_respecting_the_load(
    three_files, campaign, checklist_row, campaign_admin
):
    configure(campaign, checklist_row, campaign_admin, reviewers_per_file=2, max_load=2)
    # 3 files × 2 reviewers = 6 = 3 reviewers × load 2; each file by the two other units.
    assert services.propose_assignments(campaign=campaign, actor=campaign_admin) == 6
    assert all(r != f for r, f in pairs(campaign))
    loads = {}
    for reviewer_id in Assignment.objects.values_list("reviewer_id", flat=True):
        loads[reviewer_id] = loads.get(reviewer_id, 0) + 1
    assert sorted(loads.values()) == [2, 2, 2]


def test_load_too_small_fails_with_a_clear_message_and_records_nothing(
    three_files, campaign, checklist_row, campaign_admin
):
    configure(campaign, checklist_row, campaign_admin, reviewers_per_file=2, max_load=1)
    with pytest.raises(ValidationError, match="需要 6 人次评查，3 名评查人员每人最多 1 份"):
        services.propose_assignments(campaign=campaign, actor=campaign_admin)
    assert not Assignment.objects.exists()
