"""Small Learning Communities built through the services, for the tests of this app."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from csa_portal.models import User
from learning_communities.models import Event, LearningCommunity
from learning_communities.services import add_member, create_community, create_event
from organizations.models import Organization, Person, Sector, ThematicArea, Tier
from tests.personas import Cast, make_organization, make_person

START, END = date(2016, 1, 1), date(2020, 12, 31)


def community(
    name: str = "Comunidad de Prueba",
    *,
    start: date = START,
    end: date | None = END,
    tier: int | None = 3,
    staff: User | None = None,
) -> LearningCommunity:
    return create_community(
        fields={
            "name": name,
            "description": "",
            "tier": Tier.objects.get(number=tier) if tier else None,
            "states": ["SON", "COAH"],
            "theme": ThematicArea.objects.get(code="crime-prevention"),
            "start": start,
            "end": end,
            "status": "active",
        },
        created_by=staff,
    )


def join(community: LearningCommunity, *organizations: Organization, role: str = "member"):
    for organization in organizations:
        add_member(
            community=community,
            organization=organization,
            role=role,
            joined_on=community.start,
            added_by=None,
        )


def event(
    community: LearningCommunity,
    day: date,
    *,
    kind: str = Event.Kind.SESSION,
    title: str = "",
    **fields,
) -> Event:
    values = {"kind": kind, "title": title or f"Sesión {day}", "date": day, "state": "SON"}
    values.update(fields)
    return create_event(community=community, fields=values, created_by=None)


def stakeholder(name: str, sector: str = Sector.UNIVERSITY, **fields) -> Organization:
    return make_organization(name, sector=sector, legal_form="other", **fields)


@dataclass
class World:
    """cast.org and a university are members; cast.other_org is not."""

    community: LearningCommunity
    university: Organization
    person: Person  # of cast.org
    colleague: Person  # of cast.org
    expert: Person  # of the university
    outsider: Person  # of cast.other_org


def small_world(cast: Cast) -> World:
    lc = community(staff=cast.staff)
    university = stakeholder("Universidad de Prueba")
    join(lc, cast.org)
    join(lc, university, role="expert")
    return World(
        community=lc,
        university=university,
        person=make_person(cast.org, "Ana Directora", level=Person.Level.LEADERSHIP),
        colleague=make_person(cast.org, "Beto Promotor", level=Person.Level.STAFF),
        expert=make_person(university, "Dra. Experta", level=Person.Level.STAFF),
        outsider=make_person(cast.other_org, "Persona Ajena"),
    )
