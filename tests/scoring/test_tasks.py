"""The evaluation task: idempotent, quiet when the campaign is gone, debounced."""

from __future__ import annotations

import pytest
from django.db import transaction

from scoring.enums import FactSource, RunKind
from scoring.models import EvaluationRun, PendingChange, ScoreSnapshot
from scoring.services import record_fact, sync_collective_candidates
from scoring.tasks import task_evaluate_campaign, task_evaluate_pending

pytestmark = pytest.mark.django_db

IMPORT = FactSource.IMPORT


def test_task_returns_quietly_when_campaign_is_gone():
    assert task_evaluate_campaign(campaign_id=987654) is None


def test_task_evaluates_pending_changes_and_is_idempotent(campaign, collective_pin, own_unit):
    sync_collective_candidates(campaign_rubric=collective_pin)
    record_fact(campaign=campaign, subject=own_unit, key="cases", value=2, source=IMPORT)
    assert task_evaluate_campaign(campaign_id=campaign.pk) == 1
    assert not PendingChange.objects.exists()
    snapshots = list(ScoreSnapshot.objects.values_list("pk", "total", "rank"))
    assert task_evaluate_campaign(campaign_id=campaign.pk) == 0  # twice: nothing to do
    assert list(ScoreSnapshot.objects.values_list("pk", "total", "rank")) == snapshots
    assert EvaluationRun.objects.count() == 1


def test_burst_of_fact_changes_evaluates_once(
    campaign, collective_pin, own_unit, other_unit, django_capture_on_commit_callbacks
):
    sync_collective_candidates(campaign_rubric=collective_pin)
    task_evaluate_campaign(campaign_id=campaign.pk)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for value in (1, 2, 3):
            record_fact(
                campaign=campaign, subject=own_unit, key="cases", value=value, source=IMPORT
            )
        record_fact(campaign=campaign, subject=other_unit, key="cases", value=5, source=IMPORT)
    runs = EvaluationRun.objects.order_by("pk")
    assert [run.kind for run in runs] == [RunKind.FULL, RunKind.INCREMENTAL]
    assert runs.last().candidates_evaluated == 2


def test_burst_queues_one_delayed_task_with_a_broker(
    campaign, collective_pin, own_unit, monkeypatch, settings, django_capture_on_commit_callbacks
):
    """With a real broker the first change queues a delayed task and the others ride on it.
    Only the hand-over to the broker is replaced: no broker runs here."""
    settings.SCORING_EVALUATION_DEBOUNCE = 30
    queued = []
    monkeypatch.setattr(
        task_evaluate_campaign, "apply_async", lambda **kwargs: queued.append(kwargs)
    )
    with django_capture_on_commit_callbacks(execute=True):
        for value in (1, 2, 3):
            with transaction.atomic():
                record_fact(
                    campaign=campaign, subject=own_unit, key="cases", value=value, source=IMPORT
                )
    assert queued == [{"kwargs": {"campaign_id": campaign.pk}, "countdown": 30}]
    assert PendingChange.objects.filter(unit=own_unit).count() == 3
    # the task clears the flag and consumes every pending change at once
    task_evaluate_campaign(campaign_id=campaign.pk)
    assert not PendingChange.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        record_fact(campaign=campaign, subject=own_unit, key="cases", value=4, source=IMPORT)
    assert len(queued) == 2  # a later change queues a new task


def test_sweep_evaluates_campaigns_with_pending_changes(campaign, collective_pin, own_unit):
    sync_collective_candidates(campaign_rubric=collective_pin)
    assert task_evaluate_pending() == 1
    assert ScoreSnapshot.objects.filter(is_current=True).count() == 2
    assert task_evaluate_pending() == 0
