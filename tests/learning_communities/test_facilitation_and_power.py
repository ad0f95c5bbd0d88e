"""Facilitator suggestions (least recent first, nobody twice in a row) and the power-shift
measures, on hand-made data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from learning_communities.models import Event
from learning_communities.power import power_shift
from learning_communities.services import (
    add_facilitator,
    decide_agenda_item,
    propose_agenda_item,
    suggest_facilitators,
)
from organizations.models import Sector
from tests.personas import make_organization, make_person

from .helpers import community, event, join, stakeholder

pytestmark = pytest.mark.django_db


@pytest.fixture
def rotation():
    """Four member organizations A, B, C (CSOs) and U (university), two people each."""
    lc = community()
    orgs = {
        "A": make_organization("A Colectivo"),
        "B": make_organization("B Red"),
        "C": make_organization("C Centro"),
        "U": stakeholder("U Universidad"),
    }
    join(lc, *orgs.values())
    people = {
        f"{key}{n}": make_person(org, f"{key}{n} Persona")
        for key, org in orgs.items()
        for n in (1, 2)
    }
    return lc, orgs, people


def names(suggestions) -> list[str]:
    return [s.person.name for s in suggestions]


def test_nobody_facilitated_yet_everyone_by_organization_name(rotation):
    lc, _orgs, _people = rotation
    suggestions = suggest_facilitators(community=lc, on=date(2017, 1, 1), limit=10)
    # One per organization; never-facilitated organizations by name, first person by name.
    assert names(suggestions) == ["A1 Persona", "B1 Persona", "C1 Persona", "U1 Persona"]
    assert all(s.organization_last is None for s in suggestions)


def test_least_recent_organizations_first_and_not_the_last_facilitator(rotation):
    lc, _orgs, people = rotation
    history = [
        (date(2016, 2, 1), "C1"),
        (date(2016, 4, 1), "A1"),
        (date(2016, 6, 1), "B1"),
        (date(2016, 8, 1), "A2"),
    ]
    for day, who in history:
        add_facilitator(event=event(lc, day), person=people[who])

    suggestions = suggest_facilitators(community=lc, on=date(2016, 10, 1), limit=10)

    # U never facilitated; then C (Feb), B (Jun), A (Aug: A1 in April, A2 just now).
    assert names(suggestions) == ["U1 Persona", "C2 Persona", "B2 Persona", "A1 Persona"]
    assert [s.organization_last for s in suggestions] == [
        None,
        date(2016, 2, 1),
        date(2016, 6, 1),
        date(2016, 8, 1),
    ]
    # Within an organization the person whose turn is oldest (or never) comes first; A2
    # facilitated the previous event and is never suggested.
    assert "A2 Persona" not in names(
        suggest_facilitators(community=lc, on=date(2016, 10, 1), limit=99)
    )


def test_suggestions_only_look_at_events_before_the_date(rotation):
    lc, _orgs, people = rotation
    add_facilitator(event=event(lc, date(2016, 2, 1)), person=people["A1"])
    add_facilitator(event=event(lc, date(2016, 12, 1)), person=people["B1"])

    suggestions = suggest_facilitators(community=lc, on=date(2016, 6, 1), limit=2)

    assert names(suggestions) == ["B1 Persona", "C1 Persona"]  # A1 just facilitated


# --- Power shift -----------------------------------------------------------------------------


def test_power_shift_by_year_on_hand_made_data(rotation):
    lc, orgs, people = rotation
    # 2016: 2 events; 4 accepted items, 1 by a CSO (1 CSO item declined, 1 still proposed);
    #       one event facilitated by the university, the other by nobody -> 0 of 2.
    # 2017: 1 event; 3 accepted, 2 by CSOs; facilitated by a CSO and the university -> 1 of 1.
    plan = {
        (date(2016, 3, 1), "U1"): [
            ("A", True),
            ("U", True),
            (None, True),
            (None, True),
            ("B", False),
            ("C", None),
        ],
        (date(2016, 9, 1), None): [],
        (date(2017, 3, 1), "A1"): [("A", True), ("B", True), (None, True)],
    }
    for (day, facilitator), items in plan.items():
        session = event(lc, day)
        if facilitator:
            add_facilitator(event=session, person=people[facilitator])
        if day.year == 2017:
            add_facilitator(event=session, person=people["U2"])
        for key, accept in items:
            item = propose_agenda_item(
                event=session,
                title="Tema",
                organization=orgs[key] if key else None,
                proposed_by=None,
                today=date(day.year, 1, 15),
            )
            if accept is not None:
                decide_agenda_item(item=item, accept=accept, reason="No", decided_by=None)

    rows = power_shift(Event.objects.filter(community=lc))

    assert rows == [
        {
            "year": 2016,
            "agenda_items": 4,
            "agenda_cso": 1,
            "agenda_share": Decimal("25.0"),
            "events": 2,
            "events_cso": 0,
            "facilitation_share": Decimal("0.0"),
        },
        {
            "year": 2017,
            "agenda_items": 3,
            "agenda_cso": 2,
            "agenda_share": Decimal("66.7"),
            "events": 1,
            "events_cso": 1,
            "facilitation_share": Decimal("100.0"),
        },
    ]
    assert orgs["U"].sector == Sector.UNIVERSITY


def test_a_year_without_accepted_items_has_no_share():
    lc = community()
    event(lc, date(2018, 1, 10))
    [row] = power_shift(Event.objects.filter(community=lc))
    assert (row["agenda_items"], row["agenda_share"], row["facilitation_share"]) == (
        0,
        None,
        Decimal("0.0"),
    )
