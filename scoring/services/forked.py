"""Independent chunks of CPU-bound work, run in forked children while the parent reads on.

A full evaluation of a rubric without pool statistics scores its candidates chunk by chunk, and
one chunk's results do not depend on another's. The parent reads the facts of the next chunk
from the database while forked children score the earlier ones, so both cores of a small
server work (bench/RESULTS.md). A child inherits the chunk's facts, the parsed rubric and the
engine's plan through fork (nothing is pickled on the way in); it sends its results back as
one pickle in a temporary file and leaves with os._exit, never touching the parent's database
connection, files or atexit hooks.

A child that fails (an exception, a signal, an unreadable result), is stuck past
`child_timeout`, or cannot be forked at all costs time, not results: the parent scores that
chunk itself, exactly as a serial run would have. With `processes` = 1 or without os.fork
every chunk is scored in the parent as it arrives.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import math
import os
import pickle
import select
import signal
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any, Generic, TypeVar

logger = logging.getLogger(__name__)

R = TypeVar("R")


@dataclass
class _Child(Generic[R]):
    pid: int
    output: IO[bytes]
    exited: int  # read end of a pipe whose only write end the child holds: EOF when it exits
    work: Callable[[], R]
    accept: Callable[[R], None]
    deadline: float  # time.monotonic() after which the child is taken for stuck and killed
    killed: bool = False


@dataclass
class ForkStats:
    chunks_in_children: int = 0
    chunks_in_parent: int = 0
    children_failed: int = 0
    # The largest memory a child held on its own (private pages, not those shared with the
    # parent through copy-on-write): what running a chunk in a child adds to the machine.
    child_private_peak_kib: int = 0
    failures: list[str] = field(default_factory=list)


def can_fork() -> bool:
    return hasattr(os, "fork")


class ForkedChunks(Generic[R]):
    """Run `work()` for each submitted chunk on up to `processes` forked children; results go
    to `accept(result)` in the parent, in whatever order the children finish.

        with ForkedChunks(processes=2) as chunks:
            for facts in stream:
                chunks.submit(partial(score, facts), rows.update)

    `submit` blocks while `processes` children are busy; leaving the block waits for the rest
    (or, on an exception, kills them)."""

    child_timeout = 600.0  # seconds a chunk may take in a child before it is taken for stuck

    def __init__(self, *, processes: int) -> None:
        self.processes = processes if can_fork() else 1
        self.running: list[_Child[R]] = []
        self.stats = ForkStats()

    def __enter__(self) -> ForkedChunks[R]:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            while self.running:
                self._collect(self._wait_any())
        else:
            self._abandon()

    def submit(self, work: Callable[[], R], accept: Callable[[R], None]) -> None:
        if self.processes <= 1:
            self._score_here(work, accept)
            return
        while len(self.running) >= self.processes:
            self._collect(self._wait_any())
        try:
            child = self._fork(work, accept)
        except OSError as exc:  # no process or file to spare (EAGAIN, ENOMEM, a full disk)
            self.stats.failures.append(f"fork: {exc}")
            logger.warning("could not fork for a chunk (%s); scoring it in the parent", exc)
            self._score_here(work, accept)
            return
        self.running.append(child)

    def _score_here(self, work: Callable[[], R], accept: Callable[[R], None]) -> None:
        self.stats.chunks_in_parent += 1
        accept(work())

    # --- parent side ----------------------------------------------------------------------

    def _fork(self, work: Callable[[], R], accept: Callable[[R], None]) -> _Child[R]:
        output = tempfile.TemporaryFile()  # noqa: SIM115 (closed when the child is collected)
        try:
            exited, alive = os.pipe()
        except OSError:
            output.close()
            raise
        try:
            pid = os.fork()
        except OSError:
            output.close()
            os.close(exited)
            os.close(alive)
            raise
        if pid == 0:  # pragma: no cover (runs in the child; its coverage is not collected)
            os.close(exited)
            _run_child(work, output)
        os.close(alive)
        return _Child(pid, output, exited, work, accept, time.monotonic() + self.child_timeout)

    def _wait_any(self) -> tuple[_Child[R], int | None]:
        """The first child to finish, and its wait status (None: reaped by someone else).

        Waits on the children's pipes rather than with waitpid(-1), which could reap a process
        the caller started; with poll, not select, which fails on descriptors past 1023. A
        child still running at its deadline is killed (a chunk takes seconds: one that takes
        minutes is stuck, say on a lock another thread held at the fork) and reported as such."""
        poller = select.poll()
        for running in self.running:
            poller.register(running.exited, select.POLLIN | select.POLLHUP)
        while True:
            first = min(self.running, key=lambda running: running.deadline)
            wait_ms = max(0, math.ceil((first.deadline - time.monotonic()) * 1000))
            ready = {fd for fd, _event in poller.poll(wait_ms)}
            if ready:
                child = next(child for child in self.running if child.exited in ready)
                break
            if time.monotonic() >= first.deadline:
                child, child.killed = first, True
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child.pid, signal.SIGKILL)
                break
        self.running.remove(child)
        os.close(child.exited)
        try:
            _pid, status = os.waitpid(child.pid, 0)
        except ChildProcessError:
            return child, None
        return child, status

    def _collect(self, finished: tuple[_Child[R], int | None]) -> None:
        child, status = finished
        try:
            outcome = self._read(child, status)
        finally:
            child.output.close()
        if outcome is None:
            self._score_here(child.work, child.accept)
            return
        result, private_kib = outcome
        self.stats.chunks_in_children += 1
        self.stats.child_private_peak_kib = max(self.stats.child_private_peak_kib, private_kib)
        child.accept(result)

    def _read(self, child: _Child[R], status: int | None) -> tuple[R, int] | None:
        reason = None
        if child.killed:
            reason = f"no result after {self.child_timeout:g} s: killed"
        elif status is not None and os.waitstatus_to_exitcode(status) != 0:
            reason = f"exit status {os.waitstatus_to_exitcode(status)}"
        else:
            try:
                child.output.seek(0)
                kind, payload, private_kib = pickle.load(child.output)  # noqa: S301 (our child's)
            except (EOFError, pickle.UnpicklingError, ValueError, TypeError) as exc:
                reason = f"unreadable result ({exc.__class__.__name__})"
            else:
                if kind == "ok":
                    return payload, private_kib
                reason = str(payload)
        self.stats.children_failed += 1
        self.stats.failures.append(reason)
        logger.warning("forked chunk failed (%s); scoring it in the parent instead", reason)
        return None

    def _abandon(self) -> None:
        for child in self.running:
            try:
                os.kill(child.pid, signal.SIGKILL)
                os.waitpid(child.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            os.close(child.exited)
            child.output.close()
        self.running = []


# --- child side ---------------------------------------------------------------------------


def _run_child(work: Callable[[], Any], output: IO[bytes]) -> None:  # pragma: no cover
    """In the forked child: do the work, write the result, leave without clean-up."""
    code = 1
    try:
        # The collector would walk (and so copy) every page inherited from the parent.
        gc.disable()
        # Stop when told to, without the parent's handlers (a Celery worker's, say).
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        try:
            envelope: tuple[str, Any, int] = ("ok", work(), 0)
        except BaseException as exc:
            envelope = ("error", f"{exc.__class__.__name__}: {exc}", 0)
        envelope = (envelope[0], envelope[1], _private_kib())
        pickle.dump(envelope, output, protocol=pickle.HIGHEST_PROTOCOL)
        output.flush()
        code = 0  # the parent reads how it went from the envelope
    finally:
        os._exit(code)


def _private_kib() -> int:
    """This process's private memory: pages it wrote since the fork or allocated itself."""
    try:
        with open("/proc/self/smaps_rollup", encoding="ascii") as rollup:
            return sum(
                int(line.split()[1])
                for line in rollup
                if line.startswith(("Private_Clean:", "Private_Dirty:"))
            )
    except OSError:
        return 0
