"""Every evidence test gets its own empty EVIDENCE_ROOT, so that file counts are exact."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.evidence.samples import sample_upload


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path) -> Path:
    root = tmp_path / "evidence"
    root.mkdir()
    settings.EVIDENCE_ROOT = root
    return root


def files_under(root: Path) -> list[Path]:
    """Every regular file under `root`, spool files in .incoming included."""
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.fixture
def stored(own_unit, own_staff):
    """`stored(kind)` stores a sample file of `kind` for the own unit and returns the row."""
    from evidence.services import store_upload

    def _store(kind: str = "pdf", **kwargs):
        return store_upload(unit=own_unit, upload=sample_upload(kind, **kwargs), actor=own_staff)

    return _store
