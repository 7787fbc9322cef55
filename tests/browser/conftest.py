"""A real browser (Debian's Chromium, headless) against a live server.

Screenshots of every screen go to test-artifacts/screens/. Without Chromium
the browser tests skip with a message, except under CI=true where that fails.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens"

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests
# make between browser steps are ordinary synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _require(path: Path | str, what: str) -> None:
    if Path(path).exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {what} is missing at {path}")
    pytest.skip(f"{what} not installed ({path}): browser tests skipped")


@pytest.fixture(scope="session")
def browser():
    _require(CHROMIUM, "Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield b
        b.close()


class Screen:
    """One person's browser tab, with screenshots and an axe check."""

    def __init__(self, browser, base_url: str, name: str, **context):
        self.context = browser.new_context(locale="zh-CN", **context)
        self.page = self.context.new_page()
        self.base = base_url
        self.name = name
        self.n = 0

    def go(self, path: str):
        self.page.goto(self.base + path)
        return self.page

    def shot(self, label: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.n += 1
        self.page.screenshot(path=str(SHOTS / f"{self.name}-{self.n:02d}-{label}.png"), full_page=True)

    def login(self, username: str) -> None:
        """Password, then the second factor: the code of the person's authenticator, computed as the app does
        (django_otp's TOTP) from a device made for them here, as enrolment would (tests/accounts)."""
        from django.contrib.auth import get_user_model
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from tests.conftest import totp_code

        user = get_user_model().objects.get(username=username)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="authenticator", confirmed=True)
        self.go("/accounts/login/")
        self.page.get_by_label("用户名").fill(username)
        self.page.get_by_label("密码").fill("pw-" + username)
        self.page.get_by_role("button", name="登录").click()
        self.page.wait_for_url(lambda url: "/accounts/mfa/" in url)
        self.page.get_by_label("验证码").fill(totp_code(device))
        self.page.get_by_role("button", name="验证").click()
        # 我的工作, or the first page of the menu for someone without grievances (a mediator: 人民调解)
        self.page.wait_for_url(lambda url: "/accounts/" not in url)

    def pick(self, label: str, option: str, within=None) -> None:
        """Choose ``option`` in the searchable picker labelled ``label`` (casework/web/pickers.py): type, then click."""
        box = (within or self.page).get_by_role("combobox", name=label)
        box.focus()
        self.page.keyboard.type(option)
        listbox = self.page.locator("#" + box.get_attribute("aria-controls"))
        listbox.get_by_role("option", name=option, exact=True).click()

    def axe(self) -> list[dict]:
        """Serious and critical axe-core violations on the current page."""
        _require(AXE, "axe-core (npm ci)")
        # evaluated by the browser's debugging protocol, not as an inline <script>: the page's
        # Content-Security-Policy (no inline script) stays on while axe checks it
        if not self.page.evaluate("() => typeof axe !== 'undefined'"):
            self.page.evaluate(AXE.read_text(encoding="utf-8"))
        result = self.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return [
            {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:3]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")
        ]

    def close(self):
        self.context.close()


@pytest.fixture
def screen(browser, live_server):
    opened = []

    def make(name: str, **context) -> Screen:
        s = Screen(browser, live_server.url, name, **context)
        opened.append(s)
        return s

    yield make
    for s in opened:
        s.close()


def pytest_collection_modifyitems(config, items):
    """Every test that drives the browser is marked ``browser``: `make test-fast` leaves them out."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
