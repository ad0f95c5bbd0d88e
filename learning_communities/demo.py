"""Learning Communities of the demo program: the case study's Results section, 2016-2020.

One community per tier; the Tier 3 group of eight local leaders from Sonora and Coahuila and
its study tour to Colombia; the alliance that followed in both states with government, private
sector, universities and media; three Tier 3 members preventing violence against women in
Sonora; four on peace-building in Coahuila; seven Tier 1 CSOs sharing methods on the criminal
justice system; four on youth violence prevention; three on technology for social change; Tier
2 members sharing human-rights data. Agendas are proposed more and more by CSOs over the years
and facilitation rotates from the program's experts to CSO staff. A follow-up community (active
today) lets the demo leader of Red Sonorense por la Paz propose and facilitate.

Built through the services, deterministic (fixed seed, ordered queries), loaded once.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from csa_portal.models import User
from organizations.demo import LEADER_ORG, STAKEHOLDERS, TIER3
from organizations.models import Organization, Person, Sector, ThematicArea, Tier
from organizations.services import save_person

from .models import KeyIssue, LearningCommunity, NetworkSnapshot
from .reference_data import ensure_key_issues
from .services import (
    AttendanceEntry,
    add_facilitator,
    add_follow_up,
    add_member,
    add_note,
    add_progress,
    compute_network_snapshot,
    create_alliance,
    create_community,
    create_event,
    create_goal,
    decide_agenda_item,
    propose_agenda_item,
    record_attendance,
    record_collaboration,
    record_outcome,
    share_resource,
    start_community_report,
    start_program_report,
    suggest_facilitators,
)

PROGRAM_START, PROGRAM_END = date(2016, 3, 1), date(2020, 9, 30)
# Accepted agenda items per event by year: (proposed by CSOs, by other members, by the program).
AGENDA_MIX = {2016: (1, 0, 3), 2017: (2, 0, 2), 2018: (3, 1, 1), 2019: (3, 0, 1), 2020: (4, 1, 0)}
AGENDA_TOPICS = [
    "Metodologías de atención a víctimas",
    "Intercambio de datos sobre casos",
    "Retos comunes en la protección de derechos humanos",
    "Alianzas con autoridades locales",
    "Estrategias de comunicación y medios",
    "Procuración de fondos entre organizaciones",
    "Prevención con juventudes en riesgo",
    "Uso de tecnología para la prevención",
    "Evaluación de metas comunes",
    "Buenas prácticas internacionales",
]
# Experts who facilitated the first events, before CSO staff took the lead.
EXPERTS = {
    "UDD": ["Dra. Teresa Valenzuela Ochoa", "Mtro. Andrés Fimbres Luna"],
    "UAL": ["Dra. Marcela Ibarra Soto", "Mtro. Julián Aguirre Castro"],
}
LINK = "https://recursos.ejemplo-osc.mx/"


@dataclass
class EventSpec:
    day: date
    kind: str
    title: str
    state: str = ""
    municipality: str = ""
    country: str = ""
    city: str = ""
    host: Organization | str = ""  # the visited member, or its acronym
    cso_facilitated: bool = True
    purpose: str = ""


@dataclass
class CommunitySpec:
    name: str
    tier: int | None
    theme: str
    start: date
    end: date
    status: str
    description: str
    members: list[Organization]
    roles: dict[int, str] = field(default_factory=dict)  # organization id -> role
    expert: str = ""  # acronym of the expert organization whose people facilitate early on
    events: list[EventSpec] = field(default_factory=list)


class Cast:
    """The demo's organizations, looked up once and in a stable order."""

    def __init__(self) -> None:
        organizations = (
            Organization.objects.select_related("tier")
            .prefetch_related("thematic_areas")
            .order_by("name")
        )
        self.all = list(organizations)
        self.by_name = {o.name: o for o in self.all}
        # Only the named organizations of organizations.demo: generated acronyms may repeat.
        self.by_acronym = {
            acronym: self.by_name[name]
            for name, acronym, *_rest in TIER3 + STAKEHOLDERS
            if name in self.by_name
        }
        self.tier = {
            n: [o for o in self.all if o.sector == Sector.CSO and o.tier and o.tier.number == n]
            for n in (1, 2, 3)
        }
        self.themes = {o.pk: {t.code for t in o.thematic_areas.all()} for o in self.all}

    def pick(self, pool: list[Organization], codes: set[str], count: int, taken: set[int]):
        """`count` organizations of the pool, those with one of the themes first."""
        free = [o for o in pool if o.pk not in taken]
        chosen = [o for o in free if self.themes[o.pk] & codes]
        chosen += [o for o in free if o not in chosen]
        chosen = chosen[:count]
        taken.update(o.pk for o in chosen)
        return chosen


