"""File scores → the records facts the seeds' rubrics declare → rubric points (by the engine).

Hand-computed per seed:
- 000 collective: 4 per file of 12; a file whose decision was not published scores 0.
- 000 individual: 10 per file of 20.
- 002 individual: 17.5 per file of 35; one of the five grave circumstances → 0 and −1 more.
- 003 collective: the sum of 7 expected files ÷ 7 (missing = 0), scaled 100 → 40.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from cases import services
from cases.enums import HandlerRole
from cases.models import SampledFile
from scoring.models import Fact, ScoreSnapshot
from scoring.services.candidates import register_candidate
from scoring.services.evaluation import evaluate_campaign
from tests.cases.conftest import pin
from tests.factories import CampaignFactory, OfficerFactory, ParticipationFactory


@pytest.fixture
def fresh_campaign(city, own_unit, other_unit):
    campaign = CampaignFactory(issuing_unit=city, title="案卷折算测试")
    ParticipationFactory(campaign=campaign, unit=own_unit)
    ParticipationFactory(campaign=campaign, unit=other_unit)
    return campaign


def finish(draw, *scores, seed002=()):
    """Give the draw's files final scores (the review path is tested elsewhere)."""
    rows = list(draw.sampled.order_by("position"))
    assert len(rows) == len(scores)
    for row, score in zip(rows, scores, strict=True):
        SampledFile.objects.filter(pk=row.pk).update(
            final_score=D(score), seed002_defect=row.position - 1 in seed002
        )


def item_points(candidate, item_id):
    evaluate_campaign(campaign=candidate.campaign_rubric.campaign)
    snapshot = ScoreSnapshot.objects.current().get(candidate=candidate)
    return D(str(snapshot.breakdown[item_id][0]))


def make(unit, officer, case_type, **flags):
    make.n += 1
    return services.register_case(
        unit=unit,
        case_number=f"折算〔2024〕{make.n}号",
        case_type=case_type,
        decision_date=dt.date(2024, 5, 1),
        handlers=[
            (officer, HandlerRole.INSPECTION_RECORD),
            (officer, HandlerRole.FILING_APPROVAL),
        ],
        actor=None,
        **flags,
    )


make.n = 0


def seed_for(campaign, admin):
    return services.announce_seed(campaign=campaign, value="折算测试种子", actor=admin)


def test_seed000_collective_4_points_per_file_unpublished_is_zero(
    fresh_campaign, own_unit, campaign_admin
):
    pin_ = pin(fresh_campaign, "s000-collective", campaign_admin)
    candidate = register_candidate(campaign_rubric=pin_, unit=own_unit, actor=campaign_admin)
    officer = OfficerFactory(unit=own_unit)
    make(own_unit, officer, "general_penalty", decision_published=True)
    make(own_unit, officer, "general_penalty", decision_published=True)
    make(own_unit, officer, "daily_penalty", decision_published=False)
    seed = seed_for(fresh_campaign, campaign_admin)
    general = services.draw_files(
        candidate=candidate, slot="general", count=2, seed=seed, actor=campaign_admin
    )
    supporting = services.draw_files(
        candidate=candidate, slot="supporting", count=1, seed=seed, actor=campaign_admin
    )
    finish(general, "90.75", "100")
    finish(supporting, "80")
    services.publish_candidate_facts(candidate=candidate, actor=campaign_admin)
    fact = Fact.objects.get(unit=own_unit, key="sampled_case_files")
    assert [r["decision_only_or_unpublished"] for r in fact.value] == [False, False, True]
    # 90.75 × 4 ÷ 100 + 100 × 4 ÷ 100 + 0 = 3.63 + 4 + 0
    assert item_points(candidate, "sampled_files") == D("7.63")


def test_seed000_individual_10_points_per_file(fresh_campaign, own_unit, campaign_admin):
    pin_ = pin(fresh_campaign, "s000-individual", campaign_admin)
    officer = OfficerFactory(unit=own_unit)
    candidate = register_candidate(campaign_rubric=pin_, officer=officer, actor=campaign_admin)
    make(own_unit, officer, "general_penalty")
    make(own_unit, officer, "seal_seize")
    seed = seed_for(fresh_campaign, campaign_admin)
    draw = services.draw_files(
        candidate=candidate, slot="any", count=2, seed=seed, actor=campaign_admin
    )
    finish(draw, "95", "60")
    services.publish_candidate_facts(candidate=candidate, actor=campaign_admin)
    assert item_points(candidate, "sampled_files") == D("15.5")  # 9.5 + 6


def test_seed002_individual_grave_defect_zero_and_minus_one(
    fresh_campaign, own_unit, campaign_admin
):
    pin_ = pin(fresh_campaign, "s002-individual", campaign_admin)
    officer = OfficerFactory(unit=own_unit)
    candidate = register_candidate(campaign_rubric=pin_, officer=officer, actor=campaign_admin)
    make(own_unit, officer, "general_penalty")
    make(own_unit, officer, "seal_seize")
    seed = seed_for(fresh_campaign, campaign_admin)
    general = services.draw_files(
        candidate=candidate, slot="general", count=1, seed=seed, actor=campaign_admin
    )
    supporting = services.draw_files(
        candidate=candidate, slot="supporting", count=1, seed=seed, actor=campaign_admin
    )
    finish(general, "96.5")
    finish(supporting, "0", seed002=(0,))
    services.publish_candidate_facts(candidate=candidate, actor=campaign_admin)
    # 96.5 × 17.5 ÷ 100 = 16.8875; the grave file 0 and −1 → 15.8875
    assert item_points(candidate, "sampled_files") == D("15.8875")


def test_seed002_missing_type_scores_zero(fresh_campaign, own_unit, campaign_admin):
    pin_ = pin(fresh_campaign, "s002-individual", campaign_admin)
    officer = OfficerFactory(unit=own_unit)
    candidate = register_candidate(campaign_rubric=pin_, officer=officer, actor=campaign_admin)
    make(own_unit, officer, "general_penalty")
    seed = seed_for(fresh_campaign, campaign_admin)
    general = services.draw_files(
        candidate=candidate, slot="general", count=1, seed=seed, actor=campaign_admin
    )
    supporting = services.draw_files(
        candidate=candidate, slot="supporting", count=1, seed=seed, actor=campaign_admin
    )
    assert supporting.shortfall == 1
    finish(general, "100")
    services.publish_candidate_facts(candidate=candidate, actor=campaign_admin)
    assert item_points(candidate, "sampled_files") == D("17.5")  # the missing slot adds 0


def test_seed003_collective_average_of_seven_missing_zero(fresh_campaign, own_unit, campaign_admin):
    pin_ = pin(fresh_campaign, "s003-collective", campaign_admin)
    candidate = register_candidate(campaign_rubric=pin_, unit=own_unit, actor=campaign_admin)
    officer = OfficerFactory(unit=own_unit)
    for case_type in ("general_penalty", "daily_penalty", "crime_transfer"):
        make(own_unit, officer, case_type)
    seed = seed_for(fresh_campaign, campaign_admin)
    draw = services.draw_files(
        candidate=candidate, slot="any", count=7, seed=seed, actor=campaign_admin
    )
    assert draw.shortfall == 4
    finish(draw, "70", "80", "90")
    services.publish_candidate_facts(candidate=candidate, actor=campaign_admin)
    fact = Fact.objects.get(unit=own_unit, key="case_files")
    assert fact.source == "case_review"
    # (70 + 80 + 90 + 0 × 4) ÷ 7 × 40 ÷ 100 = 13.714285…
    assert item_points(candidate, "case_file_mean") == D(240) * 40 / (7 * 100)
