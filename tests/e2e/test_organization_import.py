"""Staff import organizations from a file: every bad row first, then a job with a progress bar."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Route, expect

from csa_portal.models import Job
from csa_portal.services import set_preferred_language
from organizations.models import Organization

pytestmark = [pytest.mark.e2e]

HEADER = "name,state,tier,themes,municipality,rfc\n"
GOOD_ROWS = [
    "Colectivo Importado Uno,SON,2,youth;migration,Hermosillo,CIU150101AB1\n",
    "Colectivo Importado Dos,Chihuahua,,human-rights,Juárez,\n",
]
BAD_ROW = "Colectivo Sin Estado,Atlantis,1,,Nogales,\n"
NAMES = ["Colectivo Importado Uno", "Colectivo Sin Estado", "Colectivo Importado Dos"]


def csv_file(*rows: str) -> dict:
    return {
        "name": "organizaciones.csv",
        "mimeType": "text/csv",
        "buffer": (HEADER + "".join(rows)).encode("utf-8"),
    }


def upload(page: Page, file: dict) -> None:
    form = page.locator("main form[enctype='multipart/form-data']")
    form.locator("input[type=file][name=file]").set_input_files(file)
    with page.expect_navigation():
        form.get_by_role("button", name="Check the file").click()


def test_staff_imports_a_file_after_fixing_the_bad_row(
    page: Page, live_server, login, cast, held_jobs, page_problems
):
    set_preferred_language(user=cast.staff, language="en")  # staff work in both languages
    organizations_before = Organization.objects.count()
    login(cast.staff)
    page.goto(f"{live_server.url}/organizations/import/")

    # Row 3 (the header is row 1) names a state that does not exist.
    upload(page, csv_file(GOOD_ROWS[0], BAD_ROW, GOOD_ROWS[1]))
    error_rows = page.locator("main tbody tr[data-row]")
    expect(error_rows).to_have_count(1)
    bad = page.locator("main tr[data-row='3']")
    expect(bad.locator("td").first).to_have_text("3")
    expect(bad).to_contain_text("state")
    expect(bad).to_contain_text("Atlantis")
    expect(page.get_by_role("button", name="Import now")).to_have_count(0)
    assert Organization.objects.count() == organizations_before
    assert not Organization.objects.filter(name__in=NAMES).exists()
    assert not Job.objects.exists()

    # The corrected file: the bad row is gone.
    upload(page, csv_file(*GOOD_ROWS))
    expect(page.locator("main tr[data-row]")).to_have_count(0)
    page.get_by_role("button", name="Import now").click()
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f-]{36}/$"))
    job = Job.objects.get()
    assert page.url == f"{live_server.url}/jobs/{job.pk}/"
    assert held_jobs.queued == [str(job.pk)]

    # The job has not run yet: the page shows it queued and htmx polls for progress. The
    # stand-in broker delivers the job on a poll, and the next poll shows the result.
    progress = page.locator("#job-progress")
    expect(progress).to_have_attribute("data-status", "queued")
    expect(progress.locator("progress")).to_have_attribute("value", "0")
    polls: list[str] = []

    def deliver_on_poll(route: Route) -> None:
        polls.append(route.request.url)
        held_jobs.deliver()  # the server is idle while this request is held
        route.continue_()

    page.route(re.compile(rf"/jobs/{job.pk}/progress/$"), deliver_on_poll)
    expect(progress).to_have_attribute("data-status", "succeeded", timeout=15_000)
    expect(progress.locator("progress")).to_have_attribute("value", "100")
    expect(progress).to_contain_text("100%")
    expect(progress).to_contain_text("2 organizations were imported.")
    assert polls and all(url.endswith(f"/jobs/{job.pk}/progress/") for url in polls)
    progress_requests = len(polls)
    page.wait_for_timeout(1_500)  # a finished job's fragment stops the polling
    assert len(polls) == progress_requests

    job.refresh_from_db()
    assert (job.status, job.progress, job.result["created"]) == (Job.Status.SUCCEEDED, 100, 2)
    assert Organization.objects.count() == organizations_before + 2
    uno = Organization.objects.get(name="Colectivo Importado Uno")
    assert (uno.state, uno.tier.number, uno.rfc) == ("SON", 2, "CIU150101AB1")
    assert sorted(t.code for t in uno.thematic_areas.all()) == ["migration", "youth"]
    dos = Organization.objects.get(name="Colectivo Importado Dos")
    assert (dos.state, dos.tier, dos.municipality) == ("CHIH", None, "Juárez")
    assert not Organization.objects.filter(name="Colectivo Sin Estado").exists()

    assert page_problems.all() == []