def build(say: Callable[[str], None]) -> None:
    if LearningCommunity.objects.exists():
        say("learning communities already loaded")
        return
    rng = random.Random(2018)  # noqa: S311 - demo data, not security
    ensure_key_issues(KeyIssue)  # shipped by a data migration; written again if flushed
    staff = User.objects.get(email="staff@demo.csa.mx")
    cast = Cast()
    _ensure_experts(cast)
    t1, t2, t3 = cast.tier[1], cast.tier[2], cast.tier[3]
    taken: set[int] = set()
    justice = cast.pick(t1, {"justice-reform", "criminal-justice", "victims"}, 7, taken)
    youth = cast.pick(t1, {"youth", "secondary-tertiary"}, 4, taken)
    technology = cast.pick(t1, {"technology"}, 3, taken)
    data_sharers = cast.pick(t2, {"human-rights", "disappearances", "migration"}, 5, set())
    sonora = [o for o in t3 if o.state == "SON"]
    coahuila = [o for o in t3 if o.state == "COAH"]
    women = [cast.by_name[LEADER_ORG]] + [o for o in sonora if o.name != LEADER_ORG][:2]
    gov = [cast.by_acronym[a] for a in ("SESS", "FGC", "IMJC")]

    communities = {}
    for spec in _community_specs(cast):
        communities[spec.name] = _build_community(spec, cast, staff, rng)
    tier1, tier2, tier3, follow_up = communities.values()

    # Alliances and joint projects that grew from the communities.
    others = [cast.by_acronym[a] for a in ("CCT", "GIN", "UDD", "UAL", "RCVN")]
    alliance = _alliance(
        "Alianza Sonora–Coahuila para la Prevención de la Violencia",
        "Compartir información y buenas prácticas para prevenir la violencia y proteger a los "
        "grupos más vulnerables en Sonora y Coahuila, con gobierno, empresas, universidades y medios.",
        "crime-prevention",
        ["SON", "COAH"],
        t3 + gov + others,
        date(2019, 2, 1),
        tier3,
    )
    women_project = _alliance(
        "Mujeres de Sonora sin Violencia",
        "Socializar cómo afecta la violencia a las mujeres y mostrar cómo involucrar a los "
        "sectores público y privado del sistema local en su prevención.",
        "women",
        ["SON"],
        women,
        date(2019, 6, 1),
        tier3,
    )
    peace_project = _alliance(
        "Coahuila Construye Paz: alianzas público-sociales",
        "Contribuir a la construcción de paz con nuevas alianzas entre instituciones públicas y "
        "la sociedad civil de Coahuila.",
        "crime-prevention",
        ["COAH"],
        coahuila + [cast.by_acronym["FGC"]],
        date(2019, 8, 1),
        tier3,
    )
    youth_project = _alliance(
        "Proyecto conjunto de prevención secundaria y terciaria con juventudes",
        "Mejorar juntas sus metodologías de prevención secundaria y terciaria de la violencia "
        "con jóvenes.",
        "youth",
        sorted({o.state for o in youth}),
        youth,
        date(2018, 9, 1),
        tier1,
    )

    _resources(tier1, tier2, tier3, justice, technology, data_sharers, t3, staff)
    _collaborations(
        justice, youth, technology, data_sharers, t2, t3, gov, tier1, tier2, tier3, staff
    )
    _outcomes(
        cast,
        staff,
        tier1=(tier1, justice, youth, technology, youth_project),
        tier2=(tier2, data_sharers, t2),
        tier3=(tier3, t3, gov, women, coahuila, alliance, women_project, peace_project),
    )
    _goals(tier1, tier2, tier3, follow_up, justice, data_sharers, t3, staff)

    # The network at program start and end, for the program and each community.
    if not NetworkSnapshot.objects.exists():
        for community in (tier1, tier2, tier3):
            compute_network_snapshot(
                community=community, on=community.end, compared_to=community.start
            )
        compute_network_snapshot(
            community=follow_up, on=date(2026, 10, 1), compared_to=follow_up.start
        )
        compute_network_snapshot(community=None, on=PROGRAM_END, compared_to=PROGRAM_START)
    # The reports are built by jobs after the demo's transaction commits (in-process in the
    # embedded mode, by the worker otherwise), like any report staff ask for.
    start_program_report(start=PROGRAM_START, end=PROGRAM_END, requested_by=staff)
    start_community_report(community=tier3, start=tier3.start, end=tier3.end, requested_by=staff)
    say(
        f"{len(communities)} communities, 4 alliances, "
        f"{sum(c.events.count() for c in communities.values())} events"
    )


