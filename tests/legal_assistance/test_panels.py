"""The legal panels load with a fixed number of queries (they add to the pages that show them)."""

import pytest
from django.test import RequestFactory

from legal_assistance.panels import coordinator_desk, lawyer_cases, leader_cases, organization_legal

from .helpers import more_info_case, working_case

# The organization page's legal panel: open cases, counts by status, checklist items and rows
# (+ the request permission's membership lookup, except for coordinators).
ORGANIZATION_PANEL = {"legal_coordinator": 4, "staff": 5, "leader": 5, "member": 5}


def request_for(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.mark.parametrize("persona", list(ORGANIZATION_PANEL))
def test_organization_panel_queries(cast, network, persona, django_assert_num_queries):
    for _ in range(3):
        working_case(cast.org, cast.leader, cast.legal_coordinator, network.lawyer)
    user = getattr(cast, persona)

    with django_assert_num_queries(ORGANIZATION_PANEL[persona]):
        panel = organization_legal(request_for(user), cast.org)

    assert panel["total"] == 3 and len(panel["summaries"]) == 5
    assert panel["can_request"] == (persona in {"leader", "legal_coordinator"})


def test_home_panels_show_only_to_their_people(cast, network, django_assert_num_queries):
    working_case(cast.org, cast.leader, cast.legal_coordinator, network.lawyer)
    more_info_case(cast.org, cast.leader, cast.legal_coordinator)

    with django_assert_num_queries(2):  # lawyer, the firm's open cases
        assert len(lawyer_cases(request_for(cast.lawyer))["cases"]) == 1
    with django_assert_num_queries(1):
        assert len(leader_cases(request_for(cast.leader))["cases"]) == 1
    with django_assert_num_queries(1):
        assert coordinator_desk(request_for(cast.legal_coordinator))["to_triage"] == 0
    with django_assert_num_queries(0):  # staff are never lawyers or leaders: no query
        assert lawyer_cases(request_for(cast.staff)) is None
        assert leader_cases(request_for(cast.staff)) is None
        assert coordinator_desk(request_for(cast.staff)) is None
    assert lawyer_cases(request_for(cast.leader)) is None
    assert leader_cases(request_for(cast.member)) is None
