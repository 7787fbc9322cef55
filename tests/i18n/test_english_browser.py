"""The language switcher in a real browser: a Chinese browser switches to English and back;
the English pages pass axe like the Chinese ones (screenshots: test-artifacts/screens/8-english-*).

Playwright's sync API allows one instance per thread, and tests/browser keeps its own open
for the whole session (a fixture that this directory cannot share): these tests drive their
own Chromium from a thread of their own. The database work happens in the test's thread.
"""

from __future__ import annotations

import threading

import pytest

from tests.browser.conftest import CHROMIUM, Screen, _require
from tests.conftest import register

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def in_a_browser(live_server, steps) -> None:
    """Run ``steps(open_screen)`` with a Chromium of its own, in a thread of its own; re-raise what it raised."""
    _require(CHROMIUM, "Chromium")
    failure: list[BaseException] = []

    def run():
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync"])
                try:
                    steps(lambda name, **context: Screen(browser, live_server.url, name, **context))
                finally:
                    browser.close()
        except BaseException as e:  # noqa: BLE001 - handed to the test's thread
            failure.append(e)

    worker = threading.Thread(target=run, name="english-browser")
    worker.start()
    worker.join(timeout=300)
    assert not worker.is_alive(), "the browser steps did not finish in 5 minutes"
    if failure:
        raise failure[0]


def test_staff_switch_to_english_and_back(world, live_server):
    case = register(world).case

    def steps(screen):
        clerk = screen("8-english-staff")  # a zh-CN browser
        clerk.login("clerk_a")
        page = clerk.page
        assert page.locator("html").get_attribute("lang") == "zh-Hans"
        # when: the clerk asks for English on the case page
        clerk.go(f"/cases/{case.pk}/")
        page.get_by_role("button", name="English").click()
        page.wait_for_selector("html[lang=en]")
        # then: the same page, in English
        assert page.url.endswith(f"/cases/{case.pk}/")
        assert page.get_by_role("heading", name="Available actions").is_visible()
        assert page.get_by_role("link", name="My work").is_visible()
        clerk.shot("case")
        assert clerk.axe() == []
        # and the choice holds on the next page
        clerk.go("/intake/")
        assert page.get_by_role("heading", name="Register a grievance").is_visible()
        assert clerk.axe() == []
        # when: back to Chinese
        page.get_by_role("button", name="简体中文").click()
        page.wait_for_selector("html[lang=zh-Hans]")
        assert page.get_by_role("heading", name="登记信访事项").is_visible()
        clerk.close()

    in_a_browser(live_server, steps)


def test_portal_in_english_on_a_phone(world, live_server):
    r = register(world)

    def steps(screen):
        citizen = screen("8-english-portal", **PHONE)
        page = citizen.go("/portal/")
        page.get_by_role("button", name="English").click()
        page.wait_for_selector("html[lang=en]")
        page.get_by_role("link", name="Check progress").click()
        page.get_by_label("Case number").fill(r.case.number)
        page.get_by_label("Access code").fill(r.access_code)
        page.get_by_role("button", name="Look up").click()
        page.wait_for_selector("[data-testid=state]")
        assert page.get_by_test_id("state").inner_text() == "Registered"
        citizen.shot("case")
        assert citizen.axe() == []
        citizen.close()

    in_a_browser(live_server, steps)