# --- Communities and events -------------------------------------------------------------------


def _yearly(start_year: int, end_year: int, months: tuple[int, ...]) -> list[tuple[int, int]]:
    return [(y, m) for y in range(start_year, end_year + 1) for m in months]


def _community_specs(cast: Cast) -> list[CommunitySpec]:
    t1, t2, t3 = cast.tier[1], cast.tier[2], cast.tier[3]
    acr = cast.by_acronym
    tier1_events = []
    for index, (year, month) in enumerate(_yearly(2016, 2020, (5, 10))):
        if year == 2020 and month == 10:
            continue  # the program closed in September 2020
        kind = ["session", "workshop", "site_visit", "session", "online_forum"][index % 5]
        host = t1[index % len(t1)] if kind == "site_visit" else ""
        place = t1[index % len(t1)]
        tier1_events.append(
            EventSpec(
                day=date(year, month, 12 + index % 10),
                kind=kind,
                title=f"{_kind_title(kind)} {index + 1} de la Comunidad Nivel 1",
                state="" if kind == "online_forum" else place.state,
                municipality="" if kind == "online_forum" else place.municipality,
                host=host,
                cso_facilitated=(year >= 2018 or (year == 2017 and month == 10)),
            )
        )
    tier2_events = []
    for index, (year, month) in enumerate(_yearly(2016, 2020, (6, 11))):
        if year == 2020 and month == 11:
            continue
        kind = ["session", "online_forum", "workshop", "online_forum"][index % 4]
        place = t2[index % len(t2)]
        tier2_events.append(
            EventSpec(
                day=date(year, month, 8 + index % 12),
                kind=kind,
                title=f"{_kind_title(kind)} {index + 1} de la Comunidad Nivel 2",
                state="" if kind == "online_forum" else place.state,
                municipality="" if kind == "online_forum" else place.municipality,
                cso_facilitated=year >= 2018,
            )
        )
    tier3_events = [
        EventSpec(
            date(2016, 9, 22),
            "session",
            "Sesión de arranque del grupo",
            "SON",
            "Hermosillo",
            cso_facilitated=False,
        ),
        EventSpec(
            date(2017, 3, 16),
            "site_visit",
            "Visita conjunta a la mediación comunitaria",
            "COAH",
            "Monclova",
            host="CNMC",
            cso_facilitated=False,
        ),
        EventSpec(
            date(2017, 9, 14),
            "workshop",
            "Taller de metas comunes",
            "COAH",
            "Saltillo",
            cso_facilitated=True,
        ),
        EventSpec(
            date(2018, 5, 14),
            "study_tour",
            "Viaje de estudio a Colombia: experiencias de construcción de paz",
            country="Colombia",
            city="Bogotá y Medellín",
            cso_facilitated=False,
            purpose="Aprender de la experiencia colombiana de construcción de paz.",
        ),
        EventSpec(
            date(2018, 10, 11),
            "session",
            "Sesión de regreso del viaje de estudio",
            "COAH",
            "Torreón",
        ),
        EventSpec(
            date(2019, 3, 21),
            "site_visit",
            "Visita conjunta a Mujeres de Cajeme",
            "SON",
            "Cajeme",
            host="MCVV",
        ),
        EventSpec(
            date(2019, 9, 19), "workshop", "Taller de la alianza Sonora–Coahuila", "SON", "Nogales"
        ),
        EventSpec(date(2020, 3, 5), "online_forum", "Foro en línea: canales con autoridades"),
    ]
    follow_up_events = [
        EventSpec(date(2021, 6, 10), "session", "Reencuentro de la red", "SON", "Hermosillo"),
        EventSpec(
            date(2022, 5, 19), "workshop", "Taller de mesas municipales de paz", "COAH", "Saltillo"
        ),
        EventSpec(
            date(2023, 11, 9),
            "site_visit",
            "Visita a Frontera Segura Nogales",
            "SON",
            "Nogales",
            host="FSN",
        ),
        EventSpec(date(2025, 4, 24), "online_forum", "Foro en línea de seguimiento"),
        EventSpec(date(2027, 2, 18), "session", "Sesión anual 2027", "SON", "Hermosillo"),
    ]
    ual, udd = acr["UAL"], acr["UDD"]
    return [
        CommunitySpec(
            name="Comunidad de Aprendizaje Nivel 1",
            tier=1,
            theme="justice-reform",
            start=PROGRAM_START,
            end=PROGRAM_END,
            status=LearningCommunity.Status.CLOSED,
            description="Las 22 OSC del Nivel 1 comparten metodologías, datos y contactos sobre "
            "el sistema de justicia penal y la prevención de la violencia.",
            members=t1 + [udd, acr["FMSC"]],
            roles={udd.pk: "expert", acr["FMSC"].pk: "observer", t1[0].pk: "co_facilitator"},
            expert="UDD",
            events=tier1_events,
        ),
        CommunitySpec(
            name="Comunidad de Aprendizaje Nivel 2",
            tier=2,
            theme="human-rights",
            start=PROGRAM_START,
            end=PROGRAM_END,
            status=LearningCommunity.Status.CLOSED,
            description="Las OSC del Nivel 2 que protegen los derechos humanos comparten datos "
            "sobre temas sensibles y abren canales en línea.",
            members=t2 + [ual, acr["CEDHC"], acr["DDFA"]],
            roles={ual.pk: "expert", acr["CEDHC"].pk: "observer", acr["DDFA"].pk: "expert"},
            expert="UAL",
            events=tier2_events,
        ),
        CommunitySpec(
            name="Grupo de Viaje de Estudio Nivel 3 Sonora–Coahuila",
            tier=3,
            theme="crime-prevention",
            start=date(2016, 9, 1),
            end=PROGRAM_END,
            status=LearningCommunity.Status.CLOSED,
            description="Ocho líderes locales de Sonora y Coahuila que viajaron a Colombia para "
            "aprender de la construcción de paz.",
            members=t3 + [ual],
            roles={ual.pk: "expert"},
            expert="UAL",
            events=tier3_events,
        ),
        CommunitySpec(
            name="Red Sonora–Coahuila de Prevención (seguimiento)",
            tier=3,
            theme="crime-prevention",
            start=date(2021, 1, 15),
            end=date(2027, 12, 31),
            status=LearningCommunity.Status.ACTIVE,
            description="Las organizaciones del grupo de Nivel 3 y las autoridades de la alianza "
            "siguen aprendiendo juntas después del programa.",
            members=t3 + [acr["SESS"], acr["FGC"], udd],
            roles={acr["SESS"].pk: "member", acr["FGC"].pk: "member", udd.pk: "expert"},
            expert="UDD",
            events=follow_up_events,
        ),
    ]


