"""The community and event pages run a fixed number of queries, whatever the data size.

Measured with a small and a larger community: the counts must be equal (no query per row)
and equal to the locked numbers, so an extra query is a decision made here on purpose.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learning_communities.models import KeyIssue, Report
from learning_communities.services import (
    AttendanceEntry,
    add_facilitator,
    add_follow_up,
    add_note,
    add_progress,
    compute_network_snapshot,
    create_alliance,
    create_goal,
    decide_agenda_item,
    propose_agenda_item,
    record_attendance,
    record_outcome,
    share_resource,
)
from organizations.models import Person, ThematicArea
from tests.personas import make_organization, make_person
from tests.query_counts import LOGGED_IN

from .helpers import community, event, join

pytestmark = pytest.mark.usefixtures("page_cache_off")

SMALL, LARGE = 3, 12

# Locked counts. Each includes the LOGGED_IN queries of every logged-in request
# (tests/query_counts.py).
# Community page: + community, members, events with facilitators (2), goals, alliances,
# resources, outcomes, power shift (2), latest snapshot.
COMMUNITY_QUERIES = LOGGED_IN + 11
# Event page: + event, agenda, facilitators, attendance, notes, follow-ups, suggestions (3:
# last turns, who facilitated the previous event, the members' people), the forms' choices
# (member organizations, member people: read once for its three selects).
EVENT_QUERIES = LOGGED_IN + 11
# A CSO person's permission checks are membership lookups a staff member skips (community
# page: may see it, may share; event page: may see, runs it, may propose), and a member sees
# no forms (no suggestions, no choice lists: 5 fewer).
MEMBER = {"community": 2, "event": -2}
# Community reports page: + community, built reports with who built them.
REPORTS_QUERIES = LOGGED_IN + 2


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def measure(client, url: str, grow: Callable[[int, int], None]) -> tuple[int, int]:
    grow(0, SMALL)
    client.get(url)  # warm per-process caches
    small = count_queries(client, url)
    grow(SMALL, LARGE)
    large = count_queries(client, url)
    return small, large


@pytest.fixture
def lc(cast):
    lc = community("Comunidad Medida", end=None)
    join(lc, cast.org)
    return lc


def grow_community(lc, cast) -> Callable[[int, int], None]:
    theme = ThematicArea.objects.get(code="youth")
    issue = KeyIssue.objects.first()

    def grow(start: int, stop: int) -> None:
        for i in range(start, stop):
            organization = make_organization(f"Organización {i:02d}")
            join(lc, organization)
            person = make_person(organization, f"Persona {i:02d}")
            session = event(lc, date(2016, 2, 1) + timedelta(days=30 * i))
            add_facilitator(event=session, person=person)
            item = propose_agenda_item(
                event=session,
                title=f"Tema {i}",
                organization=organization,
                proposed_by=None,
                today=date(2016, 1, 15),
            )
            decide_agenda_item(item=item, accept=True, decided_by=None)
            record_attendance(event=session, entries=[AttendanceEntry(person=person)])
            goal = create_goal(
                community=lc,
                statement=f"Meta {i}",
                metric="OSC",
                baseline=Decimal(0),
                target=Decimal(5),
                set_on=date(2016, 1, 1),
                due_on=date(2030, 1, 1),
                co_defined_by=[organization],
                created_by=None,
            )
            add_progress(
                goal=goal, measured_on=date(2017, 1, 1), value=Decimal(i), recorded_by=None
            )
            # Every other resource is cast.org's: its leader gets the edit links for those.
            share_resource(
                community=lc,
                organization=cast.org if i % 2 else organization,
                kind="guideline",
                title=f"Guía {i}",
                link=f"https://example.org/{i}",
                shared_by=None,
            )
            create_alliance(
                fields={
                    "name": f"Alianza {i}",
                    "objective": "Prevenir",
                    "theme": theme,
                    "states": ["SON"],
                    "started_on": date(2017, 1, 1),
                    "status": "active",
                },
                members=[cast.org, organization],
                grew_from=lc,
            )
            record_outcome(
                fields={
                    "key_issue": issue,
                    "description": f"Resultado {i}",
                    "occurred_on": date(2018, 1, 1),
                    "evidence_link": f"https://example.org/evidencia/{i}",
                },
                organizations=[cast.org, organization],
                community=lc,
                created_by=None,
            )
        compute_network_snapshot(community=lc, on=date(2019, 1, 1))

    return grow


def grow_event(lc, session) -> Callable[[int, int], None]:
    def grow(start: int, stop: int) -> None:
        for i in range(start, stop):
            organization = make_organization(f"Organización {i:02d}")
            join(lc, organization)
            people = [make_person(organization, f"Persona {i:02d}-{n}") for n in range(3)]
            if i % 4 == 1:
                add_facilitator(event=session, person=people[0])
            for n in range(2):
                item = propose_agenda_item(
                    event=session,
                    title=f"Tema {i}-{n}",
                    organization=organization,
                    proposed_by=None,
                    today=date(2016, 1, 15),
                )
                if n:
                    decide_agenda_item(item=item, accept=True, decided_by=None)
            add_note(event=session, kind="note", text=f"Nota {i}", written_by=None)
            add_follow_up(
                event=session, description=f"Acción {i}", owner=people[1], due_on=date(2017, 1, 1)
            )
        members = lc.memberships.values("organization")
        everyone = Person.objects.filter(organization__in=members)
        record_attendance(event=session, entries=[AttendanceEntry(person=p) for p in everyone])

    return grow


@pytest.mark.parametrize("persona", ["staff", "leader"])
def test_community_page_queries_do_not_grow(cast, client_for, lc, persona):
    client = client_for(getattr(cast, persona))
    small, large = measure(client, lc.get_absolute_url(), grow_community(lc, cast))

    assert small == large
    assert small == COMMUNITY_QUERIES + (MEMBER["community"] if persona == "leader" else 0)


@pytest.mark.parametrize("persona", ["staff", "member"])
def test_event_page_queries_do_not_grow(cast, client_for, lc, persona):
    session = event(lc, date(2016, 6, 1))
    client = client_for(getattr(cast, persona))
    small, large = measure(client, session.get_absolute_url(), grow_event(lc, session))

    assert small == large
    assert small == EVENT_QUERIES + (MEMBER["event"] if persona == "member" else 0)


@pytest.mark.parametrize("persona", ["staff", "member"])
def test_community_reports_page_queries_do_not_grow(cast, client_for, lc, persona):
    def grow(start: int, stop: int) -> None:
        for i in range(start, stop):
            Report.objects.create(
                kind=Report.Kind.COMMUNITY,
                community=lc,
                period_start=date(2016, 1, 1),
                period_end=date(2016, 12, 1) + timedelta(days=i),
                built_by=cast.staff,
            )

    url = reverse("learning_communities:reports", args=[lc.pk])
    small, large = measure(client_for(getattr(cast, persona)), url, grow)

    assert small == large
    # 5 per request + community, reports; a member's "may see it" and "may build" lookups.
    assert small == REPORTS_QUERIES + (1 if persona == "member" else 0)
