"""ForkedChunks: chunks scored in forked children come back whole, and a failed child costs
time, not results."""

from __future__ import annotations

import logging
import os
import resource
import signal
from functools import partial

import pytest

from scoring.services.forked import ForkedChunks

PARENT = os.getpid()


def _square(n: int) -> tuple[int, int, int]:
    return n, n * n, os.getpid()


def _no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def _open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_chunks_run_in_children_and_every_result_arrives():
    files = _open_files()
    results = {}
    with ForkedChunks(processes=2) as chunks:
        for n in range(7):
            chunks.submit(partial(_square, n), lambda r: results.__setitem__(r[0], r))
    assert {n: square for n, square, _pid in results.values()} == {n: n * n for n in range(7)}
    pids = {pid for _n, _square, pid in results.values()}
    assert os.getpid() not in pids
    assert (chunks.stats.chunks_in_children, chunks.stats.chunks_in_parent) == (7, 0)
    assert chunks.stats.child_private_peak_kib > 0
    assert _no_children_left()
    assert _open_files() == files  # every pipe and result file closed


def test_one_process_scores_in_the_caller():
    results = []
    with ForkedChunks(processes=1) as chunks:
        chunks.submit(partial(_square, 3), results.append)
    assert results == [(3, 9, os.getpid())]
    assert chunks.stats.chunks_in_children == 0


def _fails_in_child(n: int, parent: int) -> int:
    if os.getpid() != parent:
        raise ValueError("坏数据")
    return n * 10


def _killed_in_child(n: int, parent: int) -> int:
    if os.getpid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)
    return n * 10


def _unpicklable_in_child(n: int, parent: int):
    if os.getpid() != parent:
        return lambda: n  # cannot be pickled back
    return n * 10


@pytest.mark.parametrize(
    ("work", "reason"),
    [
        (_fails_in_child, "ValueError: 坏数据"),
        (_killed_in_child, "exit status -9"),
        (_unpicklable_in_child, "exit status 1"),
    ],
)
def test_a_failed_child_is_redone_in_the_parent(work, reason, caplog):
    results = []
    with caplog.at_level(logging.WARNING), ForkedChunks(processes=2) as chunks:
        for n in (1, 2):
            chunks.submit(partial(work, n, os.getpid()), results.append)
    assert sorted(results) == [10, 20]
    assert chunks.stats.children_failed == 2
    assert chunks.stats.chunks_in_parent == 2
    assert chunks.stats.failures == [reason, reason]
    assert "scoring it in the parent instead" in caplog.text
    assert _no_children_left()


def _sleep_forever() -> None:
    signal.pause()


def _stuck_in_child(n: int, parent: int) -> int:
    if os.getpid() != parent:
        signal.pause()
    return n * 10


def test_a_stuck_child_is_killed_at_its_deadline_and_redone(monkeypatch, caplog):
    monkeypatch.setattr(ForkedChunks, "child_timeout", 0.5)
    results = []
    with caplog.at_level(logging.WARNING), ForkedChunks(processes=2) as chunks:
        chunks.submit(partial(_square, 5), lambda r: results.append(r[1]))
        chunks.submit(partial(_stuck_in_child, 3, os.getpid()), results.append)
    assert sorted(results) == [25, 30]
    assert (chunks.stats.chunks_in_children, chunks.stats.chunks_in_parent) == (1, 1)
    assert chunks.stats.failures == ["no result after 0.5 s: killed"]
    assert _no_children_left()


def test_an_error_in_the_parent_stops_the_children():
    with pytest.raises(RuntimeError), ForkedChunks(processes=2) as chunks:
        chunks.submit(_sleep_forever, print)
        chunks.submit(_sleep_forever, print)
        raise RuntimeError("读取失败")
    assert chunks.running == []
    assert _no_children_left()


def test_when_no_process_can_be_forked_the_parent_scores_the_chunk(monkeypatch, caplog):
    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    files = _open_files()
    results = []
    with caplog.at_level(logging.WARNING), ForkedChunks(processes=2) as chunks:
        chunks.submit(partial(_square, 4), results.append)
    assert results == [(4, 16, os.getpid())]
    assert (chunks.stats.chunks_in_children, chunks.stats.chunks_in_parent) == (0, 1)
    assert "could not fork" in caplog.text
    assert chunks.running == []
    assert _open_files() == files


def test_children_are_awaited_past_descriptor_1023():
    """A long-running worker may hold many descriptors: select() would refuse ours."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1100:
        pytest.skip(f"this machine allows only {hard} open files")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1100), hard))
    devnull = os.open(os.devnull, os.O_RDONLY)
    held = [devnull, *(os.dup(devnull) for _ in range(1030))]
    try:
        results = []
        with ForkedChunks(processes=2) as chunks:
            for n in range(3):
                chunks.submit(partial(_square, n), results.append)
        assert sorted(n for n, _square, _pid in results) == [0, 1, 2]
        assert chunks.stats.chunks_in_children == 3
    finally:
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
