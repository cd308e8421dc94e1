"""Scoring a file (saving marks, submitting) only while the campaign's review phase (复审) is
open, when the campaign defines one; a clear Chinese message otherwise, nothing stored."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from campaigns.enums import PhaseKind
from cases import services
from cases.enums import AssignmentStatus
from cases.models import Assignment, FileReview
from tests.factories import PhaseFactory

MESSAGE = "复审阶段未开放或已截止，现在不能评查案卷（保存或提交评分）。"


@pytest.fixture
def assigned(candidate, make_case, seed, campaign_admin, review_settings, reviewer_b):
    make_case()
    draw = services.draw_files(
        candidate=candidate, slot="general", count=1, seed=seed, actor=campaign_admin
    )
    return Assignment.objects.create(
        sampled=draw.sampled.get(), reviewer=reviewer_b, status=AssignmentStatus.ACTIVE
    )


def review_phase(campaign, *, starts_in_days, ends_in_days):
    now = timezone.now()
    return PhaseFactory(
        campaign=campaign,
        kind=PhaseKind.REVIEW,
        starts_at=now + dt.timedelta(days=starts_in_days),
        ends_at=now + dt.timedelta(days=ends_in_days),
    )


def one_mark(checklist_row):
    return {"items": {"filing": {"state": "scored", "points": "6"}}}


def test_scoring_before_the_review_phase_is_refused(assigned, campaign, checklist_row):
    review_phase(campaign, starts_in_days=2, ends_in_days=9)
    with pytest.raises(ValidationError, match=MESSAGE):
        services.save_marks(
            assignment=assigned, marks=one_mark(checklist_row), actor=assigned.reviewer
        )
    with pytest.raises(ValidationError, match=MESSAGE):
        services.submit_review(assignment=assigned, actor=assigned.reviewer)
    assert not FileReview.objects.exists()


def test_scoring_after_the_review_phase_is_refused(assigned, campaign, checklist_row):
    reviewer = assigned.reviewer
    phase = review_phase(campaign, starts_in_days=-5, ends_in_days=3)
    services.save_marks(assignment=assigned, marks=one_mark(checklist_row), actor=reviewer)
    # The phase ends: the saved marks stay, further saves and the submission are refused.
    phase.ends_at = timezone.now() - dt.timedelta(minutes=1)
    phase.save(update_fields=["ends_at"])
    with pytest.raises(ValidationError, match=MESSAGE):
        services.save_marks(
            assignment=assigned,
            marks={"items": {"filing": {"state": "scored", "points": "3"}}},
            actor=reviewer,
        )
    with pytest.raises(ValidationError, match=MESSAGE):
        services.submit_review(assignment=assigned, actor=reviewer)
    review = FileReview.objects.get()
    assert review.marks["items"]["filing"] == {"state": "scored", "points": "6"}
    assert review.submitted_at is None


def test_scoring_while_the_review_phase_is_open(assigned, campaign, checklist_row):
    review_phase(campaign, starts_in_days=-1, ends_in_days=3)
    review = services.save_marks(
        assignment=assigned, marks=one_mark(checklist_row), actor=assigned.reviewer
    )
    assert review.marks["items"]["filing"]["points"] == "6"


def test_campaign_without_a_review_phase_is_not_gated(assigned, campaign, checklist_row):
    # Only a self-assessment phase (closed): reviewing is not tied to it.
    PhaseFactory(
        campaign=campaign,
        starts_at=timezone.now() - dt.timedelta(days=9),
        ends_at=timezone.now() - dt.timedelta(days=2),
    )
    review = services.save_marks(
        assignment=assigned, marks=one_mark(checklist_row), actor=assigned.reviewer
    )
    assert review.pk is not None


def test_review_page_shows_the_phase_message(client_for, assigned, campaign, reviewer_b):
    review_phase(campaign, starts_in_days=2, ends_in_days=9)
    client = client_for(reviewer_b)
    url = reverse("cases:review", args=[assigned.pk])
    assert MESSAGE in client.get(url).content.decode()
    response = client.post(url, {"state_filing": "scored", "points_filing": "6"})
    assert response.status_code == 200 and MESSAGE in response.content.decode()
    autosave = client.post(
        url,
        {"state_filing": "scored", "points_filing": "6"},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert autosave.status_code == 400 and autosave.json()["errors"] == [MESSAGE]
    assert not FileReview.objects.exists()
