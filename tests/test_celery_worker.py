"""A task run by a real `celery -A portal worker` process, through a real broker, against the
test PostgreSQL database: what eager mode cannot show (serialisation of the call, the worker's
own settings and database connection, committed rows seen from another process).

`.ci/run` runs this in its PostgreSQL step with CELERY_BROKER_URL set and
REQUIRE_CELERY_WORKER=1, so there it cannot be skipped."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from celery.exceptions import TimeoutError as CeleryTimeoutError
from celery.result import AsyncResult
from django.conf import settings
from django.db import connection
from django.utils import timezone

from campaigns.enums import CampaignStatus, PhaseKind
from campaigns.models import Campaign
from campaigns.tasks import task_sync_campaign_status
from portal.celery import app
from tests.factories import CampaignFactory, PhaseFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

RESULT_TIMEOUT = 60  # seconds; covers the worker's start-up (Django set-up, broker connection)


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("REQUIRE_CELERY_WORKER") == "1":
        pytest.fail(f"REQUIRE_CELERY_WORKER=1 but {reason}")
    pytest.skip(reason)


def _database_url() -> str:
    """The URL of the database this test process uses (pytest-xdist suffixes its name)."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{quote(db['NAME'], safe='')}"


@dataclass
class Worker:
    queue: str
    process: subprocess.Popen
    log_path: Path

    def result(self, result: AsyncResult, timeout: float = RESULT_TIMEOUT):
        """Wait for `result`; fail at once, with the worker's log, if the worker has died."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                return result.get(timeout=1)
            except CeleryTimeoutError:
                if self.process.poll() is not None:
                    pytest.fail(f"the worker exited ({self.process.returncode}):\n{self.log()}")
                if time.monotonic() > deadline:
                    pytest.fail(f"no result after {timeout}s; worker log:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def require_worker_setup() -> str:
    """The broker URL, or a skip (a failure under REQUIRE_CELERY_WORKER=1) when a real worker
    cannot run here."""
    broker_url = os.environ.get("CELERY_BROKER_URL")
    if not broker_url:
        _skip_or_fail("CELERY_BROKER_URL is not set: no broker for a real worker")
    if connection.vendor != "postgresql":
        _skip_or_fail(f"the worker test needs PostgreSQL, not {connection.vendor}")
    return broker_url


def launch_worker(
    log_path: Path, *, queue_prefix: str, pool: str = "solo", env: dict[str, str] | None = None
) -> Worker:
    """Start `celery -A portal worker` with one process on a queue of its own, against this
    test process's database.

    The queue is unique so that parallel test processes (each with its own database) never
    take each other's messages, and stale messages from an earlier run are never consumed."""
    queue = f"{queue_prefix}-{uuid.uuid4().hex}"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": os.environ["CELERY_BROKER_URL"],
        "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND,
        **(env or {}),
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "portal", "worker", f"--pool={pool}",
                "--concurrency=1", f"--queues={queue}", f"--hostname={queue}@%h",
                "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO",
            ],
            cwd=settings.BASE_DIR,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    return Worker(queue=queue, process=process, log_path=log_path)


def stop_worker(worker: Worker) -> None:
    """SIGTERM (warm shutdown: the worker closes its DB connections), then print its log, which
    pytest shows when the test failed."""
    if worker.process.poll() is None:
        worker.process.terminate()
        try:
            worker.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.process.kill()
            worker.process.wait()
    print(f"--- celery worker log ({worker.log_path.name}) ---\n{worker.log()}")


@pytest.fixture
def worker(tmp_path: Path):
    """A solo worker on a queue of its own."""
    require_worker_setup()
    started = launch_worker(tmp_path / "worker.log", queue_prefix="test-worker")
    try:
        yield started
    finally:
        stop_worker(started)


@pytest.fixture
def not_eager():
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous


def test_worker_closes_finished_campaign_in_database(worker, not_eager):
    now = timezone.now()
    finished = CampaignFactory(status=CampaignStatus.ACTIVE)
    PhaseFactory(
        campaign=finished,
        kind=PhaseKind.COMMENDATION,
        starts_at=now - dt.timedelta(days=10),
        ends_at=now - dt.timedelta(hours=1),
    )

    # `.delay(**kwargs)` with a routing option: the same message, sent to this worker's queue.
    result = task_sync_campaign_status.apply_async(
        kwargs={"campaign_id": finished.pk}, queue=worker.queue
    )
    outcome = worker.result(result)

    assert outcome == CampaignStatus.CLOSED
    assert Campaign.objects.get(pk=finished.pk).status == CampaignStatus.CLOSED
    result.forget()
