"""Background jobs: start one, run it, keep its file (STYLE.md #1, #7, #8).

A job kind is a function `run(job, report_progress) -> JobOutput` registered under a name with
`register_job_kind`. Apps register their kinds in a `job_kinds` module (`<app>/job_kinds.py`,
`<app>/exports/job_kinds.py` or `<app>/imports/job_kinds.py`), found on first use, so that a
worker process knows every kind without importing the web views.

The contract of a kind's function:
- read its inputs from `job.params` (and `job.campaign`, `job.input_file`);
- call `report_progress(percent, message)` now and then (cheap: it writes only when the
  percentage changes; it is committed at once even inside the kind's own transaction, see
  `ProgressWriter`);
- write its file to `scratch_path(job, suffix)` and return `JobOutput(file=…, name=…)` (a
  kind without a file may return its result as a dict, or None);
  `run_job` renames it into place only once the function has returned, so a worker killed
  mid-write never leaves a half-written file offered as the result;
- raise `JobError("…")` for a failure to show as it is; anything else shows a generic
  message and goes to the log.

`run_job` is safe to call twice: a finished (done or failed) job is left alone, and a job
left "running" by a killed worker is run again into the same final file name (its unfinished
file is removed), so one job never has two results. Should two runs of one job overlap (a
duplicate delivery), the first to finish records the outcome and the other changes nothing.
"""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Q
from django.db.models.sql import UpdateQuery
from django.db.models.sql.constants import CURSOR
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from jobs.errors import JobError
from jobs.models import Job, JobStatus

if TYPE_CHECKING:
    from accounts.models import User
    from campaigns.models import Campaign

logger = logging.getLogger(__name__)

ReportProgress = Callable[[int, str], None]
DEFAULT_RETENTION_HOURS = 72
GENERIC_FAILURE = "任务执行出错，请稍后重试；如仍失败，请联系系统管理员。"


@dataclass(frozen=True, slots=True)
class JobOutput:
    file: Path | None = None  # a complete file written at scratch_path(job, …)
    name: str = ""  # the download's file name
    result: dict[str, Any] = field(default_factory=dict)  # shown on the progress page


@dataclass(frozen=True, slots=True)
class JobKind:
    name: str
    label: str  # Chinese, shown on the progress page
    run: Callable[[Job, ReportProgress], JobOutput | dict[str, Any] | None]


_REGISTRY: dict[str, JobKind] = {}
_discovered = False


def register_job_kind(
    name: str,
    *,
    label: str,
    run: Callable[[Job, ReportProgress], JobOutput | dict[str, Any] | None],
) -> None:
    """Register (or replace, on module reload) the function that runs jobs of kind `name`."""
    _REGISTRY[name] = JobKind(name, label, run)


def _discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("job_kinds", "exports.job_kinds", "imports.job_kinds")
        _discovered = True


def get_job_kind(name: str) -> JobKind | None:
    _discover()
    return _REGISTRY.get(name)


def job_kinds() -> dict[str, JobKind]:
    _discover()
    return dict(_REGISTRY)


# --- files -------------------------------------------------------------------------------------


def exports_root() -> Path:
    return Path(settings.EXPORTS_ROOT)


def job_dir(job: Job) -> Path:
    path = exports_root() / "jobs" / str(job.pk)
    path.mkdir(parents=True, exist_ok=True)
    return path


def scratch_path(job: Job, suffix: str) -> Path:
    """Where a kind writes its file: a name of its own per call (two runs of one job never
    write into the same file) that says it is unfinished; run_job renames it into place."""
    return job_dir(job) / f"result{suffix}.{uuid.uuid4().hex[:12]}.partial"


def output_path(job: Job) -> Path | None:
    """The finished file of a done job, if it is (still) there."""
    if job.status != JobStatus.DONE or not job.output_file:
        return None
    path = (exports_root() / job.output_file).resolve()
    root = exports_root().resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


def retention() -> timedelta:
    hours = getattr(settings, "JOBS_FILE_RETENTION_HOURS", DEFAULT_RETENTION_HOURS)
    return timedelta(hours=int(hours))


def expires_at(job: Job) -> Any:
    return job.finished_at + retention() if job.finished_at else None


# --- lifecycle ---------------------------------------------------------------------------------


def start_job(
    *, kind: str, campaign: Campaign | None, params: dict[str, Any], actor: User | None
) -> Job:
    """Create a queued job and queue its task once the surrounding transaction commits."""
    if get_job_kind(kind) is None:
        raise JobError(f"未知的任务类型“{kind}”。")
    job = Job.objects.create(
        kind=kind, campaign=campaign, params=params, created_by=actor, message="排队等待执行"
    )
    from jobs.tasks import task_run_job  # tasks import this module

    transaction.on_commit(lambda: task_run_job.delay(job_id=job.pk))
    return job


def _claim(job: Job) -> bool:
    """Mark the job running unless it is finished. A job already "running" is claimed again:
    its worker was killed (acks_late re-delivers the task)."""
    claimed = Job.objects.filter(
        pk=job.pk, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    ).update(status=JobStatus.RUNNING, started_at=timezone.now(), progress=0, message="开始执行")
    cache.delete(_progress_cache_key(job.pk))  # a killed earlier run's figure
    job.refresh_from_db()
    return claimed == 1