def _kind_title(kind: str) -> str:
    return {
        "session": "Sesión",
        "workshop": "Taller",
        "site_visit": "Visita conjunta",
        "online_forum": "Foro en línea",
        "study_tour": "Viaje de estudio",
    }[kind]


def _ensure_experts(cast: Cast) -> None:
    """The stakeholders have no people in the organizations demo: add the experts."""
    for acronym, names in EXPERTS.items():
        organization = cast.by_acronym[acronym]
        existing = set(organization.people.values_list("name", flat=True))
        for name in names:
            if name not in existing:
                save_person(
                    organization=organization,
                    person=None,
                    fields={
                        "name": name,
                        "position": "Investigadora" if name.startswith("Dra") else "Investigador",
                        "level": Person.Level.STAFF,
                    },
                )


def _build_community(
    spec: CommunitySpec, cast: Cast, staff: User, rng: random.Random
) -> LearningCommunity:
    states = sorted({o.state for o in spec.members if o.sector == Sector.CSO})
    community = create_community(
        fields={
            "name": spec.name,
            "description": spec.description,
            "tier": Tier.objects.get(number=spec.tier) if spec.tier else None,
            "states": states,
            "theme": ThematicArea.objects.get(code=spec.theme),
            "start": spec.start,
            "end": spec.end,
            "status": spec.status,
        },
        created_by=staff,
    )
    for organization in spec.members:
        add_member(
            community=community,
            organization=organization,
            role=spec.roles.get(organization.pk, "member"),
            joined_on=spec.start,
            added_by=staff,
        )
    people = {o.pk: list(o.people.order_by("id")) for o in spec.members if o.sector == Sector.CSO}
    experts = list(cast.by_acronym[spec.expert].people.order_by("id")) if spec.expert else []
    csos = [o for o in spec.members if o.sector == Sector.CSO]
    expert_org = cast.by_acronym.get(spec.expert)
    last_expert = None
    for index, event_spec in enumerate(spec.events):
        event = create_event(
            community=community,
            fields={
                "kind": event_spec.kind,
                "title": event_spec.title,
                "date": event_spec.day,
                "state": event_spec.state,
                "municipality": event_spec.municipality,
                "country": event_spec.country,
                "city": event_spec.city,
                "purpose": event_spec.purpose
                or "Compartir avances, acordar metas comunes y aprender de las experiencias "
                "de los miembros.",
                "host": event_spec.host
                if isinstance(event_spec.host, Organization)
                else cast.by_acronym.get(event_spec.host),
            },
            created_by=staff,
        )
        last_expert = _facilitate(event, event_spec, community, experts, last_expert, index)
        _agenda(event, csos, expert_org, staff, rng, index)
        if event.date < date(2026, 11, 1):
            _attend(event, event_spec, csos, people, rng)
            _minutes(event, csos, people, staff, index)
    return community


