"""The interactive API docs work in a real browser under the site's Content-Security-Policy,
with Swagger UI from the installed sidecar package (no CDN)."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page():
    if not CHROMIUM.exists():
        if os.environ.get("HIREBOARD_REQUIRE_BROWSER") == "1":
            pytest.fail(f"HIREBOARD_REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        page.set_default_timeout(15_000)
        yield page
        browser.close()


def test_swagger_ui_renders_every_endpoint_from_local_files(live_server, page):
    requested_hosts, console_errors = set(), []
    page.on("request", lambda request: requested_hosts.add(request.url.split("/")[2]))
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector("text=/api/v1/applications/{id}/move/")
    assert page.locator(".opblock").count() >= 13
    assert requested_hosts == {live_server.url.split("/")[2]}
    assert not [error for error in console_errors if "Content Security Policy" in error]
