"""The portfolio and a grant's page run a fixed number of queries whatever their size.

Measured at a small and a larger size: the counts must be equal and equal to the locked number.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grants.services import (
    BudgetLineInput,
    ReportInput,
    SpendingInput,
    TrancheInput,
    accept_report,
    award_application,
    record_review,
    save_application,
    submit_application,
    submit_report,
)
from tests.grants.helpers import SCORES, application_fields, awarded
from tests.personas import make_organization
from tests.query_counts import LOGGED_IN

pytestmark = pytest.mark.usefixtures("page_cache_off")

# Locked counts; each includes the LOGGED_IN queries of every logged-in request
# (tests/query_counts.py). Changing one is fine when the page really needs it: say why.
PORTFOLIO_QUERIES = LOGGED_IN + 8  # totals, five breakdowns, overdue reports and tranches
# grant, tranches, reports, budget and spending per category, and "may this user report?"
# (a leader lookup, made for staff too)
GRANT_QUERIES = LOGGED_IN + 6
LEADER_EXTRA = 1  # a CSO person's "may see the grant?" is a membership lookup


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def test_the_portfolio_does_not_grow_with_grants(cast, client_for):
    client = client_for(cast.staff)
    url = reverse("grants:portfolio")

    def grow(start: int, stop: int) -> None:
        for i in range(start, stop):
            organization = make_organization(f"Organización {i:02d}", state="CHIH")
            awarded(
                organization,
                cast.leader,
                cast.staff,
                title=f"Proyecto {i}",
                currency="USD" if i % 3 == 0 else "MXN",
            )

    grow(0, 2)
    client.get(url)
    small = count(client, url)
    grow(2, 12)
    large = count(client, url)

    assert small == large == PORTFOLIO_QUERIES


@pytest.mark.parametrize("persona", ["staff", "leader"])
def test_a_grants_page_does_not_grow_with_tranches_reports_and_spending(cast, client_for, persona):
    lines = [BudgetLineInput("personnel", f"Línea {i}", Decimal(1000)) for i in range(30)]
    application = save_application(
        organization=cast.org,
        application=None,
        fields=application_fields(requested_amount=Decimal(30000)),
        budget_lines=lines,
        by=cast.leader,
    )
    submit_application(application=application, by=cast.leader)
    record_review(
        application=application, reviewer=cast.staff, scores=SCORES, recommendation="fund"
    )
    start = date(2025, 1, 1)
    grant = award_application(
        application=application,
        amount=Decimal(30000),
        currency="MXN",
        start_date=start,
        end_date=date(2026, 1, 1),
        tranches=[TrancheInput(Decimal(1000), start + timedelta(days=i)) for i in range(30)],
        reports=[ReportInput("financial", start + timedelta(days=i)) for i in range(30)],
        by=cast.staff,
    )
    reports = list(grant.reports.order_by("due_date"))
    budget = list(application.budget_lines.order_by("pk"))

    def report_on(n: int) -> None:
        for report in reports[:n]:
            if report.status == "pending":
                submit_report(
                    report=report,
                    narrative="",
                    spending=[SpendingInput(line.pk, Decimal(10)) for line in budget[:n]],
                    by=cast.leader,
                )
                accept_report(report=report, by=cast.staff)

    client = client_for(getattr(cast, persona))
    url = reverse("grants:grant", args=[grant.pk])
    report_on(2)
    client.get(url)
    small = count(client, url)
    report_on(20)
    large = count(client, url)

    assert small == large == GRANT_QUERIES + (LEADER_EXTRA if persona == "leader" else 0)


ORGANIZATION_PANEL_QUERIES = 3  # grants, open applications, "may this user apply?"


@pytest.mark.parametrize("persona", ["staff", "leader"])
def test_the_organization_page_panel_does_not_grow_with_grants(cast, persona, rf):
    from grants.panels import organization_panel

    request = rf.get("/")
    request.user = getattr(cast, persona)

    def panel_queries() -> int:
        with CaptureQueriesContext(connection) as context:
            organization_panel(request, cast.org)
        return len(context)

    awarded(cast.org, cast.leader, cast.staff, title="Proyecto 0")
    small = panel_queries()
    for i in range(1, 6):
        awarded(cast.org, cast.leader, cast.staff, title=f"Proyecto {i}")
    large = panel_queries()

    assert small == large == ORGANIZATION_PANEL_QUERIES
