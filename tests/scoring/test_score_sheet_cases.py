"""The candidate's score sheet shows each sampled case file's score and rubric points; a file
zeroed by a grave problem shows 0 with the reason, a missing slot 0 with its reason.

Per-file points by hand from the rubrics (the engine does the official sum):
- s000-individual: "每份案卷 10 分" → file score × 10 ÷ 100;
- s002-individual: 17.5 per file; one of seed 002's five grave circumstances → 0 and −1 more;
- s003-collective: mean of 7 scaled 100 → 40 → each file is worth score × 40 ÷ 100 ÷ 7.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.enums import Role
from campaigns.enums import PhaseKind
from cases import services
from cases.enums import HandlerRole
from cases.models import Assignment, SampledFile
from scoring.services import load_rubric_version, pin_rubric
from scoring.services.candidates import register_candidate
from scoring.services.evaluation import evaluate_campaign
from tests.factories import OfficerFactory, PhaseFactory, UserFactory

RUBRICS = Path(__file__).resolve().parents[2] / "scoring" / "rubrics"
REASON = "笔录仅一名执法人员签名"


def pin(campaign, name, admin):
    version = load_rubric_version(path_or_text=RUBRICS / f"{name}.yaml")
    return pin_rubric(campaign=campaign, version=version, actor=admin)


def register(unit, officer, case_type="general_penalty", n=[0]):  # noqa: B006 — a counter
    n[0] += 1
    return services.register_case(
        unit=unit,
        case_number=f"评分表〔2024〕{n[0]}号",
        case_type=case_type,
        decision_date=dt.date(2024, 4, 1),
        handlers=[
            (officer, HandlerRole.INSPECTION_RECORD),
            (officer, HandlerRole.FILING_APPROVAL),
        ],
        decision_published=True,
        actor=None,
    )


def finish(draw, *scores):
    for row, score in zip(draw.sampled.order_by("position"), scores, strict=True):
        SampledFile.objects.filter(pk=row.pk).update(final_score=D(score))


def sheet(client, candidate):
    response = client.get(reverse("scoring:score_sheet", args=[candidate.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def configured(campaign, campaign_admin):
    services.configure_review(
        campaign=campaign, checklist=services.load_checklist(actor=None), actor=campaign_admin
    )
    return services.announce_seed(campaign=campaign, value="评分表测试 4411", actor=campaign_admin)


def test_score_sheet_shows_a_grave_problem_file_as_zero_with_the_reason(
    campaign, own_unit, other_unit, campaign_admin, configured, client_for, own_staff
):
    seed = configured
    officer = OfficerFactory(unit=own_unit)
    candidate = register_candidate(
        campaign_rubric=pin(campaign, "s002-individual", campaign_admin),
        officer=officer,
        actor=campaign_admin,
    )
    case = register(own_unit, officer)
    services.draw_plan(candidate=candidate, seed=seed, actor=campaign_admin)  # general + supporting
    reviewer = UserFactory(role=Role.REVIEWER, unit=other_unit)
    services.propose_assignments(campaign=campaign, actor=campaign_admin)
    services.approve_assignments(campaign=campaign, actor=campaign_admin)
    assignment = Assignment.objects.get(reviewer=reviewer)
    services.save_marks(assignment=assignment, marks={"grave": {"G02": REASON}}, actor=reviewer)
    services.submit_review(assignment=assignment, actor=reviewer)
    evaluate_campaign(campaign=campaign)
    text = sheet(client_for(own_staff), candidate)
    assert 'data-testid="sheet-case-files"' in text
    assert case.case_number in text
    # The file: score 0.00, points 0.00, with the reviewer's reason and seed 002's −1.
    assert '<td class="num" data-testid="sheet-file-score">0.00</td>' in text
    assert '<td class="num" data-testid="sheet-file-points">0.00</td>' in text
    assert f"G02 调查取证、检查的执法人员少于两人：{REASON}" in text
    assert "存在种子 002 所列 5 种严重情形之一，该案卷按 0 分计" in text
    assert "按细则另扣 1 分" in text
    # No supporting-measures file in the registry: that slot is 0 with its reason.
    assert "系统中无对应类型的可抽案卷，按 0 分计" in text
    assert text.count('data-testid="sheet-case-file"') == 2


def test_score_sheet_shows_each_files_points_seed000_individual(
    campaign, own_unit, campaign_admin, configured, client_for
):
    officer = OfficerFactory(unit=own_unit)
    candidate = register_candidate(
        campaign_rubric=pin(campaign, "s000-individual", campaign_admin),
        officer=officer,
        actor=campaign_admin,
    )
    register(own_unit, officer)
    register(own_unit, officer)
    (draw,) = services.draw_plan(candidate=candidate, seed=configured, actor=campaign_admin)
    finish(draw, "99", "100")
    text = sheet(client_for(campaign_admin), candidate)
    # 99 × 10 ÷ 100 = 9.90; 100 × 10 ÷ 100 = 10.00
    assert '<td class="num" data-testid="sheet-file-points">9.90</td>' in text
    assert '<td class="num" data-testid="sheet-file-points">10.00</td>' in text
    assert '<td class="num" data-testid="sheet-file-score">99.00</td>' in text


def test_score_sheet_shows_seed003_submitted_files_and_missing_types(
    campaign, own_unit, campaign_admin, client_for, own_staff
):
    PhaseFactory(campaign=campaign, kind=PhaseKind.SELF_ASSESSMENT)
    candidate = register_candidate(
        campaign_rubric=pin(campaign, "s003-collective", campaign_admin),
        unit=own_unit,
        actor=campaign_admin,
    )
    case = register(own_unit, OfficerFactory(unit=own_unit))
    draws = services.submit_case_files(
        candidate=candidate, choices={"general": [case.pk]}, actor=own_staff
    )
    finish(draws[0], "99")
    text = sheet(client_for(own_staff), candidate)
    # 99 × 40 ÷ 100 ÷ 7 = 5.657… → 5.66
    assert '<td class="num" data-testid="sheet-file-points">5.66</td>' in text
    # 2 general slots and the 4 other types not provided: 6 lines of 0 with the reason.
    assert text.count("未提供该类型案卷，按 0 分计") == 6
    assert "未提供的案卷按 0 分计入" in text
    assert reverse("cases:submit_cases", args=[candidate.pk]) in text


def test_score_sheet_case_files_query_count_does_not_grow(
    campaign, own_unit, campaign_admin, configured, client_for
):
    officer = OfficerFactory(unit=own_unit)
    candidate = register_candidate(
        campaign_rubric=pin(campaign, "s000-individual", campaign_admin),
        officer=officer,
        actor=campaign_admin,
    )
    register(own_unit, officer)
    client = client_for(campaign_admin)
    draw = services.draw_files(
        candidate=candidate, slot="any", count=1, seed=configured, actor=campaign_admin
    )
    finish(draw, "90")
    with CaptureQueriesContext(connection) as one:
        text = sheet(client, candidate)
    assert text.count('data-testid="sheet-case-file"') == 1
    register(own_unit, officer)
    register(own_unit, officer)
    second = services.announce_seed(campaign=campaign, value="补抽 1", actor=campaign_admin)
    redraw = services.draw_files(
        candidate=candidate,
        slot="any",
        count=3,
        seed=second,
        actor=campaign_admin,
        replaces=draw,
        reason="原抽取份数有误，重新抽取",
    )
    finish(redraw, "80", "70", "60")
    with CaptureQueriesContext(connection) as three:
        text = sheet(client, candidate)
    assert text.count('data-testid="sheet-case-file"') == 3
    assert len(three) == len(one)
