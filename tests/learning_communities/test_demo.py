"""The demo's Learning Communities: the case study's Results section, loaded once."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from csa_portal.models import Job
from learning_communities import demo
from learning_communities.models import (
    AgendaItem,
    Alliance,
    Attendance,
    Collaboration,
    Event,
    Facilitator,
    LearningCommunity,
    NetworkSnapshot,
    Outcome,
    SharedResource,
)
from learning_communities.power import power_shift
from learning_communities.reports import program_report
from organizations.demo import LEADER_ORG

T3_GROUP = "Grupo de Viaje de Estudio Nivel 3 Sonora–Coahuila"


def counts() -> dict[str, int]:
    models = [LearningCommunity, Event, AgendaItem, Facilitator, Attendance, Alliance]
    models += [SharedResource, Outcome, Collaboration, NetworkSnapshot, Job]
    return {m.__name__: m.objects.count() for m in models}


def rotation_repeats() -> list[str]:
    """People who facilitated two consecutive events of a community."""
    repeats = []
    for community in LearningCommunity.objects.all():
        previous: set[int] = set()
        for event in community.events.order_by("date", "id").prefetch_related("facilitators"):
            people = {f.person_id for f in event.facilitators.all()}
            repeats += [f"{event.title}" for _ in people & previous]
            previous = people or previous
    return repeats


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """Load the whole demo, then run this step again; rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic(), translation.override("en"):
        out = io.StringIO()
        call_command("load_demo", stdout=out)
        first = counts()
        messages = []
        demo.build(messages.append)
        t3 = LearningCommunity.objects.get(name=T3_GROUP)
        tour = t3.events.get(kind="study_tour")
        result = {
            "output": out.getvalue(),
            "first": first,
            "second": counts(),
            "again": messages,
            "communities": {
                c.name: (c.tier.number if c.tier else None, c.memberships.count(), c.status)
                for c in LearningCommunity.objects.select_related("tier")
            },
            "t3_csos": sorted(
                (m.organization.state, m.organization.sector)
                for m in t3.memberships.select_related("organization")
                if m.organization.sector == "cso"
            ),
            "tour": (
                tour.country,
                tour.date.year,
                tour.attendance.count(),
                set(tour.attendance.values_list("level", flat=True)),
            ),
            "alliances": {
                a.name: (sorted(a.states), Counter(a.members.values_list("sector", flat=True)))
                for a in Alliance.objects.all()
            },
            "outcomes": sorted(
                (o.key_issue.code, o.tier.number, o.organizations.count())
                for o in Outcome.objects.select_related("key_issue", "tier")
            ),
            "power": power_shift(Event.objects.filter(date__year__lte=2020)),
            "repeats": rotation_repeats(),
            "leader_communities": sorted(
                LearningCommunity.objects.filter(
                    memberships__organization__name=LEADER_ORG
                ).values_list("name", flat=True)
            ),
            "leader_facilitates_upcoming": Facilitator.objects.filter(
                person__user__email="leader@demo.csa.mx", event__date__year=2027
            ).exists(),
            "pending_items": AgendaItem.objects.filter(status="proposed").count(),
            "jobs": sorted(
                Job.objects.filter(kind__startswith="learning_communities.").values_list(
                    "kind", flat=True
                )
            ),
            "report": program_report(demo.PROGRAM_START, demo.PROGRAM_END),
            "program_snapshot": NetworkSnapshot.objects.get(community=None).comparison,
        }
        transaction.set_rollback(True)
    return result


pytestmark = pytest.mark.django_db


def test_one_community_per_tier_and_the_tier_3_group(loaded):
    communities = loaded["communities"]
    assert communities["Comunidad de Aprendizaje Nivel 1"][:2] == (1, 24)  # 22 CSOs + 2
    assert communities["Comunidad de Aprendizaje Nivel 2"][:2] == (2, 18)  # 15 CSOs + 3
    assert communities[T3_GROUP][0] == 3
    # Eight local leaders from Sonora and Coahuila.
    assert loaded["t3_csos"] == [("COAH", "cso")] * 4 + [("SON", "cso")] * 4
    assert loaded["tour"] == ("Colombia", 2018, 8, {"leadership"})


