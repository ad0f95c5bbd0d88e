"""A leader asks for legal help; a coordinator accepts it and matches the best-ranked firm; the
firm's lawyer confirms there is no conflict of interest and logs hours."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from legal_assistance.models import CaseStatus, ConfidentialAccess, HoursEntry, LegalCase
from tests.legal_assistance.helpers import TODAY, make_firm, make_lawyer
from tests.personas import speak_english

pytestmark = [pytest.mark.e2e]

NEED = "Tenemos declaraciones anuales pendientes desde 2019 y queremos regularizarnos."


def log_out(page: Page) -> None:
    with page.expect_navigation():
        page.locator("nav").get_by_role("button", name="Log out").click()


def test_leader_requests_coordinator_matches_lawyer_confirms_and_logs_hours(
    page: Page, live_server, login, cast, page_problems
):
    firm = make_firm("Bufete Uno", state="SON", areas=("corporate", "fiscal"), rate="2000")
    make_lawyer(firm, cast.lawyer)
    make_firm("Despacho Dos", state="NL", areas=("fiscal",))  # ranked second: another state
    speak_english(cast.leader, cast.legal_coordinator, cast.lawyer)

    # --- The leader asks for help from the organization's page.
    login(cast.leader)
    page.goto(f"{live_server.url}/organizations/{cast.org.pk}/")
    page.get_by_test_id("legal-panel").get_by_role("link", name="Request legal help").click()
    form = page.get_by_test_id("request-form")
    form.get_by_label("Area").select_option(label="Fiscal")
    form.get_by_label("Subject").fill("Declaraciones pendientes")
    form.get_by_label("What the organization needs").fill(NEED)
    form.get_by_label("Urgency").select_option(label="High: a deadline within a month")
    form.get_by_role("button", name="Send the request").click()
    page.wait_for_url(re.compile(r"/legal/cases/\d+/$"))
    case = LegalCase.objects.get()
    expect(page.get_by_role("status").first).to_have_text(
        "Your request was sent. A legal coordinator will review it."
    )
    expect(page.get_by_test_id("case-status")).to_have_text("Requested")
    expect(page.get_by_test_id("case-need")).to_contain_text(NEED)
    log_out(page)

    # --- The coordinator accepts it on the desk and matches the best-ranked firm.
    login(cast.legal_coordinator)
    page.locator("nav").get_by_role("link", name="Legal desk").click()
    expect(page.get_by_test_id("count-triage")).to_have_text("1")
    page.get_by_role("link", name=case.reference).click()
    triage = page.get_by_test_id("triage-form")
    triage.get_by_label("Accept the case").check()
    triage.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("status").first).to_have_text("The case was accepted: match a firm.")
    ranked = page.get_by_test_id("ranked-firm")
    expect(ranked).to_have_count(2)
    expect(ranked.first).to_contain_text("Bufete Uno")
    expect(ranked.first).to_contain_text("In the organization's state (Sonora).")
    expect(ranked.nth(1)).to_contain_text("In Nuevo León; the organization is in Sonora.")
    ranked.first.get_by_role("button", name="Match Bufete Uno").click()
    expect(page.get_by_test_id("case-status")).to_have_text("Matched, awaiting the firm")
    expect(page.get_by_test_id("case-firm")).to_have_text("Bufete Uno")
    log_out(page)

    # --- The lawyer confirms there is no conflict of interest and logs hours.
    login(cast.lawyer)
    panel = page.get_by_test_id("lawyer-panel")
    expect(panel).to_contain_text("confirm there is no conflict")
    panel.get_by_role("link", name=case.reference).click()
    respond = page.get_by_test_id("respond-form")
    respond.get_by_label(re.compile("We have no conflict of interest")).check()
    respond.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_test_id("case-status")).to_have_text("In progress")
    hours = page.get_by_test_id("hours-form")
    hours.get_by_label("Date").fill(TODAY.isoformat())
    hours.get_by_label("Hours").fill("2.5")
    hours.get_by_label("What was done").fill("Revisión de las declaraciones")
    hours.get_by_role("button", name="Log the hours").click()
    expect(page.get_by_role("status").first).to_have_text("The hours were logged.")
    expect(page.get_by_test_id("hours-total")).to_have_text("2.50 hours, worth 5,000.00 MXN")

    # A second entry that would make the day longer than 24 hours is refused.
    hours.get_by_label("Date").fill(TODAY.isoformat())
    hours.get_by_label("Hours").fill("22")
    hours.get_by_label("What was done").fill("Imposible")
    hours.get_by_role("button", name="Log the hours").click()
    expect(page.locator(".alert-danger")).to_contain_text("A day has 24 hours")

    case.refresh_from_db()
    assert (case.status, case.firm) == (CaseStatus.IN_PROGRESS, firm)
    assert list(HoursEntry.objects.values_list("hours", "lawyer__user")) == [
        (pytest.approx(2.5), cast.lawyer.pk)
    ]
    viewers = set(ConfidentialAccess.objects.values_list("user__email", flat=True))
    assert viewers == {"leader@test.mx", "legal@test.mx", "lawyer@test.mx"}
    assert page_problems.all() == []