def _facilitate(event, spec: EventSpec, community, experts, last_expert, index: int):
    """Experts first, CSO staff later; nobody twice in a row (the services refuse it)."""
    if event.date >= date(2027, 1, 1):
        leader = Person.objects.get(organization__name=LEADER_ORG, user__email="leader@demo.csa.mx")
        add_facilitator(event=event, person=leader)
        return last_expert
    if not spec.cso_facilitated and experts:
        person = next(p for p in experts if p.pk != last_expert)
        add_facilitator(event=event, person=person)
        return person.pk
    suggestions = suggest_facilitators(community=community, on=event.date, limit=10)
    # The demo logins' own records are kept for the upcoming event (see above).
    cso_people = [
        s.person
        for s in suggestions
        if s.person.organization.sector == Sector.CSO and s.person.user_id is None
    ]
    add_facilitator(event=event, person=cso_people[0])
    if index % 3 == 0 and len(cso_people) > 1:
        add_facilitator(event=event, person=cso_people[1])  # co-facilitation
    return last_expert


def _agenda(event, csos, expert_org, staff, rng: random.Random, index: int) -> None:
    year = min(max(event.date.year, 2016), 2020)
    from_csos, from_members, from_program = AGENDA_MIX[year]
    proposed_on = event.date - timedelta(days=21)
    upcoming = event.date >= date(2027, 1, 1)
    if upcoming:
        proposed_on = date(2026, 10, 15)
    proposers = (
        [csos[(index * 3 + i) % len(csos)] for i in range(from_csos)]
        + [expert_org] * (from_members if expert_org else 0)
        + [None] * from_program
    )
    for number, organization in enumerate(proposers):
        item = propose_agenda_item(
            event=event,
            title=AGENDA_TOPICS[(index + number) % len(AGENDA_TOPICS)],
            description="",
            organization=organization,
            proposed_by=staff if organization is None else None,
            today=proposed_on,
        )
        if not upcoming:
            decide_agenda_item(item=item, accept=True, decided_by=staff)
    if event.date.year >= 2018 and not upcoming:
        declined = propose_agenda_item(
            event=event,
            title="Presentación institucional de cada organización",
            organization=csos[(index + 5) % len(csos)],
            proposed_by=None,
            today=proposed_on,
        )
        decide_agenda_item(
            item=declined,
            accept=False,
            reason="Ya se cubrió en la sesión anterior; se comparte por escrito.",
            decided_by=staff,
        )


