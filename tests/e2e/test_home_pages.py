"""Each demo user signs in through the real login form and lands on the home page of their role,
on a laptop screen and on a phone, without horizontal scrolling."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.enums import Role
from accounts.models import User

pytestmark = [
    pytest.mark.e2e,
    # WhiteNoise warns that STATIC_ROOT has not been collected; the live server serves static
    # files from the finders instead (as tests/campaigns/test_views.py notes too).
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}

# Demo username -> a heading only that role's home page shows (campaigns/templates/campaigns/home/).
HOME_TEXT = {
    "branch": "本单位的练兵活动",
    "branch2": "本单位的练兵活动",
    "reviewer": "复审安排",
    "admin": "活动设置",
    "leader": "活动总览",
}


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1366", "390"])
@pytest.mark.parametrize("username", list(HOME_TEXT))
def test_demo_user_signs_in_and_sees_role_home(
    browser, live_server, demo_password, screenshot_dir, username, viewport
):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    login_url = live_server.url + reverse("login")
    try:
        page.goto(login_url)
        form = page.locator("form:has(input[name=username])")
        form.locator("input[name=username]").fill(username)
        form.locator("input[name=password]").fill(demo_password)
        form.locator("[type=submit]").click()
        page.wait_for_load_state()

        expect(page).to_have_url(live_server.url + reverse("home"))
        main = page.locator("main")
        expect(main).to_contain_text(HOME_TEXT[username])
        # The greeting names the user; branch staff also see their own unit, not another's.
        user = User.objects.select_related("unit").get(username=username)
        expect(main).to_contain_text(str(user))
        if user.role == Role.BRANCH_STAFF:
            expect(main).to_contain_text(user.unit.name)
        scroll_width, inner_width = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        page.screenshot(path=screenshot_dir / f"{username}-{viewport['width']}.png", full_page=True)
        assert scroll_width <= inner_width, (
            f"{username} home scrolls sideways at {viewport['width']}px: "
            f"content is {scroll_width}px wide"
        )
        assert page_errors == []
    finally:
        context.close()
