"""Browser tests: Debian's chromium driven by Playwright against pytest-django's live server.

Never `playwright install`: the browser is /usr/bin/chromium (`apt-get install -y chromium
fonts-noto-cjk`; .ci/run does it when missing). Run with `make e2e`.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOT_DIR = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects: `make test` must never need a browser
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    e2e_dir = Path(__file__).parent
    for item in items:
        if e2e_dir in item.path.parents:
            item.add_marker(pytest.mark.e2e)


# Module scope, not session: Playwright's sync API allows one instance per thread at a time, so
# a session-long browser would break any other browser test module that starts its own. A
# launch costs about half a second per module.
@pytest.fixture(scope="module")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk")
    # Playwright's sync API keeps an asyncio loop on the test thread, and Django refuses ORM
    # calls from a thread with a running loop. The tests' own ORM calls (load_demo, flushing
    # the transactional database) are plain synchronous code, so allow them while the browser
    # runs, and only then.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def demo_password(live_server, browser) -> str:
    """Load the demo data into the live server's (transactional) database; return the demo
    users' password as the command module publishes it."""
    from campaigns.management.commands import load_demo

    call_command("load_demo", stdout=io.StringIO())
    return load_demo.DEMO_PASSWORD


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR
