"""The objection flow in headless Chromium: a member of the public opens the notice page (no
login), files an objection with an attachment; the office finds it, records the investigation
and upholds it; the candidate shows as vetoed on the ranking page and leaves the public list.
Screenshots of the public page (laptop and phone) and of the ranking land in
test-artifacts/screenshots/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.enums import Role
from publication import services
from publication.models import Objection
from scoring.enums import FactSource
from scoring.services import (
    evaluate_campaign,
    load_rubric_version,
    pin_rubric,
    record_fact,
    register_candidate,
    set_shortlist_rules,
)
from tests.e2e.conftest import browser, screenshot_dir  # noqa: F401  (fixtures)
from tests.factories import (
    CampaignFactory,
    OfficerFactory,
    OrgUnitFactory,
    ParticipationFactory,
    UserFactory,
)
from tests.publication.conftest import CASES, RUBRIC
from tests.publication.test_objections import PDF

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PASSWORD = "pass-word-123"
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def flow_settings(settings, tmp_path):
    root = tmp_path / "evidence"
    root.mkdir()
    settings.EVIDENCE_ROOT = root
    settings.PUBLICATION_OBJECTION_MIN_SECONDS = 0
    settings.SCORING_EVALUATION_DEBOUNCE = 0
    from django.core.cache import cache

    cache.clear()
    yield settings
    cache.clear()


def _setup():
    city = OrgUnitFactory(name="测试市生态环境局", code="PUB-CITY", kind="city_bureau")
    units = [
        OrgUnitFactory(name="甲分局", code="PUB-A", parent=city),
        OrgUnitFactory(name="乙分局", code="PUB-B", parent=city),
    ]
    campaign = CampaignFactory(issuing_unit=city, title="浏览器测试练兵活动")
    for unit in units:
        ParticipationFactory(campaign=campaign, unit=unit)
    admin = UserFactory(username="pub_admin", role=Role.CAMPAIGN_ADMIN, unit=city)
    leader = UserFactory(username="pub_leader", role=Role.LEADERSHIP, unit=city)
    pin = pin_rubric(
        campaign=campaign, version=load_rubric_version(path_or_text=RUBRIC), actor=admin
    )
    set_shortlist_rules(campaign_rubric=pin, actor=admin, shortlist_size=2)
    for i, cases in enumerate(CASES):
        officer = OfficerFactory(
            name=f"张{'一二三四'[i]}", unit=units[i % 2], certificate_no=f"PUB-CERT-{i}"
        )
        register_candidate(campaign_rubric=pin, officer=officer, actor=admin)
        record_fact(
            campaign=campaign,
            subject=officer,
            key="cases",
            value=cases,
            source=FactSource.IMPORT,
            actor=admin,
        )
    evaluate_campaign(campaign=campaign)
    approval = services.submit_for_approval(campaign_rubric=pin, actor=admin)
    services.approve(approval=approval, actor=leader)
    now = timezone.now()
    notice = services.publish_notice(
        approval=approval,
        actor=admin,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(days=7),
        how_to_object="举报电话：0745-1234567（市局监察室）",
    )
    return pin, notice


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_public_objection_to_office_upholding_to_veto_on_the_ranking(
    browser,  # noqa: F811
    live_server,
    screenshot_dir,  # noqa: F811
    flow_settings,
    tmp_path,
):
    pin, notice = _setup()
    notice_url = live_server.url + reverse("publication:notice_public", args=[notice.pk])
    attachment = tmp_path / "现场照片说明.pdf"
    attachment.write_bytes(PDF)

    # 1. The public: no login, on a phone.
    public = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = public.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(notice_url)
    expect(page.locator("#notice-list")).to_contain_text("张一")
    expect(page.locator("#notice-list")).to_contain_text("张二")
    expect(page.locator("#notice-list")).not_to_contain_text("张三")
    expect(page.get_by_text("举报电话：0745-1234567")).to_be_visible()
    expect(page.locator("input[name=website]")).not_to_be_in_viewport()
    _no_sideways_scroll(page)
    page.screenshot(path=screenshot_dir / "public-notice-390.png", full_page=True)
    form = page.locator("#objection-form")
    form.locator("select[name=entry]").select_option(label="1. 张一（甲分局）")
    form.locator("input[name=objector_name]").fill("王群众")
    form.locator("input[name=objector_phone]").fill("13900001111")
    form.locator("textarea[name=content]").fill(
        "张一在一次现场检查中收受企业礼品，附现场照片说明。"
    )
    form.locator("input[name=attachments]").set_input_files(str(attachment))
    form.locator("[type=submit]").click()
    expect(page.locator(".message-success")).to_contain_text("您反映的情况已收到")
    objection = Objection.objects.get()
    assert (objection.objector_name, objection.attachments.count()) == ("王群众", 1)
    public.close()

    # 2. The office, on a laptop: signs in, finds the objection, upholds it.
    office = browser.new_context(viewport=LAPTOP, locale="zh-CN")
    opage = office.new_page()
    opage.on("pageerror", lambda error: errors.append(str(error)))
    opage.goto(live_server.url + reverse("login"))
    login = opage.locator("form:has(input[name=username])")
    login.locator("input[name=username]").fill("pub_admin")
    login.locator("input[name=password]").fill(PASSWORD)
    login.locator("[type=submit]").click()
    opage.wait_for_load_state()
    opage.goto(live_server.url + reverse("publication:objections", args=[notice.pk]))
    expect(opage.locator("#objection-table")).to_contain_text("王群众")
    opage.locator("#objection-table a", has_text=f"#{objection.pk}").click()
    expect(opage.get_by_text("现场照片说明.pdf")).to_be_visible()
    form = opage.locator("#investigation-form")
    form.locator("select[name=status]").select_option("upheld")
    form.locator("textarea[name=investigation]").fill("市局监察室调查核实：收受礼品属实。")
    form.locator("textarea[name=outcome]").fill("经查确实存在不廉洁行为，移出候选名单。")
    form.locator("select[name=veto_key]").select_option("integrity_violation_found")
    form.locator("[type=submit]").click()
    expect(opage.locator(".message-success")).to_contain_text("调查处理情况已记录")

    # 3. The ranking page shows the veto with the rubric's reason.
    opage.goto(live_server.url + reverse("scoring:ranking", args=[pin.pk]))
    excluded = opage.locator(".excluded-table")
    expect(excluded).to_contain_text("张一")
    expect(excluded).to_contain_text("一票否决")
    expect(excluded).to_contain_text("经查确实存在不廉洁行为，直接移出候选名单")
    opage.screenshot(path=screenshot_dir / "ranking-after-objection-1366.png", full_page=True)

    # The approved list stays as approved, marked; the office is told to submit again.
    opage.goto(live_server.url + reverse("publication:results", args=[pin.campaign_id]))
    expect(opage.locator(".results-table")).to_contain_text("经公示异议核查移出")
    expect(opage.get_by_text("请活动管理员重新报送审定")).to_be_visible()
    _no_sideways_scroll(opage)
    opage.screenshot(path=screenshot_dir / "results-after-objection-1366.png", full_page=True)

    opage.goto(live_server.url + reverse("publication:approval", args=[notice.approval_id]))
    expect(opage.get_by_role("alert")).to_contain_text("请活动管理员重新报送审定")
    opage.set_viewport_size(PHONE)
    _no_sideways_scroll(opage)
    opage.screenshot(path=screenshot_dir / "approval-stale-390.png", full_page=True)
    opage.set_viewport_size(LAPTOP)

    # 4. The public list no longer shows the removed candidate.
    opage.goto(notice_url)
    expect(opage.locator("#notice-list")).not_to_contain_text("张一")
    expect(opage.locator("#notice-list")).to_contain_text("张二")
    _no_sideways_scroll(opage)
    opage.screenshot(path=screenshot_dir / "public-notice-1366.png", full_page=True)
    office.close()
    assert errors == []
