"""Staff build a community report in the browser: the progress bar reaches 100%, the report
page opens and its PDF downloads."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect

from csa_portal.models import Job
from csa_portal.services import set_preferred_language
from learning_communities.models import KeyIssue, Report
from learning_communities.reference_data import ensure_key_issues
from learning_communities.services import (
    AttendanceEntry,
    add_facilitator,
    record_attendance,
)
from tests.learning_communities.helpers import event, small_world

pytestmark = [pytest.mark.e2e]


def test_staff_build_a_community_report_and_download_its_pdf(
    page: Page, live_server, login, cast, held_jobs, page_problems, tmp_path: Path
):
    ensure_key_issues(KeyIssue)  # the browser tests' database is flushed between tests
    world = small_world(cast)
    workshop = event(world.community, date(2018, 5, 1), kind="workshop", title="Taller de datos")
    add_facilitator(event=workshop, person=world.expert)
    record_attendance(
        event=workshop,
        entries=[AttendanceEntry(person=world.person), AttendanceEntry(person=world.colleague)],
    )
    set_preferred_language(user=cast.staff, language="en")
    login(cast.staff)

    page.goto(f"{live_server.url}{world.community.get_absolute_url()}")
    page.get_by_role("link", name="Reports").click()
    expect(page.locator("main h1")).to_have_text("Community reports")
    page.get_by_label("From").fill("2016-01-01")
    page.get_by_label("To").fill("2020-12-31")
    page.get_by_test_id("build-report").click()
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f-]{36}/$"))
    job = Job.objects.get()
    assert held_jobs.queued == [str(job.pk)]

    # Queued until the stand-in broker delivers it on a poll; then the bar reaches 100%.
    progress = page.locator("#job-progress")
    expect(progress).to_have_attribute("data-status", "queued")
    expect(progress.locator("progress")).to_have_attribute("value", "0")

    def deliver_on_poll(route: Route) -> None:
        held_jobs.deliver()
        route.continue_()

    page.route(re.compile(rf"/jobs/{job.pk}/progress/$"), deliver_on_poll)
    expect(progress).to_have_attribute("data-status", "succeeded", timeout=30_000)
    expect(progress.locator("progress")).to_have_attribute("value", "100")
    expect(progress).to_contain_text("100%")
    expect(progress).to_contain_text("The report is ready.")

    progress.get_by_role("link", name="See the result").click()
    report = Report.objects.get()
    page.wait_for_url(f"{live_server.url}{report.get_absolute_url()}")
    expect(page.locator("main h1")).to_have_text("Comunidad de Prueba")
    expect(page.get_by_test_id("report-events")).to_contain_text("Taller de datos")
    expect(page.get_by_test_id("report-attendance")).to_contain_text("Red de Prueba por la Paz")

    with page.expect_download() as download_info:
        page.get_by_test_id("download-pdf").click()
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert download.suggested_filename == "comunidad-de-prueba-2016-01-01-2020-12-31.pdf"
    assert saved.read_bytes().startswith(b"%PDF")

    assert page_problems.all() == []
