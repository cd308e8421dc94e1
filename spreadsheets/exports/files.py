"""File names and atomic writes of exported workbooks."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def download_name(subject: str, what: str) -> str:
    """“<subject>-<what>.xlsx” with the characters file systems refuse replaced."""
    stem = _UNSAFE.sub("_", f"{subject}-{what}").strip(" .") or what
    return f"{stem[:150]}.xlsx"


@contextmanager
def atomic_target(target: str | Path) -> Iterator[Path]:
    """A temporary path beside `target`, renamed to it only if the block completes; a failed
    or interrupted export leaves no half-written file under the target's name."""
    target = Path(target)
    partial = target.with_name(f".{target.name}.partial")
    try:
        yield partial
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