def _attend(event, spec: EventSpec, csos, people, rng: random.Random) -> None:
    if spec.kind == "study_tour":
        # The eight local leaders: each organization's leadership person.
        entries = [
            AttendanceEntry(person=people[o.pk][0], level=Person.Level.LEADERSHIP)
            for o in csos
            if people[o.pk]
        ]
    else:
        entries = []
        for organization in csos:
            if rng.random() < 0.75:
                staff_of = people[organization.pk]
                for person in rng.sample(staff_of, k=min(len(staff_of), rng.randint(1, 3))):
                    entries.append(AttendanceEntry(person=person))
    record_attendance(event=event, entries=entries)


def _minutes(event, csos, people, staff, index: int) -> None:
    add_note(
        event=event,
        kind="note",
        text="Las organizaciones presentaron avances y compararon sus metodologías.",
        written_by=staff,
    )
    add_note(
        event=event,
        kind="decision",
        text="Se acordó compartir los materiales en la biblioteca de la comunidad.",
        written_by=staff,
    )
    owner_org = csos[index % len(csos)]
    if people[owner_org.pk]:
        add_follow_up(
            event=event,
            description="Circular la minuta y los materiales de la sesión.",
            owner=people[owner_org.pk][0],
            due_on=event.date + timedelta(days=30),
        )


# --- Alliances, resources, collaborations, outcomes, goals ------------------------------------


def _alliance(name, objective, theme, states, members, started_on, community):
    return create_alliance(
        fields={
            "name": name,
            "objective": objective,
            "theme": ThematicArea.objects.get(code=theme),
            "states": states,
            "started_on": started_on,
            "ended_on": None,
            "status": "active",
        },
        members=members,
        grew_from=community,
    )


def _share(community, organization, kind, title, day, staff) -> None:
    share_resource(
        community=community,
        organization=organization,
        kind=kind,
        title=title,
        description="",
        link=LINK + f"{community.pk}-{organization.pk}-{kind}-{day.isoformat()}",
        shared_by=staff,
        shared_on=day,
    )


