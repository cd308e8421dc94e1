"""The uploader in headless Chromium: several files, a progress bar each reaching 100%, the
server's Chinese message for a refused file, and hidden inputs carrying the stored ids.

Marked e2e (run by `make e2e`, skipped by `make test`); needs /usr/bin/chromium, never a
downloaded browser.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from evidence.models import EvidenceFile
from evidence.sniff import WRONG_CONTENT
from tests.evidence.samples import exe_bytes, pdf_bytes, png_bytes

pytestmark = pytest.mark.e2e
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def page(live_server):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                args=["--headless", "--no-sandbox", "--disable-gpu"],
                headless=True,
            )
            # A Chinese user's browser: the server answers in zh-hans (English is available).
            yield browser.new_page(locale="zh-CN")
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def test_uploader_uploads_several_files_with_progress(
    page, live_server, client, own_staff, own_unit
):
    client.force_login(own_staff)
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    page.goto(f"{live_server.url}/evidence/unit/{own_unit.pk}/")
    assert page.locator("h1").inner_text().startswith(own_unit.name)

    page.set_input_files(
        ".evidence-picker",
        files=[
            {"name": "检查记录.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()},
            {"name": "现场照片.png", "mimeType": "image/png", "buffer": png_bytes()},
            {"name": "伪装.pdf", "mimeType": "application/pdf", "buffer": exe_bytes()},
        ],
    )
    page.wait_for_function(
        "document.querySelectorAll('.evidence-item.is-done, .evidence-item.is-error').length === 3"
    )
    done = page.locator(".evidence-item.is-done")
    assert done.count() == 2
    assert [done.nth(i).locator("progress").evaluate("p => p.value") for i in range(2)] == [
        100,
        100,
    ]
    error = page.locator(".evidence-item.is-error")
    assert error.locator(".evidence-item-status").inner_text() == str(WRONG_CONTENT)

    ids = sorted(
        int(v)
        for v in page.locator("input[type=hidden][name=uploaded_evidence]").evaluate_all(
            "inputs => inputs.map(i => i.value)"
        )
    )
    stored = EvidenceFile.objects.order_by("pk")
    assert ids == [f.pk for f in stored]
    assert [f.original_name for f in stored] == ["检查记录.pdf", "现场照片.png"] or [
        f.original_name for f in stored
    ] == ["现场照片.png", "检查记录.pdf"]
    assert done.locator("a.evidence-item-link").count() == 2
