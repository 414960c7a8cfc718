"""Browser tests: real headless Chromium (Debian's) against the live test server.

Every page a test visits can be checked with axe-core; each test also fails if the page logs
a Content-Security-Policy violation or a JavaScript error, so the policy stays strict.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from governance.demo import seed_organisation
from tests.conftest import REQUIRE_SERVICES, TOTP_SECRET
from tests.totp import code_for_step

# The live server thread and the test share the database; Playwright's sync API runs an event
# loop in the test thread, which Django would otherwise refuse to touch the database from.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
DEMO_PASSWORD = "browser-demo-password"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    missing = [str(path) for path in (CHROMIUM, AXE) if not path.exists()]
    for item in items:
        if "tests/browser" not in str(item.path):
            continue
        item.add_marker(pytest.mark.browser)
        if missing:
            if REQUIRE_SERVICES:
                raise pytest.UsageError(f"Browser tests need {', '.join(missing)}")
            item.add_marker(pytest.mark.skip(reason=f"needs {', '.join(missing)}"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page that records console errors (CSP violations among them)."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.console_errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()
    assert errors == [], f"The browser reported errors: {errors}"


@pytest.fixture
def demo_council(transactional_db: Any, settings: Any) -> None:
    settings.DEMO_PASSWORD = DEMO_PASSWORD
    seed_organisation(password=DEMO_PASSWORD, totp_secret=TOTP_SECRET)


_last_step: dict[str, int] = {}


def _unused_code(login: str) -> str:
    """The phone's current code, waiting for the next step if this person already used it."""
    now = time.time()
    step = int(now) // 30
    if _last_step.get(login) == step:
        time.sleep(30 - now % 30 + 0.1)
        step += 1
    _last_step[login] = step
    return code_for_step(TOTP_SECRET, step)


def sign_in(page: Page, base_url: str, login: str) -> None:
    page.goto(f"{base_url}/auth/login/")
    page.get_by_label("Work email address").fill(f"{login}@demo.council.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    if page.url.endswith("/auth/2fa/authenticate/"):
        assert_accessible(page)
        page.get_by_label("Code").fill(_unused_code(login))
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: url.startswith(base_url) and "/auth/" not in url)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/auth/login/")


def assert_accessible(page: Page) -> None:
    """axe-core, WCAG 2.2 A and AA rules: no serious or critical violation."""
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag', values:
            ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"""
    )
    serious = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in result["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]
    assert serious == [], f"{page.url}: {serious}"
