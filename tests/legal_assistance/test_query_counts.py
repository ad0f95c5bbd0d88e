"""The legal pages run a fixed number of queries, whatever the number of cases, messages,
documents or hours (measured at two sizes, and locked)."""

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from legal_assistance.models import ComplianceItem, ConfidentialAccess
from legal_assistance.services.cases import (
    add_document,
    add_message,
    add_milestone,
    add_note,
    log_hours,
)
from legal_assistance.services.compliance import update_compliance_item
from tests.query_counts import LOGGED_IN

from .helpers import TODAY, accepted_case, matched_case, pdf, requested_case, working_case

pytestmark = pytest.mark.usefixtures("page_cache_off")

SMALL, LARGE = 2, 8
# Each count includes the LOGGED_IN queries of any logged-in request (tests/query_counts.py).
# Case page: + case, messages, documents, milestones, hours, firm matches, notes, the access
# row; a lawyer's and a leader's access checks add their membership (and lawyer) lookups; a
# leader does not load the notes.
CASE_PAGE = {"legal_coordinator": LOGGED_IN + 8, "lawyer": LOGGED_IN + 10, "leader": LOGGED_IN + 8}
# Desk: + cases by status, the first cases of each queue, ranking (firms, their areas,
# declined pairs).
DESK = LOGGED_IN + 5
MY_CASES = LOGGED_IN + 2  # + lawyer, the firm's cases with their hours
ORGANIZATION_CASES = LOGGED_IN + 3  # + organization, its cases, (a leader: 2 permission lookups)
CASE_LIST = LOGGED_IN + 3  # + firms for the filter, count, one page of rows
ACCESS_LOG = LOGGED_IN + 1  # + one page of rows with who, case, organization and document
ACCESS_LOG_FROM_A_ROW = LOGGED_IN + 2  # + the time of the row the page starts after
ACCESS_LOG_NEWER_THAN_A_PAGE_LEFT = LOGGED_IN + 3  # + the newest page instead
CHECKLIST = LOGGED_IN + 4  # + organization, items, rows, history (a leader: 3 permission lookups)


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def measure(client, url: str, grow: Callable[[int, int], None]) -> tuple[int, int]:
    grow(0, SMALL)
    client.get(url)
    small = count_queries(client, url)
    grow(SMALL, LARGE)
    return small, count_queries(client, url)


@pytest.mark.parametrize("persona", list(CASE_PAGE))
def test_case_page(cast, network, client_for, persona):
    case = working_case(cast.org, cast.leader, cast.legal_coordinator, network.lawyer)

    def grow(start: int, stop: int) -> None:
        for i in range(start, stop):
            add_message(case=case, author=cast.leader, text=f"Mensaje {i}")
            add_note(case=case, author=cast.lawyer, text=f"Nota {i}")
            add_document(case=case, upload=pdf(f"doc{i}.pdf"), description="", by=cast.leader)
            add_milestone(case=case, title=f"Hito {i}", reached_on=TODAY, by=cast.lawyer)
            log_hours(
                case=case,
                lawyer=network.lawyer,
                worked_on=TODAY - timedelta(days=i),
                hours=Decimal(1),
                description="x",
            )

    client = client_for(getattr(cast, persona))
    small, large = measure(client, reverse("legal_assistance:case", args=[case.pk]), grow)

    assert (small, large) == (CASE_PAGE[persona], CASE_PAGE[persona])


def test_case_page_with_the_ranking(cast, network, client_for):
    case = accepted_case(cast.org, cast.leader, cast.legal_coordinator)
    from .helpers import make_firm

    def grow(start: int, stop: int) -> None:
        for i in range(start, stop):
            make_firm(f"Firma {i}", areas=("fiscal", "labor"))

    client = client_for(cast.legal_coordinator)
    small, large = measure(client, reverse("legal_assistance:case", args=[case.pk]), grow)

    expected = CASE_PAGE["legal_coordinator"] + 3  # firms, their areas, declined pairs
    assert (small, large) == (expected, expected)


def test_desk(cast, network, client_for):
    def grow(start: int, stop: int) -> None:
        for _ in range(start, stop):
            requested_case(cast.org, cast.leader)
            accepted_case(cast.other_org, cast.other_leader, cast.legal_coordinator)
            matched_case(cast.org, cast.leader, cast.legal_coordinator, network.firm)

    small, large = measure(
        client_for(cast.legal_coordinator), reverse("legal_assistance:desk"), grow
    )

    assert (small, large) == (DESK, DESK)