def _progress_cache_key(job_id: int) -> str:
    return f"jobs:progress:{job_id}"


class ProgressWriter:
    """Writes a running job's progress where the polled status endpoint sees it at once, also
    while the kind's work runs inside one long transaction (an import saves all or nothing):

    - outside a transaction the work opened: on the default connection, as any update;
    - inside one: on a second connection of its own (autocommit), so the row is committed at
      once while the work's transaction stays open;
    - inside one on SQLite (one writer at a time: a second connection would wait for the
      work's lock): into the cache, which `live_progress` reads for a running job.

    "The work's transaction" is one opened after the job started: a caller's own (a test's)
    holds the job row too, and a second connection could not see that row.
    """

    def __init__(self, job: Job) -> None:
        self.job_id = job.pk
        self.side: Any = None  # the second connection, opened on first use
        self.depth = len(connections[DEFAULT_DB_ALIAS].atomic_blocks)
        self.last_percent = -1

    def report(self, percent: int, message: str = "") -> None:
        """The kind's progress callback (ReportProgress): a new percentage is written, a
        repeated one is not."""
        percent = max(0, min(99, int(percent)))  # 100 is for "done"
        if percent == self.last_percent:
            return
        self.last_percent = percent
        self.write(percent, message[:300])

    def write(self, percent: int, message: str) -> None:
        default = connections[DEFAULT_DB_ALIAS]
        if len(default.atomic_blocks) <= self.depth:
            Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(
                progress=percent, message=message
            )
        elif default.vendor == "sqlite":
            cache.set(_progress_cache_key(self.job_id), (percent, message), timeout=86400)
        else:
            self._write_aside(percent, message)

    def _write_aside(self, percent: int, message: str) -> None:
        if self.side is None:
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)
        query = UpdateQuery(Job)
        query.add_update_values({"progress": percent, "message": message})
        query.add_q(Q(pk=self.job_id, status=JobStatus.RUNNING))
        query.get_compiler(connection=self.side).execute_sql(CURSOR)

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


def live_progress(job: Job) -> tuple[int, str]:
    """The progress and message of `job` as the status endpoint shows them: the row's, or for
    a running job the newer figure a ProgressWriter kept in the cache (SQLite, see there)."""
    if job.status == JobStatus.RUNNING:
        cached = cache.get(_progress_cache_key(job.pk))
        if cached and cached[0] >= job.progress:
            return int(cached[0]), str(cached[1])
    return job.progress, job.message


def run_job(*, job: Job) -> Job:
    """Run a queued job to the end: done with its file, or failed with a reason."""
    if not _claim(job):
        return job  # done or failed already: never redone
    kind = get_job_kind(job.kind)
    try:
        if kind is None:
            raise JobError(f"未知的任务类型“{job.kind}”。")
        writer = ProgressWriter(job)
        try:
            output = kind.run(job, writer.report)
        finally:
            writer.close()
        if not isinstance(output, JobOutput):  # None, or a result dict with no file
            output = JobOutput(result=dict(output or {}))
        stored = ""
        if output.file is not None:
            # result.xlsx.<token>.partial -> result.xlsx
            name = Path(output.file).name.removesuffix(".partial").rsplit(".", 1)[0]
            final = job_dir(job) / name
            os.replace(output.file, final)  # atomic on one file system
            stored = str(final.relative_to(exports_root()))
            _remove_partials(job)  # what a killed earlier run left behind
    except JobError as exc:
        return _fail(job, str(exc))
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        return _fail(job, GENERIC_FAILURE)
    _finish(
        job,
        status=JobStatus.DONE,
        progress=100,
        message="已完成",
        output_file=stored,
        output_name=output.name[:200],
        result=output.result,
    )
    return job


def _finish(job: Job, **values: Any) -> None:
    """Record the outcome, only over a running job: a duplicate run that ends later never
    overwrites the outcome of the one that ended first."""
    values["finished_at"] = timezone.now()
    Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(**values)
    cache.delete(_progress_cache_key(job.pk))  # the outcome is in the row now
    job.refresh_from_db()


def _remove_partials(job: Job) -> None:
    for leftover in job_dir(job).glob("*.partial"):
        leftover.unlink(missing_ok=True)


def _fail(job: Job, reason: str) -> Job:
    _finish(job, status=JobStatus.FAILED, message=reason[:300])
    _remove_partials(job)
    return job


def purge_expired_files(*, now: Any = None) -> int:
    """Delete the files of jobs finished longer ago than the retention (JOBS_FILE_RETENTION_HOURS,
    default 72). The job rows stay, without a file. Returns how many directories were removed."""
    cutoff = (now or timezone.now()) - retention()
    removed = 0
    for job in Job.objects.filter(finished_at__lt=cutoff).exclude(output_file="").only("pk"):
        shutil.rmtree(exports_root() / "jobs" / str(job.pk), ignore_errors=True)
        Job.objects.filter(pk=job.pk).update(output_file="")
        removed += 1
    return removed
