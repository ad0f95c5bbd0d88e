"""The content of the community report and the program results report, on hand-made data;
and shared goals' status."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from learning_communities.goals import goal_status
from learning_communities.models import KeyIssue, SharedGoal
from learning_communities.report_files import render_xlsx, sheets
from learning_communities.reports import community_report, program_report
from learning_communities.services import (
    AttendanceEntry,
    add_facilitator,
    add_progress,
    create_alliance,
    create_goal,
    decide_agenda_item,
    end_membership,
    propose_agenda_item,
    record_attendance,
    record_collaboration,
    record_outcome,
    share_resource,
)
from organizations.models import Assessment, Framework, Person, Sector, ThematicArea, Tier
from organizations.services import update_organization
from tests.personas import make_organization, make_person

from .helpers import community, event, join, stakeholder

pytestmark = pytest.mark.django_db

PERIOD = (date(2017, 1, 1), date(2018, 12, 31))


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def assessment(organization, day: date, score: str) -> Assessment:
    return Assessment.objects.create(
        organization=organization,
        framework=Framework.objects.get(code="csa-institutional"),
        kind="baseline",
        assessed_on=day,
        status=Assessment.Status.VALIDATED,
        overall_score=Decimal(score),
    )


@pytest.fixture
def data():
    """A community of two CSOs and a government office, with two years of activity."""
    lc = community("Comunidad del Informe")
    alpha = make_organization("Alfa OSC", acronym="ALF")
    beta = make_organization("Beta OSC", acronym="BET", state="COAH")
    office = stakeholder("Fiscalía Estatal", sector=Sector.GOVERNMENT)
    gone = make_organization("Ida OSC")
    join(lc, alpha, beta, office, gone)
    end_membership(membership=lc.memberships.get(organization=gone), left_on=date(2016, 6, 30))
    people = {
        "ana": make_person(alpha, "Ana", level=Person.Level.LEADERSHIP),
        "beto": make_person(alpha, "Beto", level=Person.Level.STAFF),
        "carla": make_person(beta, "Carla", level=Person.Level.VOLUNTEER),
        "dora": make_person(office, "Dora", level=Person.Level.MANAGEMENT),
    }
    early = event(lc, date(2016, 5, 1))  # before the period
    first = event(lc, date(2017, 3, 1), kind="workshop")
    tour = event(
        lc, date(2018, 5, 14), kind="study_tour", state="", country="Colombia", city="Bogotá"
    )
    add_facilitator(event=first, person=people["dora"])
    add_facilitator(event=tour, person=people["ana"])
    add_facilitator(event=tour, person=people["carla"])
    for session, mix in [(first, [alpha, None]), (tour, [alpha, beta, office])]:
        for organization in mix:
            item = propose_agenda_item(
                event=session,
                title="Tema",
                organization=organization,
                proposed_by=None,
                today=date(session.date.year, 1, 2),
            )
            decide_agenda_item(item=item, accept=True, decided_by=None)
    record_attendance(
        event=first,
        entries=[AttendanceEntry(person=people[p]) for p in ("ana", "beto", "carla", "dora")],
    )
    record_attendance(
        event=tour,
        entries=[AttendanceEntry(person=people["ana"]), AttendanceEntry(person=people["carla"])],
    )
    record_attendance(event=early, entries=[AttendanceEntry(person=people["beto"])])
    goal = create_goal(
        community=lc,
        statement="Acuerdos con autoridades",
        metric="Acuerdos",
        baseline=Decimal(0),
        target=Decimal(4),
        set_on=date(2017, 1, 1),
        due_on=date(2018, 12, 1),
        co_defined_by=[alpha, beta],
        created_by=None,
    )
    add_progress(goal=goal, measured_on=date(2017, 6, 1), value=Decimal(1), recorded_by=None)
    add_progress(goal=goal, measured_on=date(2018, 6, 1), value=Decimal(4), recorded_by=None)
    add_progress(goal=goal, measured_on=date(2019, 6, 1), value=Decimal(2), recorded_by=None)
    alliance = create_alliance(
        fields={
            "name": "Alianza Norte",
            "objective": "Prevenir",
            "theme": ThematicArea.objects.get(code="youth"),
            "states": ["SON", "COAH"],
            "started_on": date(2018, 2, 1),
            "status": "active",
        },
        members=[alpha, beta, office],
        grew_from=lc,
    )
    share_resource(
        community=lc,
        organization=beta,
        kind="data_set",
        title="Datos 2017",
        link="https://example.org/datos",
        shared_by=None,
        shared_on=date(2017, 8, 1),
    )
    record_outcome(
        fields={
            "key_issue": KeyIssue.objects.get(code="criminal-justice-innovation"),
            "tier": Tier.objects.get(number=3),
            "alliance": alliance,
            "description": "Nuevos canales con la fiscalía",
            "occurred_on": date(2018, 11, 1),
        },
        organizations=[alpha, beta, office],
        community=lc,
        created_by=None,
    )
    assessment(alpha, date(2016, 11, 1), "40.00")
    assessment(alpha, date(2018, 11, 1), "55.50")
    assessment(alpha, date(2019, 11, 1), "70.00")  # after the period
    assessment(beta, date(2016, 11, 1), "50.00")  # only one: no change
    return {"community": lc, "alpha": alpha, "beta": beta, "office": office}


def test_the_community_report_on_hand_made_data(data):
    report = community_report(data["community"], *PERIOD)

    # Members in the period (Ida left before it), with their sectors.
    assert [(m["name"], m["sector"], m["role"]) for m in report["members"]] == [
        ("Alfa OSC", "Civil society organization", "Member"),
        ("Beta OSC", "Civil society organization", "Member"),
        ("Fiscalía Estatal", "Government", "Member"),
    ]
    assert report["sectors"] == [["Civil society organization", 2], ["Government", 1]]
    assert report["events_by_kind"] == [["Study tour", 1], ["Workshop", 1]]
    assert [e["facilitators"] for e in report["events"]] == [
        ["Dora (Fiscalía Estatal)"],
        ["Ana (Alfa OSC)", "Carla (Beta OSC)"],
    ]
    assert report["events"][1]["place"] == "Bogotá, Colombia"
    # Attendance by organization and level (leadership, management, staff, volunteer).
    assert report["attendance_levels"] == ["Leadership", "Management", "Staff", "Volunteer"]
    assert report["attendance"] == [
        {"organization": "Alfa OSC", "levels": [2, 0, 1, 0], "total": 3},
        {"organization": "Beta OSC", "levels": [0, 0, 0, 2], "total": 2},
        {"organization": "Fiscalía Estatal", "levels": [0, 1, 0, 0], "total": 1},
    ]
    # 2017: 1 of 2 items by a CSO, the workshop facilitated by government staff;
    # 2018: 2 of 3 items by CSOs, the tour facilitated by CSO staff.
    assert [
        (r["year"], r["agenda_share"], r["facilitation_share"]) for r in report["power_shift"]
    ] == [(2017, "50.0", "0.0"), (2018, "66.7", "100.0")]
    # The goal is met by mid-2018 (the 2019 entry is after the period).
    assert report["goals"] == [
        {
            "statement": "Acuerdos con autoridades",
            "metric": "Acuerdos",
            "baseline": "0.00",
            "target": "4.00",
            "latest": "4.00",
            "due": "2018-12-01",
            "status": "Met",
            "progress": [["2017-06-01", "1.00"], ["2018-06-01", "4.00"]],
        }
    ]
    [alliance] = report["alliances"]
    assert alliance["states"] == ["Coahuila", "Sonora"]
    assert alliance["sectors"] == [["Civil society organization", 2], ["Government", 1]]
    assert report["resources"] == [
        {
            "title": "Datos 2017",
            "kind": "Data set",
            "organization": "Beta OSC",
            "shared_on": "2017-08-01",
        }
    ]
    assert [(o["key_issue"], o["tier"], len(o["organizations"])) for o in report["outcomes"]] == [
        ("Innovation in the criminal justice system", "Tier 3", 3)
    ]
    # Network: no tie on 2017-01-01 (three components); by the end Beta's data set tied it to
    # Alfa and the office, Ana and Carla co-facilitated, and the alliance ties all three:
    # 3 ties of 3 possible, one component (two merges).
    network = report["network"]
    assert (network["start"]["ties"], network["end"]["ties"]) == (0, 3)
    assert network["end"]["density"] == 1.0
    assert network["comparison"]["components_merged"] == 2
    # Capacity: Alfa from 40.00 (2016) to 55.50 (2018); Beta has one assessment only.
    assert report["capacity"] == [
        {
            "organization": "Alfa OSC",
            "instrument": report["capacity"][0]["instrument"],
            "baseline": "40.00",
            "latest": "55.50",
            "change": "15.50",
            "from": "2016-11-01",
            "to": "2018-11-01",
        }
    ]


def test_the_report_workbook_has_a_sheet_per_section_with_numbers(data):
    report = community_report(data["community"], *PERIOD)
    titles = [title for title, _columns, _rows in sheets(report)]
    assert titles == [
        "Members",
        "Events",
        "Attendance",
        "Power shift",
        "Goals",
        "Alliances",
        "Resources",
        "Outcomes",
        "Network",
        "Actors",
        "Capacity",
    ]
    from io import BytesIO

    from openpyxl import load_workbook

    workbook = load_workbook(BytesIO(render_xlsx(report)))
    # Every actor at the end of the period, most connected first (the page shows ten).
    actors = list(workbook["Actors"].values)
    assert actors[0] == ("Actor", "Sector", "Degree", "Betweenness")
    assert len(actors) == 4 and {row[2] for row in actors[1:]} == {2}
    assert list(workbook["Capacity"].values)[1][2:] == (40.0, 55.5, 15.5)
    assert list(workbook["Power shift"].values)[2][3] == 66.7


def test_the_program_report_follows_the_case_study_results(data):
    tier3 = Tier.objects.get(number=3)
    for organization in (data["alpha"], data["beta"]):
        update_organization(
            organization=organization,
            changed_by=None,
            fields={
                "tier": tier3,
                "participation_start": date(2016, 3, 1),
                "participation_end": date(2020, 9, 30),
            },
        )
    other = community("Comunidad Nivel 1", tier=1)
    third = make_organization("Gama OSC")
    join(other, third)
    record_outcome(
        fields={
            "key_issue": KeyIssue.objects.get(code="technology-social-change"),
            "tier": Tier.objects.get(number=1),
            "description": "Aplicaciones para prevenir",
            "occurred_on": date(2018, 3, 1),
        },
        organizations=[third],
        community=other,
        created_by=None,
    )
    record_collaboration(
        first=third,
        second=data["alpha"],
        kind="information",
        since=date(2018, 1, 1),
        recorded_by=None,
    )

    report = program_report(*PERIOD)

    assert report["strengthened"] == {
        "organizations": 2,
        "from": "2016-03-01",
        "to": "2020-09-30",
        "by_tier": [["Tier 3", 2]],
    }
    assert [
        (c["name"], c["tier"], c["members"], c["csos"], c["events"]) for c in report["communities"]
    ] == [
        ("Comunidad Nivel 1", "Tier 1", 1, 1, 0),
        ("Comunidad del Informe", "Tier 3", 4, 3, 2),
    ]
    [tour] = report["study_tours"]
    assert (tour["place"], tour["participants"], tour["organizations"], tour["states"]) == (
        "Bogotá, Colombia",
        2,
        2,
        ["Coahuila", "Sonora"],
    )
    assert [
        (issue["key_issue"], [(t["tier"], t["organizations"]) for t in issue["tiers"]])
        for issue in report["outcomes"]
    ] == [
        ("Innovation in the criminal justice system", [("Tier 3", 3)]),
        ("Technology for social change", [("Tier 1", 1)]),
    ]
    assert report["alliance_states"] == ["Coahuila", "Sonora"]
    assert report["network"]["comparison"]["new_ties"]


# --- Goal status -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latest", "today", "expected"),
    [
        (None, date(2020, 1, 1), "on_track"),  # nothing measured, no time elapsed
        (Decimal(10), date(2021, 1, 1), "on_track"),  # half the way at half the time
        (Decimal(2), date(2021, 1, 1), "at_risk"),  # 10% of the way at half the time
        (Decimal(20), date(2020, 6, 1), "met"),
        (Decimal(25), date(2023, 1, 1), "met"),
        (Decimal(19), date(2022, 1, 2), "at_risk"),  # past due, not met
    ],
)
def test_goal_status(latest, today, expected):
    goal = SharedGoal(
        baseline=Decimal(0), target=Decimal(20), set_on=date(2020, 1, 1), due_on=date(2022, 1, 1)
    )
    assert goal_status(goal, latest, today) == expected


def test_a_goal_that_goes_down_is_met_below_its_target():
    goal = SharedGoal(
        baseline=Decimal(30), target=Decimal(15), set_on=date(2020, 1, 1), due_on=date(2022, 1, 1)
    )
    assert goal_status(goal, Decimal(14), date(2021, 1, 1)) == "met"
    assert goal_status(goal, Decimal(28), date(2021, 6, 1)) == "at_risk"
    assert goal_status(goal, Decimal(22), date(2021, 1, 1)) == "on_track"


def test_a_large_network_is_drawn_by_its_most_connected_actors_and_listed_whole(data, monkeypatch):
    from learning_communities import network

    monkeypatch.setattr(network, "DRAWN_ACTORS", 2)
    report = community_report(data["community"], *PERIOD)
    section = report["network"]
    assert (section["drawn_actors"], section["all_actors"]) == (2, 3)
    assert section["svg_end"].count("<circle") == 2
    assert len(section["actors"]) == 3 and len(section["top_actors"]) == 3
    assert section["betweenness_pivots"] is None  # three actors: exact


def test_betweenness_is_exact_per_component_and_estimated_from_a_fixed_sample_above_a_limit(
    monkeypatch,
):
    import networkx as nx

    from learning_communities import network

    graph = nx.disjoint_union_all([nx.path_graph(9), nx.star_graph(4), nx.empty_graph(3)])
    graph.add_edge(0, 5)  # a tie across: one component of 14 plus a pair-less rest
    graph = nx.disjoint_union(graph, nx.cycle_graph(5))
    exact, pivots = network.betweenness_of(graph)
    assert pivots is None
    whole = nx.betweenness_centrality(graph)
    assert {k: round(v, 9) for k, v in exact.items() if v} == {
        k: round(v, 9) for k, v in whole.items() if v
    }
    monkeypatch.setattr(network, "EXACT_BETWEENNESS_UP_TO", 5)
    monkeypatch.setattr(network, "BETWEENNESS_PIVOTS", 4)
    first, pivots = network.betweenness_of(graph)
    assert pivots == 4
    assert first == network.betweenness_of(graph)[0]  # seeded: the same figures every time


def test_the_program_pdf_lists_the_first_rows_and_says_so(monkeypatch):
    import weasyprint

    from learning_communities import report_files

    seen = {}

    class Page:
        def __init__(self, string):
            seen["html"] = string

        def write_pdf(self):
            return b"%PDF"

    monkeypatch.setattr(weasyprint, "HTML", Page)
    monkeypatch.setattr(report_files, "PDF_ROWS", 2)
    community = {"name": "C", "tier": "", "states": [], "members": 1, "csos": 1, "events": 0}
    alliance = {
        "name": "A",
        "started": "2020-01-01",
        "states": [],
        "grew_from": "",
        "objective": "",
    }
    data = {
        "kind": "program",
        "period": {"start": "2020-01-01", "end": "2020-12-31"},
        "strengthened": {"organizations": 3, "from": "", "to": "", "by_tier": []},
        "communities": [{**community, "name": f"Community {n}"} for n in range(3)],
        "alliances": [{**alliance, "name": f"Alliance {n}", "sectors": []} for n in range(3)],
        "study_tours": [],
        "outcomes": [],
        "power_shift": [],
        "network": {"svg_start": "", "svg_end": "", "comparison": {}, "start": {}, "end": {}},
    }
    assert report_files.render_pdf(data, title="T", built_at=None) == b"%PDF"
    html = seen["html"]
    assert "Community 1" in html and "Community 2" not in html
    assert "Alliance 1" in html and "Alliance 2" not in html
    assert "first 2 of the 3 communities and of the 3 alliances" in html
