"""A CSO leader drafts and submits a grant application; staff review it and award a grant with
two tranches; the leader then sees the grant but never the reviewers' private comments."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from csa_portal.services import set_preferred_language
from grants.models import Grant, GrantApplication
from organizations.models import ThematicArea

pytestmark = [pytest.mark.e2e]

SCREENSHOTS = "/tmp/e2e-grants-{name}.png"  # noqa: S108 - looked at by hand after a run
PRIVATE = "El presupuesto de viajes parece alto; revisar con la organización."


def log_out(page: Page) -> None:
    with page.expect_navigation():
        page.locator("nav").get_by_role("button", name="Log out").click()


def test_leader_submits_an_application_and_staff_award_it_with_two_tranches(
    page: Page, live_server, login, cast, page_problems
):
    org = cast.org
    set_preferred_language(user=cast.leader, language="en")
    set_preferred_language(user=cast.staff, language="en")
    theme = ThematicArea.objects.get(code="crime-prevention")

    # --- The leader starts an application from the organization's grants page.
    login(cast.leader)
    page.goto(f"{live_server.url}/grants/organizations/{org.pk}/")
    page.get_by_role("link", name="Apply for a grant").click()
    page.wait_for_url(f"{live_server.url}/grants/organizations/{org.pk}/apply/")
    form = page.get_by_test_id("application-form")
    form.get_by_label("Kind").select_option(label="Thematic project")
    form.get_by_label("Title").fill("Mentorías para jóvenes de Hermosillo")
    form.get_by_label("Theme").select_option(label=theme.name_en)
    form.get_by_label("Problem it addresses").fill("Violencia juvenil en colonias del norte.")
    form.get_by_label("Objectives").fill("Acompañar a 120 jóvenes durante un año.")
    form.get_by_label("Requested amount").fill("150000.00")
    form.get_by_label("Duration (months)").fill("12")
    form.get_by_label("Sonora").check()
    rows = form.get_by_test_id("budget-lines").locator("tbody tr")
    rows.nth(0).get_by_label("Category").select_option("personnel")
    rows.nth(0).get_by_label("Description").fill("Mentoras y coordinación")
    rows.nth(0).get_by_label("Amount").fill("100000.00")
    rows.nth(1).get_by_label("Category").select_option("events")
    rows.nth(1).get_by_label("Description").fill("Talleres y torneos")
    rows.nth(1).get_by_label("Amount").fill("50000.00")
    form.get_by_role("button", name="Save draft").click()

    page.wait_for_url(re.compile(r"/grants/applications/\d+/edit/$"))
    expect(page.get_by_role("status").first).to_have_text(
        "Your draft was saved. You can come back to it any time."
    )
    application = GrantApplication.objects.get(organization=org)
    assert application.status == GrantApplication.Status.DRAFT

    # --- Resumed later: the draft is kept; the leader completes it and submits.
    page.goto(f"{live_server.url}/grants/applications/{application.pk}/edit/")
    form = page.get_by_test_id("application-form")
    expect(form.get_by_label("Title")).to_have_value("Mentorías para jóvenes de Hermosillo")
    expect(form.get_by_label("Sonora")).to_be_checked()
    form.get_by_label("Activities").fill("Mentorías semanales, talleres y torneos deportivos.")
    form.get_by_label("Expected results").fill("120 jóvenes con un plan de vida.")
    form.get_by_role("button", name="Save and submit").click()

    page.wait_for_url(f"{live_server.url}/grants/applications/{application.pk}/")
    expect(page.get_by_role("status").first).to_have_text(
        "The application was submitted to the program."
    )
    expect(page.get_by_test_id("application-status")).to_have_text("Submitted")
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    application.refresh_from_db()
    assert (application.status, application.requested_amount) == (
        GrantApplication.Status.SUBMITTED,
        Decimal("150000.00"),
    )
    assert application.budget_lines.count() == 2
    log_out(page)

    # --- Staff find it on their home page, review it and award a grant with two tranches.
    login(cast.staff)
    page.get_by_test_id("grants-home").get_by_role("link", name=re.compile("Mentorías")).click()
    page.wait_for_url(f"{live_server.url}/grants/applications/{application.pk}/")
    review = page.get_by_test_id("review-form")
    for label in (
        "Relevance to local priorities",
        "Quality of the design",
        "The organization's capacity to carry it out",
        "Realistic and justified budget",
        "Sustainability of the results",
    ):
        review.get_by_label(label).select_option("4")
    review.get_by_label("Recommendation").select_option(label="Fund with changes")
    review.get_by_label("Comments (seen by program staff only)").fill(PRIVATE)
    review.get_by_role("button", name="Record the review").click()
    page.wait_for_url(f"{live_server.url}/grants/applications/{application.pk}/")
    expect(page.get_by_test_id("reviews")).to_contain_text(PRIVATE)
    expect(page.get_by_test_id("reviews")).to_contain_text("20/25")

    page.get_by_role("link", name="Award a grant").click()
    page.wait_for_url(f"{live_server.url}/grants/applications/{application.pk}/award/")
    award = page.get_by_test_id("award-form")
    expect(award.get_by_label("Awarded amount")).to_have_value("150000.00")
    award.get_by_label("Awarded amount").fill("140000.00")
    award.get_by_label("Start").fill("2026-02-01")
    award.get_by_label("End").fill("2027-01-31")
    award.get_by_label("Conditions").fill("Listas de asistencia en cada informe.")
    tranches = award.get_by_test_id("tranches").locator("tbody tr")
    tranches.nth(0).get_by_label("Amount").fill("90000.00")
    tranches.nth(0).get_by_label("Planned date").fill("2026-02-15")
    tranches.nth(0).get_by_label("Condition").fill("Firma del convenio")
    tranches.nth(1).get_by_label("Amount").fill("40000.00")
    tranches.nth(1).get_by_label("Planned date").fill("2026-08-15")
    reports = award.get_by_test_id("report-schedule").locator("tbody tr")
    reports.nth(0).get_by_label("Report").select_option("narrative")
    reports.nth(0).get_by_label("Due date").fill("2026-07-31")
    reports.nth(1).get_by_label("Report").select_option("financial")
    reports.nth(1).get_by_label("Due date").fill("2027-02-28")

    # The tranches add up to 130,000: refused, with the reason, and nothing saved.
    award.get_by_role("button", name="Award the grant").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "The tranches add up to 130000.00 but the award is 140000.00."
    )
    assert not Grant.objects.exists()
    tranches.nth(1).get_by_label("Amount").fill("50000.00")
    award.get_by_role("button", name="Award the grant").click()

    page.wait_for_url(re.compile(r"/grants/\d+/$"))
    expect(page.get_by_role("status").first).to_have_text("The grant was awarded.")
    grant = Grant.objects.get()
    assert (grant.amount, grant.start_date, grant.end_date) == (
        Decimal("140000.00"),
        date(2026, 2, 1),
        date(2027, 1, 31),
    )
    assert list(grant.tranches.values_list("amount", "planned_date")) == [
        (Decimal("90000.00"), date(2026, 2, 15)),
        (Decimal("50000.00"), date(2026, 8, 15)),
    ]
    expect(page.get_by_test_id("tranches").locator("tbody tr")).to_have_count(2)
    expect(page.get_by_test_id("awarded")).to_have_text("140,000.00 MXN")
    expect(page.get_by_test_id("reports").locator("tbody tr")).to_have_count(2)
    page.screenshot(path=SCREENSHOTS.format(name="grant"), full_page=True)
    log_out(page)

    # --- The leader sees the award and the grant, not the review.
    login(cast.leader)
    page.goto(f"{live_server.url}/grants/applications/{application.pk}/")
    expect(page.get_by_test_id("application-status")).to_have_text("Awarded")
    expect(page.get_by_test_id("decision")).to_contain_text("Awarded 140,000.00 MXN")
    expect(page.locator("main")).not_to_contain_text(PRIVATE)
    expect(page.get_by_test_id("reviews")).to_have_count(0)
    page.get_by_role("link", name="Open the grant").click()
    page.wait_for_url(f"{live_server.url}/grants/{grant.pk}/")
    expect(page.get_by_test_id("tranches").locator("tbody tr")).to_have_count(2)
    expect(page.get_by_role("button", name="Record release")).to_have_count(0)

    assert page_problems.all() == []