def test_the_alliances_and_joint_projects(loaded):
    alliances = loaded["alliances"]
    states, sectors = alliances["Alianza Sonora–Coahuila para la Prevención de la Violencia"]
    assert states == ["COAH", "SON"]
    assert sectors["cso"] == 8 and sectors["government"] == 3
    assert {"private", "university", "media"} <= set(sectors)
    assert alliances["Mujeres de Sonora sin Violencia"] == (["SON"], Counter({"cso": 3}))
    peace = alliances["Coahuila Construye Paz: alianzas público-sociales"]
    assert peace == (["COAH"], Counter({"cso": 4, "government": 1}))


def test_the_outcomes_of_the_results_section(loaded):
    assert loaded["outcomes"] == [
        ("criminal-justice-innovation", 1, 7),  # seven Tier 1 CSOs sharing methods
        ("criminal-justice-innovation", 2, 5),  # Tier 2 members sharing human-rights data
        ("criminal-justice-innovation", 3, 10),  # new channels with authorities
        ("secondary-tertiary-prevention", 1, 4),  # four Tier 1 CSOs, youth
        ("secondary-tertiary-prevention", 2, 6),  # online forums and digital platforms
        ("secondary-tertiary-prevention", 3, 3),  # three members, women in Sonora
        ("secondary-tertiary-prevention", 3, 4),  # four members, peace-building in Coahuila
        ("technology-social-change", 1, 3),  # three Tier 1 organizations
    ]


def test_csos_set_more_of_the_agenda_and_facilitation_rotates(loaded):
    power = {row["year"]: row for row in loaded["power"]}
    agenda = [power[y]["agenda_share"] for y in range(2016, 2021)]
    facilitation = [power[y]["facilitation_share"] for y in range(2016, 2021)]
    assert agenda == sorted(agenda) and agenda[0] < agenda[-1]
    assert facilitation == sorted(facilitation) and facilitation[0] < facilitation[-1]
    assert loaded["repeats"] == []  # nobody facilitated two events in a row


def test_the_demo_leader_takes_part(loaded):
    assert T3_GROUP in loaded["leader_communities"]
    assert loaded["leader_facilitates_upcoming"]
    assert loaded["pending_items"] > 0  # proposals the leader can decide on


def test_the_program_report_shows_the_case_study_figures(loaded):
    report = loaded["report"]
    assert report["strengthened"]["organizations"] == 45
    assert (report["strengthened"]["from"][:4], report["strengthened"]["to"][:4]) == (
        "2016",
        "2020",
    )
    [tour] = report["study_tours"]
    assert (tour["place"], tour["participants"], tour["states"]) == (
        "Bogotá y Medellín, Colombia",
        8,
        ["Coahuila", "Sonora"],
    )
    issues = [issue["key_issue"] for issue in report["outcomes"]]
    assert issues == [
        "Innovation in the criminal justice system",
        "Secondary and tertiary violence prevention",
        "Technology for social change",
    ]
    assert "Coahuila" in report["alliance_states"] and "Sonora" in report["alliance_states"]
    network = report["network"]
    assert network["end"]["ties"] > network["start"]["ties"]
    assert network["comparison"]["newly_connected_csos"]
    assert (
        loaded["program_snapshot"]["components_after"]
        < loaded["program_snapshot"]["components_before"]
    )


def test_the_demo_asks_for_its_reports_as_jobs(loaded):
    assert loaded["jobs"] == [
        "learning_communities.community_report",
        "learning_communities.program_report",
    ]


def test_loading_again_changes_nothing(loaded):
    assert loaded["second"] == loaded["first"]
    assert loaded["again"] == ["learning communities already loaded"]
    assert "4 communities, 4 alliances" in loaded["output"]