def test_my_cases(cast, network, client_for):
    def grow(start: int, stop: int) -> None:
        for _ in range(start, stop):
            case = working_case(cast.org, cast.leader, cast.legal_coordinator, network.lawyer)
            log_hours(
                case=case, lawyer=network.lawyer, worked_on=TODAY, hours=Decimal(1), description="x"
            )

    small, large = measure(client_for(cast.lawyer), reverse("legal_assistance:my_cases"), grow)

    assert (small, large) == (MY_CASES, MY_CASES)


@pytest.mark.parametrize("persona", ["staff", "leader"])
def test_organization_cases(cast, network, client_for, persona):
    def grow(start: int, stop: int) -> None:
        for _ in range(start, stop):
            working_case(cast.org, cast.leader, cast.legal_coordinator, network.lawyer)

    url = reverse("legal_assistance:organization_cases", args=[cast.org.pk])
    small, large = measure(client_for(getattr(cast, persona)), url, grow)

    assert (small, large) == (
        ORGANIZATION_CASES + (2 if persona == "leader" else 0),
        ORGANIZATION_CASES + (2 if persona == "leader" else 0),
    )


def test_case_list(cast, network, client_for):
    def grow(start: int, stop: int) -> None:
        for _ in range(start, stop):
            working_case(cast.org, cast.leader, cast.legal_coordinator, network.lawyer)
            requested_case(cast.other_org, cast.other_leader)

    small, large = measure(client_for(cast.staff), reverse("legal_assistance:case_list"), grow)

    assert (small, large) == (CASE_LIST, CASE_LIST)


@pytest.mark.parametrize("persona", ["staff", "leader"])
def test_checklist(cast, client_for, persona):
    items = list(ComplianceItem.objects.order_by("pk"))

    def grow(start: int, stop: int) -> None:
        for item in items[start * 3 : stop * 3]:
            for status, days in (("not_compliant", 400), ("compliant", 10)):
                update_compliance_item(
                    organization=cast.org,
                    item=item,
                    status=status,
                    evidence="Acta",
                    checked_on=TODAY - timedelta(days=days),
                    case=None,
                    by=cast.staff,
                )

    url = reverse("legal_assistance:checklist", args=[cast.org.pk])
    small, large = measure(client_for(getattr(cast, persona)), url, grow)

    assert (small, large) == (
        CHECKLIST + (3 if persona == "leader" else 0),
        CHECKLIST + (3 if persona == "leader" else 0),
    )


# (parameter, which row it names: its place among the rows, newest first, expected queries)
ACCESS_LOG_PAGES = [
    ("", None, ACCESS_LOG),
    ("before", 10, ACCESS_LOG_FROM_A_ROW),  # older than the 11th newest: a full page
    ("after", -1, ACCESS_LOG_FROM_A_ROW),  # newer than the oldest: a full page, and more
    ("after", 10, ACCESS_LOG_NEWER_THAN_A_PAGE_LEFT),  # ten newer rows: the newest page
    ("before", -1, ACCESS_LOG_NEWER_THAN_A_PAGE_LEFT),  # none older: the newest page
]


@pytest.mark.parametrize(("param", "place", "expected"), ACCESS_LOG_PAGES)
def test_access_log(cast, network, client_for, param, place, expected):
    """Paged from a row, never counted: the same statements on any page of any size of log."""
    case = working_case(cast.org, cast.leader, cast.legal_coordinator, network.lawyer)
    client = client_for(cast.legal_coordinator)

    def grow(start: int, stop: int) -> None:  # 40 views a step: more than a page of 50
        ConfidentialAccess.objects.bulk_create(
            ConfidentialAccess(case=case, user=cast.legal_coordinator, what="case")
            for _ in range((stop - start) * 40)
        )

    def url() -> str:
        log = reverse("legal_assistance:access_log")
        if not param:
            return log
        ids = list(ConfidentialAccess.objects.order_by("-viewed_at", "-id").values_list("id"))
        return f"{log}?{param}={ids[place][0]}"

    counts = []
    for start, stop in ((0, SMALL), (SMALL, LARGE)):
        grow(start, stop)
        client.get(url())  # as measure(): the first view warms what every process keeps
        counts.append(count_queries(client, url()))

    assert counts == [expected, expected]
