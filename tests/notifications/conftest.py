from __future__ import annotations

# The same fixtures as the dashboard's tests (a phase closing in 7 days, a pinned rubric).
from tests.dashboard.conftest import _clear_cache, phase, pin  # noqa: F401
