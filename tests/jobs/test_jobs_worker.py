"""An export job run by a real `celery -A portal worker` process through a real broker against
the test PostgreSQL database (see tests/test_celery_worker.py; `.ci/run` runs these in its
PostgreSQL step with REQUIRE_CELERY_WORKER=1). The worker writes into this test's
EXPORTS_ROOT, so the finished file can be opened here."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from openpyxl import load_workbook

from jobs import services
from jobs.models import Job, JobStatus
from jobs.tasks import task_run_job
from portal.celery import app
from tests.spreadsheets.exports_data import build_scored_campaign
from tests.test_celery_worker import Worker, _database_url, _skip_or_fail

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def export_worker(tmp_path: Path, settings):
    broker_url = os.environ.get("CELERY_BROKER_URL")
    if not broker_url:
        _skip_or_fail("CELERY_BROKER_URL is not set: no broker for a real worker")
    if connection.vendor != "postgresql":
        _skip_or_fail(f"the worker test needs PostgreSQL, not {connection.vendor}")
    settings.EXPORTS_ROOT = tmp_path / "exports"
    queue = f"test-jobs-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker_url,
        "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND,
        "EXPORTS_ROOT": str(settings.EXPORTS_ROOT),
    }
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo",
                "--concurrency=1", f"--queues={queue}", f"--hostname={queue}@%h",
                "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        yield Worker(queue=queue, process=process, log_path=log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    print(f"--- celery worker log ---\n{log_path.read_text(errors='replace')}")


def _run_on_worker(worker: Worker, job: Job) -> str:
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        result = task_run_job.apply_async(kwargs={"job_id": job.pk}, queue=worker.queue)
        outcome = worker.result(result)
        result.forget()
        return outcome
    finally:
        app.conf.task_always_eager = previous


def test_worker_completes_a_ranking_export(export_worker, campaign, campaign_admin):
    build_scored_campaign(campaign, campaign_admin)
    job = Job.objects.create(kind="export_ranking", campaign=campaign, created_by=campaign_admin)

    assert _run_on_worker(export_worker, job) == JobStatus.DONE

    job.refresh_from_db()
    assert (job.status, job.progress, job.result["rows"]) == (JobStatus.DONE, 100, 5)
    assert job.started_at <= job.finished_at
    ws = load_workbook(services.output_path(job))["测试集体评选细则"]
    assert ws["A5"].value == "甲分局"


def test_worker_reruns_a_job_left_running_into_exactly_one_file(
    export_worker, campaign, campaign_admin
):
    build_scored_campaign(campaign, campaign_admin)
    job = Job.objects.create(kind="export_ranking", campaign=campaign, created_by=campaign_admin)
    # As a killed worker leaves it: running, half a file under an unfinished name.
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, progress=40)
    services.scratch_path(job, ".xlsx").write_bytes(b"PK half a workbook")

    assert _run_on_worker(export_worker, job) == JobStatus.DONE
    assert _run_on_worker(export_worker, job) == JobStatus.DONE  # a duplicate delivery

    job.refresh_from_db()
    files = sorted(p.name for p in (Path(settings.EXPORTS_ROOT) / "jobs" / str(job.pk)).iterdir())
    assert files == ["result.xlsx"]
    assert load_workbook(services.output_path(job)).sheetnames[0] == "测试集体评选细则"
