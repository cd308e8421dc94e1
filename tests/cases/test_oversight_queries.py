"""Oversight pages (draw records, assignment matrix, progress per reviewer, flagged files) and
a candidate's file list: the number of queries does not grow with the rows (1 vs 3)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.enums import AssignmentStatus, HandlerRole
from cases.models import Assignment, SampledFile
from scoring.services.candidates import register_candidate
from tests.factories import OfficerFactory


def add_flagged_file(*, s002_pin, own_unit, seed, admin, make_case, reviewer):
    """One more candidate with a drawn file, assigned to `reviewer` and flagged."""
    officer = OfficerFactory(unit=own_unit)
    candidate = register_candidate(campaign_rubric=s002_pin, officer=officer, actor=admin)
    make_case(
        handlers=[(officer, HandlerRole.INSPECTION_RECORD), (officer, HandlerRole.FILING_APPROVAL)]
    )
    draw = services.draw_files(candidate=candidate, slot="general", count=1, seed=seed, actor=admin)
    sampled = draw.sampled.get()
    Assignment.objects.create(sampled=sampled, reviewer=reviewer, status=AssignmentStatus.ACTIVE)
    SampledFile.objects.filter(pk=sampled.pk).update(
        flagged=True, combined_score=80, spread=20, explanation=["两人评分：90、70，分差 20"]
    )
    return candidate


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx), response.content.decode()


def test_oversight_query_count_with_assignments_progress_and_flags(
    client_for,
    campaign,
    campaign_admin,
    s002_pin,
    own_unit,
    seed,
    make_case,
    review_settings,
    reviewer_b,
    reviewer_c,
):
    args = {
        "s002_pin": s002_pin,
        "own_unit": own_unit,
        "seed": seed,
        "admin": campaign_admin,
        "make_case": make_case,
    }
    add_flagged_file(**args, reviewer=reviewer_b)
    client = client_for(campaign_admin)
    url = reverse("cases:oversight", args=[campaign.pk])
    one, _ = count_queries(client, url)
    add_flagged_file(**args, reviewer=reviewer_c)
    add_flagged_file(**args, reviewer=reviewer_b)
    three, text = count_queries(client, url)
    assert text.count('data-testid="flagged"') == 3
    assert "rev_b" in text and "rev_c" in text
    assert three == one


def test_candidate_files_query_count(
    client_for, campaign_admin, s002_pin, own_unit, seed, make_case, review_settings, reviewer_b
):
    candidate = add_flagged_file(
        s002_pin=s002_pin,
        own_unit=own_unit,
        seed=seed,
        admin=campaign_admin,
        make_case=make_case,
        reviewer=reviewer_b,
    )
    client = client_for(campaign_admin)
    url = reverse("cases:candidate_files", args=[candidate.pk])
    one, _ = count_queries(client, url)
    second = services.announce_seed(campaign=seed.campaign, value="补抽 2", actor=campaign_admin)
    for _ in range(2):
        make_case(
            handlers=[
                (candidate.officer, HandlerRole.INSPECTION_RECORD),
                (candidate.officer, HandlerRole.FILING_APPROVAL),
            ]
        )
    services.draw_files(
        candidate=candidate, slot="supporting", count=2, seed=second, actor=campaign_admin
    )
    three, text = count_queries(client, url)
    assert text.count("缺 2 份") == 1  # no supporting-measures file: both slots missing
    assert three == one
