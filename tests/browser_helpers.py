"""Headless Debian Chromium driven by Playwright's Python API, for the browser tests."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
# Screenshots land here, so a person can look at them after a run (CI prints the path).
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS_DIR", Path(__file__).resolve().parent.parent / "test-artifacts"))
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium():
    """Fail in CI, skip (saying why) on a laptop, when there is no Chromium to drive."""
    if Path(CHROMIUM).exists():
        return
    message = f"Chromium not found at {CHROMIUM}: install Debian's chromium (make setup does) to run the browser tests"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def page(live_server, monkeypatch):
    require_chromium()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still
    # plain synchronous code, which Django would otherwise refuse in the presence of a loop.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        # A clerk's browser runs on Vietnam's time, like the server: in UTC the admin's date widgets add
        # "Lưu ý: Hiện tại bạn đang thấy thời gian sau 7 giờ ..." to every screenshot.
        context = browser.new_context(
            viewport={"width": 1400, "height": 1000},
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
            accept_downloads=True,
        )
        context.set_default_timeout(15000)
        tab = context.new_page()
        tab.base_url = live_server.url
        try:
            yield tab
        finally:
            context.close()
            browser.close()