def _resources(tier1, tier2, tier3, justice, technology, data_sharers, t3, staff) -> None:
    titles = [
        ("methodology", "Metodología de acompañamiento a víctimas en el proceso penal"),
        ("contact_list", "Directorio de contactos clave en fiscalías y defensorías"),
        ("best_practice", "Buenas prácticas internacionales en justicia penal"),
        ("guideline", "Lineamientos de derechos humanos para trabajar con autoridades locales"),
        ("methodology", "Metodología de monitoreo de audiencias"),
        ("methodology", "Guía de litigio estratégico"),
        ("best_practice", "Modelo de mediación penal"),
    ]
    for index, (organization, (kind, title)) in enumerate(zip(justice, titles, strict=False)):
        _share(tier1, organization, kind, title, date(2017, 3 + index, 10), staff)
    for index, organization in enumerate(technology):
        _share(
            tier1,
            organization,
            "best_practice",
            f"Uso de aplicaciones y sitios web para la prevención ({index + 1})",
            date(2019, 2 + index, 15),
            staff,
        )
    for index, organization in enumerate(data_sharers):
        _share(
            tier2,
            organization,
            "data_set",
            f"Datos de quejas por violaciones a derechos humanos {2016 + index}",
            date(2017, 5 + index, 20),
            staff,
        )
    _share(
        tier3,
        t3[0],
        "best_practice",
        "Lecciones del viaje de estudio a Colombia",
        date(2018, 7, 2),
        staff,
    )
    _share(
        tier3,
        t3[4],
        "methodology",
        "Metodología de mesas de construcción de paz",
        date(2019, 1, 15),
        staff,
    )


def _chain(orgs, kind, since, community, staff) -> None:
    for a, b in zip(orgs, orgs[1:], strict=False):
        record_collaboration(
            first=a, second=b, kind=kind, since=since, community=community, recorded_by=staff
        )


def _collaborations(
    justice, youth, technology, data_sharers, t2, t3, gov, tier1, tier2, tier3, staff
):
    _chain(justice, "information", date(2017, 9, 1), tier1, staff)
    _chain(youth, "joint_work", date(2018, 9, 1), tier1, staff)
    _chain(technology, "information", date(2019, 5, 1), tier1, staff)
    _chain(data_sharers, "information", date(2018, 3, 1), tier2, staff)
    cedh = Organization.objects.get(acronym="CEDHC")
    for organization in t2[::3]:
        record_collaboration(
            first=organization,
            second=cedh,
            kind="channel",
            since=date(2019, 4, 1),
            community=tier2,
            recorded_by=staff,
        )
    for index, organization in enumerate(t3):
        authority = gov[0] if organization.state == "SON" else gov[1]
        record_collaboration(
            first=organization,
            second=authority,
            kind="channel",
            since=date(2018, 11, 1 + index),
            community=tier3,
            recorded_by=staff,
        )


def _outcomes(cast, staff, *, tier1, tier2, tier3) -> None:
    issues = {k.code: k for k in KeyIssue.objects.all()}
    tiers = {t.number: t for t in Tier.objects.all()}
    justice_issue = issues["criminal-justice-innovation"]
    prevention = issues["secondary-tertiary-prevention"]
    technology_issue = issues["technology-social-change"]
    community1, justice, youth, technology, youth_project = tier1
    community2, data_sharers, t2 = tier2
    community3, t3, gov, women, coahuila, alliance, women_project, peace_project = tier3
    rows = [
        (
            community1,
            justice_issue,
            1,
            justice,
            None,
            date(2019, 11, 20),
            "Siete OSC del Nivel 1 compartieron metodologías e ideas para entender mejor el sistema "
            "de justicia penal y recursos como contactos clave, buenas prácticas internacionales y "
            "lineamientos de derechos humanos para trabajar con autoridades locales.",
        ),
        (
            community2,
            justice_issue,
            2,
            data_sharers,
            None,
            date(2019, 9, 12),
            "OSC del Nivel 2 que protegen los derechos humanos compartieron datos sobre temas "
            "sensibles, compararon cifras, identificaron inconsistencias en datos nacionales y "
            "regionales y construyeron argumentos más sólidos para promover cambios.",
        ),
        (
            community3,
            justice_issue,
            3,
            t3 + gov[:2],
            alliance,
            date(2019, 12, 5),
            "Los miembros del Nivel 3 establecieron nuevos canales de comunicación entre autoridades "
            "y sociedad civil; las autoridades consideraron y usaron información producida por las OSC.",
        ),
        (
            community1,
            prevention,
            1,
            youth,
            youth_project,
            date(2019, 10, 30),
            "Cuatro OSC del Nivel 1 mejoraron juntas sus metodologías de prevención secundaria y "
            "terciaria de la violencia, con enfoque en juventudes.",
        ),
        (
            community2,
            prevention,
            2,
            t2[:6],
            None,
            date(2020, 5, 21),
            "Miembros del Nivel 2 identificaron retos comunes en la promoción y protección de "
            "derechos humanos y abrieron foros en línea y plataformas digitales de colaboración.",
        ),
        (
            community3,
            prevention,
            3,
            women,
            women_project,
            date(2020, 2, 14),
            "Tres miembros del Nivel 3 formaron un grupo para prevenir la violencia contra las mujeres "
            "en Sonora, involucrando a los sectores público y privado.",
        ),
        (
            community3,
            prevention,
            3,
            coahuila,
            peace_project,
            date(2020, 3, 20),
            "Cuatro miembros estructuraron un proyecto en Coahuila que contribuyó a la construcción de "
            "paz con nuevas alianzas entre instituciones públicas y sociedad civil.",
        ),
        (
            community1,
            technology_issue,
            1,
            technology,
            None,
            date(2020, 1, 28),
            "Tres organizaciones del Nivel 1 diseñaron programas que usan tecnología para prevenir la "
            "violencia y promover el cambio social, y compartieron buenas prácticas entre sí.",
        ),
    ]
    for community, issue, tier, organizations, alliance_row, day, description in rows:
        record_outcome(
            fields={
                "key_issue": issue,
                "tier": tiers[tier],
                "alliance": alliance_row,
                "description": description,
                "occurred_on": day,
                "evidence": "Minutas de la comunidad e informe final del programa.",
            },
            organizations=organizations,
            community=community,
            created_by=staff,
        )


