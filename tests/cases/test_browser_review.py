"""In a real browser (headless Debian chromium, marked e2e: `pytest -m e2e`): a reviewer opens
an assigned file, scores the checklist (autosaved as they go), marks a grave problem with a
reason, submits; the page locks, and the candidate's case-file results and score sheet show 0
with the reason.

The `browser` fixture lives in tests/e2e/conftest.py, which this directory does not see, so a
minimal copy is here."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.enums import Role
from cases import services
from cases.enums import AssignmentStatus, HandlerRole
from cases.models import Assignment, FileReview
from scoring.services import load_rubric_version, pin_rubric, register_candidate
from tests.factories import (
    CampaignFactory,
    OfficerFactory,
    OrgUnitFactory,
    ParticipationFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e]

CHROMIUM = Path("/usr/bin/chromium")
RUBRICS = Path(__file__).resolve().parents[2] / "scoring" / "rubrics"
PASSWORD = "pass-word-123"


@pytest.fixture
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"], headless=True
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _setup():
    city = OrgUnitFactory(name="浏览器测试市局", code="B-CITY", kind="city_bureau")
    home = OrgUnitFactory(name="泰山分局", code="B-TS", parent=city)
    away = OrgUnitFactory(name="岱岳分局", code="B-DY", parent=city)
    campaign = CampaignFactory(issuing_unit=city, title="案卷评查浏览器测试")
    ParticipationFactory(campaign=campaign, unit=home)
    admin = UserFactory(username="b_admin", role=Role.CAMPAIGN_ADMIN, unit=city)
    reviewer = UserFactory(username="b_reviewer", role=Role.REVIEWER, unit=away)
    officer = OfficerFactory(name="李承办", unit=home)
    pin = pin_rubric(
        campaign=campaign,
        version=load_rubric_version(path_or_text=RUBRICS / "s002-individual.yaml"),
        actor=admin,
    )
    candidate = register_candidate(campaign_rubric=pin, officer=officer, actor=admin)
    services.register_case(
        unit=home,
        case_number="泰环罚〔2024〕77号",
        case_type="general_penalty",
        decision_date=dt.date(2024, 5, 6),
        handlers=[
            (officer, HandlerRole.INSPECTION_RECORD),
            (officer, HandlerRole.FILING_APPROVAL),
        ],
        actor=admin,
    )
    services.configure_review(
        campaign=campaign, checklist=services.load_checklist(actor=admin), actor=admin
    )
    seed = services.announce_seed(campaign=campaign, value="浏览器 9931", actor=admin)
    services.draw_files(candidate=candidate, slot="general", count=1, seed=seed, actor=admin)
    services.propose_assignments(campaign=campaign, actor=admin)
    services.approve_assignments(campaign=campaign, actor=admin)
    return candidate, Assignment.objects.get(reviewer=reviewer)


def _login(browser, live_server, username):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + reverse("login"))
    form = page.locator("form:has(input[name=username])")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("[type=submit]").click()
    page.wait_for_load_state()
    return context, page


def test_reviewer_scores_marks_grave_problem_submits_and_candidate_sees_zero(browser, live_server):
    from playwright.sync_api import expect

    candidate, assignment = _setup()
    assert assignment.status == AssignmentStatus.ACTIVE
    context, page = _login(browser, live_server, "b_reviewer")
    try:
        page.goto(live_server.url + reverse("cases:queue"))
        page.get_by_role("link", name="泰环罚〔2024〕77号").click()
        page.wait_for_load_state()
        # Item by item with the keyboard-friendly controls; each change autosaves.
        page.locator('input[name="state_filing"][value="scored"]').check()
        page.locator('input[name="points_filing"]').fill("6")
        page.locator('input[name="points_filing"]').press("Tab")
        expect(page.locator("#autosave-status")).to_contain_text("已自动保存")
        assert FileReview.objects.get().marks["items"]["filing"] == {
            "state": "scored",
            "points": "6",
        }
        reason = "笔录仅一名执法人员签名"
        page.locator('input[name="grave_G02"]').check()
        page.locator('input[name="reason_G02"]').fill(reason)
        page.get_by_test_id("submit").click()
        page.wait_for_load_state()
        expect(page.get_by_test_id("locked")).to_contain_text("评查结果已提交并锁定")
        expect(page.get_by_test_id("score")).to_have_text("0.00")
    finally:
        context.close()
    admin_ctx, admin_page = _login(browser, live_server, "b_admin")
    try:
        admin_page.goto(live_server.url + reverse("cases:candidate_files", args=[candidate.pk]))
        expect(admin_page.get_by_test_id("file-score")).to_have_text("0.00")
        expect(admin_page.get_by_test_id("files")).to_contain_text(reason)
        # The candidate's score sheet (scoring) shows the file at 0 with the reason too.
        admin_page.goto(live_server.url + reverse("scoring:score_sheet", args=[candidate.pk]))
        files = admin_page.get_by_test_id("sheet-case-files")
        expect(files.get_by_test_id("sheet-file-score")).to_have_text("0.00")
        expect(files.get_by_test_id("sheet-file-points")).to_have_text("0.00")
        expect(files).to_contain_text("泰环罚〔2024〕77号")
        expect(files.get_by_test_id("sheet-file-reasons")).to_contain_text(reason)
    finally:
        admin_ctx.close()
