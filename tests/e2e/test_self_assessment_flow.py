"""The self-assessment flow in a real browser: a branch user fills two items (and a record in
the records table), uploads a PDF
and a PNG (progress bars reach 100%), submits; a reviewer returns one with a comment; the
branch fixes and resubmits; the reviewer accepts; the unit's score sheet shows the verified
points. Screenshots of the form and the queue land in test-artifacts/screenshots/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.enums import Role
from campaigns.enums import PhaseKind
from scoring.services import load_rubric_version, pin_rubric, register_candidate
from submissions.models import Claim
from tests.evidence.samples import png_bytes, sample_bytes
from tests.factories import (
    CampaignFactory,
    OrgUnitFactory,
    ParticipationFactory,
    PhaseFactory,
    UserFactory,
)
from tests.submissions.conftest import COLLECTIVE

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PASSWORD = "pass-word-123"
LAPTOP = {"width": 1366, "height": 900}


@pytest.fixture
def evidence_root(settings, tmp_path):
    root = tmp_path / "evidence"
    root.mkdir()
    settings.EVIDENCE_ROOT = root
    return root


def _setup():
    city = OrgUnitFactory(name="测试市生态环境局", code="E2E-CITY", kind="city_bureau")
    branch_unit = OrgUnitFactory(name="泰山分局", code="E2E-TS", parent=city)
    campaign = CampaignFactory(issuing_unit=city, title="浏览器测试练兵活动")
    ParticipationFactory(campaign=campaign, unit=branch_unit)
    PhaseFactory(
        campaign=campaign,
        kind=PhaseKind.SELF_ASSESSMENT,
        starts_at=timezone.now() - dt.timedelta(days=1),
        ends_at=timezone.now() + dt.timedelta(days=5),
    )
    admin = UserFactory(username="e2e_admin", role=Role.CAMPAIGN_ADMIN, unit=city)
    branch = UserFactory(username="e2e_branch", role=Role.BRANCH_STAFF, unit=branch_unit)
    UserFactory(username="e2e_reviewer", role=Role.REVIEWER, unit=city)
    pin = pin_rubric(
        campaign=campaign, version=load_rubric_version(path_or_text=COLLECTIVE), actor=admin
    )
    candidate = register_candidate(campaign_rubric=pin, unit=branch_unit, actor=admin)
    return branch, candidate


def _login(browser, live_server, username):
    context = browser.new_context(viewport=LAPTOP, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server.url + reverse("login"))
    form = page.locator("form:has(input[name=username])")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("[type=submit]").click()
    page.wait_for_load_state()
    return context, page, errors


def test_branch_fills_submits_reviewer_returns_and_accepts(
    browser, live_server, screenshot_dir, evidence_root
):
    _branch, candidate = _setup()
    form_url = live_server.url + reverse("submissions:self_assessment", args=[candidate.pk])
    queue_url = live_server.url + reverse("submissions:review_queue")

    branch_ctx, page, branch_errors = _login(browser, live_server, "e2e_branch")
    reviewer_ctx, rpage, reviewer_errors = _login(browser, live_server, "e2e_reviewer")
    try:
        # --- the branch fills two items; the engine's points appear without saving ------------
        page.goto(form_url)
        page.locator('[name="i-equip_pts-equip_ratio"]').fill("96")
        page.locator('[name="i-cases_pts-cases"]').fill("6")
        expect(page.get_by_test_id("points-equip_pts")).to_have_text("2.00")
        expect(page.get_by_test_id("points-cases_pts")).to_have_text("3.00")
        # Records are typed into a small table, not JSON (the JSON textarea is hidden).
        editor = page.locator("#item-case_pts .rec-editor")
        expect(page.locator('[name="i-case_pts-case_log"]')).to_be_hidden()
        editor.get_by_role("button", name="添加一条").click()
        editor.locator('[data-field="score"]').fill("80")
        expect(page.get_by_test_id("points-case_pts")).to_have_text("3.20")

        # --- uploads a PDF and a PNG as evidence of the first item ---------------------------
        # One file at a time: the live server's in-memory SQLite locks tables between
        # concurrent requests (the uploader itself sends files in parallel).
        picker = page.locator("#uploader-equip_pts .evidence-picker")
        bars = page.locator("#uploader-equip_pts progress")
        uploads = [
            {"name": "配备清单.pdf", "mimeType": "application/pdf", "buffer": sample_bytes("pdf")},
            {"name": "终端照片.png", "mimeType": "image/png", "buffer": png_bytes(8, 8, 3)},
        ]
        for count, upload in enumerate(uploads, start=1):
            picker.set_input_files([upload])
            expect(bars).to_have_count(count)
            page.wait_for_function(
                "n => { const bars = document.querySelectorAll('#uploader-equip_pts progress');"
                " return bars.length === n && Array.from(bars).every(p => p.value === 100); }",
                arg=count,
            )
        expect(page.locator("#uploader-equip_pts input[type=hidden]")).to_have_count(2)
        page.screenshot(path=screenshot_dir / "self-assessment-form.png", full_page=True)

        page.get_by_test_id("submit-claims").click()
        page.wait_for_load_state()
        expect(page.get_by_test_id("status-equip_pts")).to_have_text("已提交")
        expect(page.get_by_test_id("status-cases_pts")).to_have_text("已提交")
        expect(page.locator("#item-equip_pts .sa-files")).to_contain_text("配备清单.pdf")
        expect(page.locator("#item-equip_pts .sa-files")).to_contain_text("终端照片.png")

        # --- the reviewer sees the queue and returns the cases item with a comment ------------
        cases_claim = Claim.objects.get(candidate=candidate, item_id="cases_pts")
        rpage.goto(queue_url)
        expect(rpage.locator("main")).to_contain_text("泰山分局")
        expect(rpage.locator("main")).to_contain_text("配备清单.pdf")
        rpage.screenshot(path=screenshot_dir / "review-queue.png", full_page=True)
        rpage.goto(live_server.url + reverse("submissions:claim_review", args=[cases_claim.pk]))
        rpage.locator('textarea[name="comment"]').fill("案件数与台账不符，请核对后重新填报。")
        rpage.get_by_test_id("return").click()
        rpage.wait_for_load_state()
        expect(rpage.locator(".messages")).to_contain_text("条目已退回")

        # --- the branch fixes the returned item and resubmits ---------------------------------
        page.goto(form_url)
        expect(page.get_by_test_id("status-cases_pts")).to_have_text("已退回")
        expect(page.locator("#item-cases_pts")).to_contain_text("案件数与台账不符")
        page.locator('[name="i-cases_pts-cases"]').fill("8")
        expect(page.get_by_test_id("points-cases_pts")).to_have_text("4.00")
        page.get_by_test_id("submit-claims").click()
        page.wait_for_load_state()
        expect(page.get_by_test_id("status-cases_pts")).to_have_text("已提交")

        # --- the reviewer accepts both (bulk, evidence checked) --------------------------------
        rpage.goto(queue_url)
        for claim in Claim.objects.filter(candidate=candidate):
            row = rpage.locator(f'tr[data-claim="{claim.pk}"]')
            row.locator('input[name="claims"]').check()
            row.locator('input[name="evidence_checked"]').check()
        rpage.get_by_test_id("bulk-accept").click()
        rpage.wait_for_load_state()
        expect(rpage.locator(".messages")).to_contain_text("已认定 3 个条目")

        # --- the unit's score sheet shows the verified points ---------------------------------
        page.goto(live_server.url + reverse("scoring:score_sheet", args=[candidate.pk]))
        # equipment 2 + cases 8 × 0.5 = 4 + case files 80 / 100 × 4 = 3.2
        expect(page.get_by_test_id("total")).to_have_text("9.20")
        page.goto(form_url)
        expect(page.get_by_test_id("verified-cases_pts")).to_have_text("4.00")
        expect(page.get_by_test_id("verified-equip_pts")).to_have_text("2.00")
        # A clerk on a phone: the form does not scroll sideways.
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(form_url)
        scroll_width, inner_width = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        page.screenshot(path=screenshot_dir / "self-assessment-form-390.png", full_page=True)
        assert scroll_width <= inner_width
        assert branch_errors == []
        assert reviewer_errors == []
    finally:
        branch_ctx.close()
        reviewer_ctx.close()