def _goals(tier1, tier2, tier3, follow_up, justice, data_sharers, t3, staff) -> None:
    specs = [
        (
            tier1,
            "Compartir metodologías sobre el sistema de justicia penal",
            "OSC que comparten al menos una metodología",
            0,
            7,
            date(2016, 6, 15),
            date(2020, 6, 30),
            justice[:4],
            [
                (date(2017, 6, 1), 2),
                (date(2018, 6, 1), 4),
                (date(2019, 6, 1), 6),
                (date(2020, 6, 1), 7),
            ],
        ),
        (
            tier2,
            "Comparar datos sobre derechos humanos entre organizaciones",
            "Conjuntos de datos compartidos y comparados",
            0,
            6,
            date(2016, 7, 1),
            date(2020, 9, 1),
            data_sharers[:3],
            [(date(2017, 7, 1), 1), (date(2018, 7, 1), 3), (date(2019, 7, 1), 5)],
        ),
        (
            tier3,
            "Acuerdos de colaboración con autoridades estatales",
            "Acuerdos firmados",
            0,
            4,
            date(2016, 10, 1),
            date(2020, 6, 30),
            t3[:4],
            [(date(2018, 6, 1), 1), (date(2019, 6, 1), 2), (date(2020, 3, 1), 4)],
        ),
        (
            tier3,
            "Reducir el tiempo de canalización de casos de violencia contra las mujeres",
            "Días promedio de canalización",
            30,
            15,
            date(2017, 1, 15),
            date(2020, 6, 30),
            t3[:3],
            [(date(2018, 1, 15), 28), (date(2019, 1, 15), 22), (date(2020, 1, 15), 18)],
        ),
        (
            follow_up,
            "Mesas municipales de paz activas",
            "Municipios con mesa de paz",
            2,
            8,
            date(2021, 6, 10),
            date(2027, 6, 30),
            t3[:5],
            [(date(2022, 6, 1), 3), (date(2024, 6, 1), 4), (date(2026, 6, 1), 6)],
        ),
    ]
    for community, statement, metric, baseline, target, set_on, due_on, definers, progress in specs:
        goal = create_goal(
            community=community,
            statement=statement,
            metric=metric,
            baseline=Decimal(baseline),
            target=Decimal(target),
            set_on=set_on,
            due_on=due_on,
            co_defined_by=definers,
            created_by=staff,
        )
        for day, value in progress:
            add_progress(goal=goal, measured_on=day, value=Decimal(value), recorded_by=staff)
