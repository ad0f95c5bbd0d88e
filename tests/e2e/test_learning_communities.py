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


def test_staff_find_organizations_by_searching_in_the_pickers(
    page: Page, live_server, login, cast, page_problems, monkeypatch
):
    """The collaboration form lists a few organizations; staff search for the others, choose
    one on each side, and the alliance form keeps each organization chosen across searches."""
    from learning_communities.models import Alliance, Collaboration
    from organizations import widgets
    from tests.personas import make_organization

    monkeypatch.setattr(widgets, "SEARCH_LIMIT", 2)
    far = make_organization("Zapotal Red Ciudadana", acronym="ZRC")
    farther = make_organization("Zurita Observatorio", acronym="ZOB")
    world = small_world(cast)
    set_preferred_language(user=cast.staff, language="en")
    login(cast.staff)

    page.goto(f"{live_server.url}/communities/collaborations/new/")
    first, second = page.locator("select[name=first]"), page.locator("select[name=second]")
    expect(first.locator(f"option[value='{far.pk}']")).to_have_count(0)  # past the first two
    page.get_by_test_id("first-search").fill("Zapotal")
    page.get_by_test_id("first-search").press("Enter")  # searches; does not submit the form
    expect(first.locator(f"option[value='{far.pk}']")).to_have_count(1)
    first.select_option(str(far.pk))
    # Not submitted: a submitted form comes back with its errors and an empty search box.
    expect(page.get_by_test_id("first-search")).to_have_value("Zapotal")
    expect(page.locator(".invalid-feedback")).to_have_count(0)
    page.get_by_test_id("second-search").fill("Zurita")
    expect(second.locator(f"option[value='{farther.pk}']")).to_have_count(1)
    second.select_option(str(farther.pk))
    page.get_by_label("Kind").select_option("information")
    page.get_by_label("Since").fill("2017-01-01")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("The collaboration was recorded.")
    pair = Collaboration.objects.get()
    assert {pair.first_id, pair.second_id} == {far.pk, farther.pk}

    page.goto(f"{live_server.url}{world.community.get_absolute_url()}alliances/new/")
    members = page.locator("select[name=members]")
    search = page.get_by_test_id("members-search")
    search.fill("Zapotal")
    expect(members.locator("optgroup[data-found] option")).to_have_count(1)
    members.select_option([str(far.pk)])
    search.fill("Zurita")
    # The first choice moved to the chosen group: still selected while the second is added.
    expect(members.locator(f"optgroup[data-chosen] option[value='{far.pk}']")).to_have_count(1)
    expect(members.locator("optgroup[data-found] option")).to_have_count(1)
    members.locator("optgroup[data-found] option").click(modifiers=["Control"])
    selected = members.evaluate("s => Array.from(s.selectedOptions).map(o => Number(o.value))")
    assert sorted(selected) == sorted([far.pk, farther.pk])
    assert not Alliance.objects.exists()
    assert page_problems.all() == []
