"""The program view's communities (kept until written), the home panel's next events, and the
counts the community pages read by subquery: what they show, in each language, after writes.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from learning_communities.models import AgendaItem, LearningCommunity
from learning_communities.panels import my_communities
from learning_communities.power import power_shift
from learning_communities.reads import events as community_events
from learning_communities.services import (
    AttendanceEntry,
    add_facilitator,
    decide_agenda_item,
    propose_agenda_item,
    record_attendance,
    suggest_facilitators,
)
from learning_communities.views.common import link_maker
from organizations.models import Person, Tier
from tests.personas import make_organization, make_person, speak_english

from .helpers import community, event, join

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_off")]


def program_rows(client, **query) -> list[tuple]:
    response = client.get(reverse("learning_communities:program"), query)
    assert response.status_code == 200
    return [
        (c["name"], c["tier"], c["members_count"], c["events_count"], c["url"])
        for c in response.context["communities"]
    ]


def test_the_program_view_lists_the_communities_as_they_are_now(cast, client_for):
    north = community("Comunidad Norte", tier=1)
    south = community("Comunidad Sur", tier=None)
    join(north, cast.org)
    event(north, date(2016, 3, 1))
    client = client_for(cast.staff)
    tier = Tier.objects.get(number=1)

    # Spanish (the portal's default), tiers first; the links are the communities' own.
    assert program_rows(client) == [
        ("Comunidad Norte", tier.name_es, 1, 1, north.get_absolute_url()),
        ("Comunidad Sur", "", 0, 0, south.get_absolute_url()),
    ]
    # A membership written after the rows were kept: the view shows it at once.
    join(south, cast.org, cast.other_org)
    speak_english(cast.staff)
    assert program_rows(client_for(cast.staff)) == [
        ("Comunidad Norte", tier.name_en, 1, 1, north.get_absolute_url()),
        ("Comunidad Sur", "", 2, 0, south.get_absolute_url()),
    ]


def test_the_program_view_lists_the_communities_a_page_at_a_time(cast, client_for, monkeypatch):
    monkeypatch.setattr("learning_communities.views.network.COMMUNITIES_PER_PAGE", 2)
    for name in ("Comunidad C", "Comunidad A", "Comunidad B"):
        community(name, tier=None)
    client = client_for(cast.staff)

    first = client.get(reverse("learning_communities:program"))

    assert [row[0] for row in program_rows(client)] == ["Comunidad A", "Comunidad B"]
    assert [row[0] for row in program_rows(client, page=2)] == ["Comunidad C"]
    assert 'href="?page=2"' in first.content.decode()
    # A page number past the end shows the last page, as the other lists do.
    assert [row[0] for row in program_rows(client, page=9)] == ["Comunidad C"]


def test_the_home_panel_shows_each_communitys_next_event(cast, rf):
    today = timezone.localdate()
    lc = community("Comunidad Activa", end=None, start=today - timedelta(days=400))
    event(lc, today - timedelta(days=10))  # past: not the next one
    event(lc, today + timedelta(days=20))
    event(lc, today + timedelta(days=5))
    quiet = community("Comunidad Tranquila", end=None, start=today - timedelta(days=400))
    event(quiet, today - timedelta(days=3))
    request = rf.get("/")
    request.user = cast.staff

    panel = my_communities(request)

    assert [(c.name, c.next_event) for c in panel["communities"]] == [
        ("Comunidad Activa", today + timedelta(days=5)),
        ("Comunidad Tranquila", None),
    ]


def test_event_counts_and_the_power_shift_count_each_row_once(cast):
    """Accepted items and attendance are counted apart (joined together they multiplied), and
    an event with several CSO facilitators counts once."""
    lc = community("Comunidad Contada")
    join(lc, cast.org)
    people = [make_person(cast.org, f"Persona {i}") for i in range(3)]
    session = event(lc, date(2016, 3, 1))
    event(lc, date(2017, 3, 1))  # nothing recorded
    for person in people[:2]:
        add_facilitator(event=session, person=person)
    for i in range(3):
        item = propose_agenda_item(
            event=session,
            title=f"Tema {i}",
            organization=cast.org if i else None,
            proposed_by=None,
            today=date(2016, 1, 15),
        )
        if i < 2:
            decide_agenda_item(item=item, accept=True, decided_by=None)
    record_attendance(event=session, entries=[AttendanceEntry(person=p) for p in people])

    counts = {e.date.year: (e.accepted_items, e.attendees) for e in community_events(lc)}
    assert counts == {2016: (2, 3), 2017: (0, 0)}
    rows = {r["year"]: r for r in power_shift(lc.events.all())}
    assert (rows[2016]["agenda_items"], rows[2016]["agenda_cso"]) == (2, 1)
    assert (rows[2016]["events"], rows[2016]["events_cso"]) == (1, 1)
    assert (rows[2017]["agenda_items"], rows[2017]["events"], rows[2017]["events_cso"]) == (
        0,
        1,
        0,
    )
    assert AgendaItem.objects.filter(status=AgendaItem.Status.ACCEPTED).count() == 2


def test_community_counts_are_of_current_members_and_all_events(cast):
    lc = community("Comunidad Con Bajas")
    join(lc, cast.org, make_organization("Se Fue"))
    lc.memberships.filter(organization__name="Se Fue").update(left_on=date(2017, 1, 1))
    event(lc, date(2016, 3, 1))
    event(lc, date(2016, 4, 1))

    counted = LearningCommunity.objects.with_counts().get(pk=lc.pk)

    assert (counted.members_count, counted.events_count) == (1, 2)


def test_a_suggested_facilitator_is_the_stored_person(cast):
    """Suggestions are ranked from plain rows; the few suggested are instances as `.only()`
    reads them: other fields are deferred (read when used), never left at their defaults."""
    lc = community("Comunidad Rotativa")
    organization = make_organization("Organización Nueva")
    join(lc, organization)
    person = make_person(organization, "Ana Facilitadora", level=Person.Level.LEADERSHIP)

    (suggestion,) = suggest_facilitators(community=lc, on=date(2017, 1, 1), limit=5)

    assert suggestion.person == person
    assert suggestion.person.organization == organization
    assert suggestion.person.organization.name == "Organización Nueva"
    assert suggestion.person.level == Person.Level.LEADERSHIP


def test_links_made_once_a_list_are_those_reverse_makes():
    for name, args, pk in [
        ("learning_communities:detail", (), 7),
        ("learning_communities:event", (), 1234567),
        ("learning_communities:member_profile", (12,), 3),
        ("learning_communities:member_profile", (2147483647,), 2147483647),
    ]:
        assert link_maker(name, *args)(pk) == reverse(name, args=[*args, pk])
