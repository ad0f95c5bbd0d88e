"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live_server.

Without Chromium these tests skip locally, but fail when CI=true: CI must never skip them
silently. Jobs are held by a stand-in for the broker (see `held_jobs`), so the job page really
polls before the job finishes; the real worker on Redis is covered by tests/integration/.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

import csa_portal.tasks
from csa_portal import jobs
from tests.personas import PASSWORD

# Playwright's sync API runs an event loop in the test thread; the ORM calls that arrange and
# check data in that same thread are safe (they are not inside a coroutine).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def unavailable(reason: str) -> None:
    """Skip locally; fail under CI=true so a missing service cannot pass as green."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: e2e tests must run, not skip)", pytrace=False)
    pytest.skip(reason)


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session", autouse=True)
def _e2e_services() -> None:
    if shutil.which("chromium") is None:
        unavailable("Debian's chromium is not installed (apt-get install chromium)")
    database = settings.DATABASES["default"]
    if "postgresql" in database["ENGINE"]:
        host, port = database.get("HOST") or "127.0.0.1", int(database.get("PORT") or 5432)
        if not _reachable(host, port):
            unavailable(f"PostgreSQL is not reachable at {host}:{port}")


@pytest.fixture(scope="session")
def playwright(playwright) -> Iterator:
    """pytest-playwright's Playwright, and the database connections opened while it ran closed
    before it stops.

    Django keeps each thread's connections in asgiref's Local, which keeps them per context
    while an event loop runs in the thread; Playwright's sync API keeps its loop running from
    its start to its stop. So every test from the first browser test on (transactional tests
    of other folders too) used a second connection, which nothing closed: pytest-django then
    could not drop the test database ("being accessed by other users"). Closed here, while
    the loop still runs, it is that connection that closes."""
    yield playwright
    connections.close_all()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    # Playwright cannot download its own browser here: use the system one.
    return {
        **browser_type_launch_args,
        "executable_path": shutil.which("chromium"),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    # A fixed browser language: anonymous pages follow Accept-Language.
    return {**browser_context_args, "locale": "en-US", "viewport": {"width": 1280, "height": 900}}


# Data migrations whose rows the tests rely on; each module has an idempotent seed(apps, _).
# Data-migration rows are put back before each transactional test (tests/migrated_data.py;
# tests/conftest.py puts them back after each).
from tests.migrated_data import _migrated_data  # noqa: E402, F401


class PageProblems:
    """Console errors, uncaught exceptions and failed requests seen by one page."""

    def __init__(self) -> None:
        self.console: list[str] = []
        self.failed_responses: list[str] = []
        self.page_errors: list[str] = []

    def all(self, *, ignore: re.Pattern[str] | None = None) -> list[str]:
        problems = self.console + self.failed_responses + self.page_errors
        return [p for p in problems if not (ignore and ignore.search(p))]


@pytest.fixture
def page_problems(page) -> PageProblems:
    problems = PageProblems()

    def on_console(message) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            problems.console.append(f"console error: {message.text} ({where})")

    def on_response(response) -> None:
        if response.status >= 400:
            problems.failed_responses.append(
                f"HTTP {response.status} {response.request.method} {response.url}"
            )

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda exc: problems.page_errors.append(f"page error: {exc}"))
    return problems


@pytest.fixture(autouse=True)
def _screenshot(page, request, pytestconfig) -> Iterator[None]:
    """One screenshot per test, of the page as the test left it (passed or failed)."""
    yield
    folder = Path(pytestconfig.getoption("--output")).absolute()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=folder / f"{request.node.name}.png", full_page=True)
    except Exception as exc:  # a screenshot must never hide the test's own result
        print(f"Could not take a screenshot: {exc}")


class HeldJobs:
    """Stands in for the broker: keeps what start_job enqueues until the test delivers it."""

    def __init__(self) -> None:
        self.queued: list[str] = []

    def delay(self, job_id: str) -> None:
        self.queued.append(job_id)

    def deliver(self) -> list[str]:
        delivered, self.queued = self.queued, []
        for job_id in delivered:
            jobs.run_job(job_id)
        return delivered


@pytest.fixture
def held_jobs(monkeypatch) -> HeldJobs:
    held = HeldJobs()
    # csa_portal.jobs looks the task up in csa_portal.tasks each time it enqueues.
    monkeypatch.setattr(csa_portal.tasks, "run_job_task", held)
    return held


@pytest.fixture
def login(page, live_server):
    """login(user) -> logs in through the real form (django-axes sees the attempt)."""

    def log_in(user) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("input[name=username]").fill(user.email)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/")

    return log_in
