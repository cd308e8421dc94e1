"""An export job run by a real `celery -A portal worker` process through a real broker against
the test PostgreSQL database (see tests/test_celery_worker.py; `.ci/run` runs these in its
PostgreSQL step with REQUIRE_CELERY_WORKER=1). The worker writes into this test's
EXPORTS_ROOT, so the finished file can be opened here."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.urls import reverse
from openpyxl import load_workbook

from jobs import services
from jobs.models import Job, JobStatus
from jobs.tasks import task_run_job
from portal.celery import app
from scoring.models import ScoreSnapshot
from tests.spreadsheets.exports_data import build_scored_campaign
from tests.test_celery_worker import Worker, launch_worker, require_worker_setup, stop_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _start_worker(tmp_path: Path, settings, name: str) -> Worker:
    # The worker writes exports where this test reads them, and finds the uploads of import
    # jobs where this test put them.
    env = {"EXPORTS_ROOT": str(settings.EXPORTS_ROOT), "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    return launch_worker(tmp_path / f"{name}.log", queue_prefix="test-jobs", env=env)


@pytest.fixture
def start_worker(tmp_path: Path, settings):
    """`start_worker(name)` starts a real solo worker on a queue of its own; all are stopped
    (their logs printed) at the end."""
    require_worker_setup()
    settings.EXPORTS_ROOT = tmp_path / "exports"
    started: list[Worker] = []

    def start(name: str = "worker") -> Worker:
        started.append(_start_worker(tmp_path, settings, name))
        return started[-1]

    try:
        yield start
    finally:
        for worker in started:
            stop_worker(worker)


@pytest.fixture
def export_worker(start_worker):
    return start_worker()


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


def _wait_for(predicate, worker: Worker, what: str, timeout: float = 60):
    """Poll until `predicate()` is true (the worker's own pace); fail with its log if not."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if worker.process.poll() is not None:
            pytest.fail(f"the worker exited before {what}:\n{worker.log()}")
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} after {timeout}s; worker log:\n{worker.log()}")
        time.sleep(0.2)


def test_worker_killed_mid_export_then_retried_gives_one_file(
    start_worker, campaign, campaign_admin, client_for
):
    """A real worker reports progress on the polled endpoint, is killed (SIGKILL) while the
    export runs, and the retried task on a fresh worker leaves exactly one finished file.

    The snapshots table is locked from another connection, so the first worker stops, after
    its first progress report, exactly where the export reads the snapshots."""
    build_scored_campaign(campaign, campaign_admin)
    job = Job.objects.create(kind="export_ranking", campaign=campaign, created_by=campaign_admin)
    status_url = reverse("jobs:status", args=[job.pk])
    client = client_for(campaign_admin)
    blocker = connections.create_connection(DEFAULT_DB_ALIAS)
    blocker.set_autocommit(False)
    with blocker.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {ScoreSnapshot._meta.db_table} IN ACCESS EXCLUSIVE MODE")
    first = start_worker("killed")
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        task_run_job.apply_async(kwargs={"job_id": job.pk}, queue=first.queue)

        def reading() -> bool:
            return client.get(status_url).json()["message"] == "正在读取得分快照"

        _wait_for(reading, first, "progress report")
        state = client.get(status_url).json()
        assert (state["status"], state["progress"], state["finished"]) == ("running", 1, False)
        assert state["download_url"] is None

        first.process.kill()  # mid-job: no goodbye, the task is never acknowledged
        first.process.wait()
    finally:
        app.conf.task_always_eager = previous
        blocker.rollback()
        blocker.close()

    second = start_worker("retry")
    assert _run_on_worker(second, job) == JobStatus.DONE
    assert _run_on_worker(second, job) == JobStatus.DONE  # a duplicate delivery changes nothing

    state = client.get(status_url).json()
    assert (state["status"], state["progress"], state["finished"]) == ("done", 100, True)
    files = sorted(p.name for p in (Path(settings.EXPORTS_ROOT) / "jobs" / str(job.pk)).iterdir())
    assert files == ["result.xlsx"]
    download = client.get(state["download_url"])
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert workbook["测试集体评选细则"]["A5"].value == "甲分局"


def test_worker_killed_mid_import_then_retried_saves_once(
    start_worker, tmp_path, campaign, campaign_admin, client_for
):
    """An import job on a real worker: its progress shows while the import's transaction is
    open and nothing of it is visible yet; the worker is killed there, and the retried task
    saves every fact exactly once."""
    from openpyxl import Workbook

    from scoring.models import Fact
    from scoring.services import record_fact
    from spreadsheets.imports import services as import_services
    from tests.factories import OfficerFactory
    from tests.spreadsheets.test_imports import pin

    pin(campaign, "s002-individual")
    people = [OfficerFactory(certificate_no=f"W{i:03d}") for i in range(30)]
    record_fact(
        campaign=campaign,
        subject=people[0],
        key="monthly_uploads",
        value={"2024-01": 1},
        source="import",
    )
    workbook = Workbook()
    workbook.active.append(["执法证件号", "月份", "上传检查记录数"])
    for index, officer in enumerate(people):
        workbook.active.append([officer.certificate_no, "2024-02", index])
    path = tmp_path / "月度.xlsx"
    workbook.save(path)
    token = import_services.store_upload(path, path.name)
    params = {"kind": "officer_monthly", "token": token, "filename": path.name}
    job = Job.objects.create(
        kind="import_data", campaign=campaign, created_by=campaign_admin, params=params
    )
    status_url = reverse("jobs:status", args=[job.pk])
    client = client_for(campaign_admin)
    blocker = connections.create_connection(DEFAULT_DB_ALIAS)
    blocker.set_autocommit(False)
    with blocker.cursor() as cursor:  # the import's locked read of the stored facts waits here
        cursor.execute(
            f"SELECT id FROM {Fact._meta.db_table} WHERE campaign_id = %s FOR UPDATE",  # noqa: S608
            [campaign.pk],
        )
    first = start_worker("killed")
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        task_run_job.apply_async(kwargs={"job_id": job.pk}, queue=first.queue)
        _wait_for(lambda: client.get(status_url).json()["progress"] >= 50, first, "progress")
        state = client.get(status_url).json()
        assert state["status"] == "running" and 50 <= state["progress"] < 100
        assert state["message"].startswith("正在检查")
        assert Fact.objects.filter(campaign=campaign).count() == 1  # nothing visible yet
        first.process.kill()
        first.process.wait()
    finally:
        app.conf.task_always_eager = previous
        blocker.rollback()
        blocker.close()

    second = start_worker("retry")
    assert _run_on_worker(second, job) == JobStatus.DONE
    assert _run_on_worker(second, job) == JobStatus.DONE  # a duplicate delivery changes nothing
    job.refresh_from_db()
    assert (job.progress, job.result["new"], job.result["changed"]) == (100, 30, 0)
    facts = Fact.objects.filter(campaign=campaign, key="monthly_uploads")
    assert facts.count() == 30
    assert facts.get(officer=people[0]).value == {"2024-01": 1, "2024-02": 0}
    assert Fact.history.filter(campaign=campaign).count() == 31  # one row per change, once
