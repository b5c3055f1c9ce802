"""Real-browser tests: Playwright driving Debian's Chromium against pytest-django's live_server.

They skip when /usr/bin/chromium is missing, unless HIREBOARD_REQUIRE_BROWSER=1 (CI), where a
missing browser is a failure. Each test saves screenshots under test-results/<test name>/.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _allow_orm_beside_playwright(monkeypatch):
    """Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
    make around it are still plain synchronous calls. Set per test, so the variable never
    leaks into other tests (a deploy check in a subprocess would flag it)."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser():
    # Per test, not per session: Playwright's event loop must be gone before pytest-django
    # flushes the database after the test (outside the window where the ORM is allowed).
    if not CHROMIUM.exists():
        if os.environ.get("HIREBOARD_REQUIRE_BROWSER") == "1":
            pytest.fail(f"HIREBOARD_REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=10_000)  # generous on a loaded CI machine
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def output_dir(request) -> Path:
    folder = RESULTS_DIR / re.sub(r"[^\w.-]+", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _new_page(browser, output_dir, **context_options):
    context = browser.new_context(**{"viewport": {"width": 1366, "height": 900}, **context_options})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.screenshot_to = lambda name: page.screenshot(path=str(output_dir / f"{name}.png"), full_page=True)
    return context, page


@pytest.fixture
def page(browser, output_dir):
    context, page = _new_page(browser, output_dir)
    yield page
    page.screenshot_to("final")
    context.close()
    assert page.errors == [], f"JavaScript errors on the page: {page.errors}"


@pytest.fixture
def make_page(browser, output_dir):
    """Pages with other context options (a phone viewport, JavaScript off)."""
    contexts = []

    def make(**options):
        context, page = _new_page(browser, output_dir, **options)
        contexts.append(context)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def world(transactional_db, settings):
    from tests.factories import build_world

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_ENABLED = False
    return build_world()


def log_in(page, live_server, email: str) -> None:
    from tests.factories import TEST_PASSWORD

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
