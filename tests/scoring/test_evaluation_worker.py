"""A full evaluation in a real Celery prefork worker, its chunks scored in processes forked from
the worker's pool process: what no eager test can show (fork from a daemonic pool child, the
worker's own database connection left untouched by the children).

`.ci/run` runs this in its PostgreSQL step with a broker and REQUIRE_CELERY_WORKER=1."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.celery import app
from scoring.models import EvaluationRun, PendingChange, ScoreSnapshot
from scoring.services import evaluate_campaign, load_rubric_version
from scoring.tasks import task_evaluate_campaign
from tests.scoring.conftest import COLLECTIVE
from tests.scoring.test_evaluation import _campaign_with_candidates, _snapshots
from tests.test_celery_worker import launch_worker, require_worker_setup, stop_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def prefork_worker(tmp_path: Path):
    """A prefork worker (one pool process, as in production) that scores chunks of two
    candidates in two forked processes."""
    require_worker_setup()
    env = {
        "SCORING_EVALUATION_CHUNK": "2",
        "SCORING_EVALUATION_PROCESSES": "2",
        "LOG_LEVEL": "INFO",
    }
    worker = launch_worker(
        tmp_path / "worker.log", queue_prefix="test-evaluate", pool="prefork", env=env
    )
    try:
        yield worker
    finally:
        stop_worker(worker)


def test_prefork_worker_scores_chunks_in_forked_processes(prefork_worker, campaign_admin, settings):
    settings.SCORING_EVALUATION_PROCESSES = 1
    version = load_rubric_version(path_or_text=COLLECTIVE)
    # Built with eager tasks (nothing sent to the broker's default queue), evaluated here
    # serially: what the worker must reproduce.
    campaign = _campaign_with_candidates(9, campaign_admin, version)
    evaluate_campaign(campaign=campaign)
    serial = _snapshots(campaign)
    ScoreSnapshot.objects.filter(campaign_rubric__campaign=campaign).update(is_current=False)
    PendingChange.objects.create(campaign=campaign, full=True)

    eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    try:
        result = task_evaluate_campaign.apply_async(
            kwargs={"campaign_id": campaign.pk}, queue=prefork_worker.queue
        )
        assert prefork_worker.result(result) == 1
        result.forget()
    finally:
        app.conf.task_always_eager = eager

    run = EvaluationRun.objects.filter(campaign_rubric__campaign=campaign).latest("pk")
    assert (run.kind, run.snapshots_written) == ("full", 9)
    assert "chunks_in_children=5, chunks_in_parent=0, children_failed=0" in prefork_worker.log()
    assert _snapshots(campaign) == serial
