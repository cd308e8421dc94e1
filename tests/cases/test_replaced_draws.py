"""A redraw ends the open assignments of the files it replaced with their own status
(REPLACED, "抽取已被取代"), not the reviewer's conflict status, and the draw records show it."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from cases import services
from cases.enums import AssignmentStatus
from cases.models import Assignment

REASON = "原抽中案卷系统录入错误，经领导小组办公室同意重新抽取"


@pytest.fixture
def redrawn(candidate, make_case, seed, campaign, campaign_admin, review_settings, reviewer_b):
    for _ in range(3):
        make_case()
    first = services.draw_files(
        candidate=candidate, slot="general", count=1, seed=seed, actor=campaign_admin
    )
    services.propose_assignments(campaign=campaign, actor=campaign_admin)
    services.approve_assignments(campaign=campaign, actor=campaign_admin)
    old = Assignment.objects.get()
    second_seed = services.announce_seed(campaign=campaign, value="补抽 808", actor=campaign_admin)
    second = services.draw_files(
        candidate=candidate,
        slot="general",
        count=1,
        seed=second_seed,
        actor=campaign_admin,
        replaces=first,
        reason=REASON,
    )
    old.refresh_from_db()
    return first, second, old


def test_redraw_marks_the_old_assignments_replaced(redrawn, reviewer_b, campaign):
    first, _second, old = redrawn
    assert old.status == AssignmentStatus.REPLACED
    assert old.conflict_reason == f"抽取 #{first.pk} 已被重新抽取取代"
    assert old.get_status_display() == "抽取已被取代"
    # Out of the reviewer's queue, the progress table and the matrix.
    assert list(services.reviewer_queue(reviewer_b)) == []
    assert services.progress_by_reviewer(campaign) == []
    assert services.matrix(campaign)[2] == {}


def test_draw_records_show_the_replacement(client_for, redrawn, campaign, campaign_admin):
    first, second, _old = redrawn
    page = client_for(campaign_admin).get(reverse("cases:oversight", args=[campaign.pk]))
    text = page.content.decode()
    assert f"已被 #{second.pk} 取代" in text
    assert "1 项评查分配状态为“抽取已被取代”" in text
    assert f"取代 #{first.pk}" in text and REASON in text
    row = services.draws_of(campaign).get(pk=first.pk)
    assert row.replaced_assignments == 1


def test_migration_turns_old_redraw_conflicts_into_replaced(redrawn):
    _first, _second, old = redrawn
    Assignment.objects.filter(pk=old.pk).update(status=AssignmentStatus.CONFLICT)
    migration = importlib.import_module("cases.migrations.0002_draw_method_and_replaced_status")
    migration.mark_replaced(apps, None)
    old.refresh_from_db()
    assert old.status == AssignmentStatus.REPLACED
