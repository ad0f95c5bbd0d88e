"""generate_scale_data at a tiny size: every app's part is there and consistent.

No timing here: speed is measured by bench/run.py, never by the tests.
"""

import importlib

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F
from django.test import override_settings
from django.urls import Resolver404, clear_url_caches, resolve

from csa_portal.models import User
from csa_portal.scale import LEADER_EMAIL, LEGAL_EMAIL, STAFF_EMAIL, scale_steps
from grants.models import Grant, GrantApplication, GrantReport, Tranche
from learning_communities.models import (
    Attendance,
    CommunityMembership,
    Event,
    LearningCommunity,
    NetworkSnapshot,
)
from legal_assistance.models import (
    ComplianceChange,
    ComplianceItem,
    HoursEntry,
    LegalCase,
    OrganizationCompliance,
)
from organizations.cbld9 import cbld9_report
from organizations.models import (
    Action,
    AreaScore,
    Assessment,
    Goal,
    ImprovementPlan,
    Indicator,
    Membership,
    Organization,
    Person,
    Rating,
    Sector,
)
from organizations.scale import ASSESSMENTS

N = 60

pytestmark = pytest.mark.django_db


@pytest.fixture
def scale_program(fast_password_hashing):
    call_command("generate_scale_data", organizations=N, seed=7, stdout=_Quiet())


class _Quiet:
    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass


def test_every_app_contributes_a_step():
    names = [step.name for step in scale_steps()]
    assert names[0] == "logins" and names[-1] == "scores"
    assert {
        "organizations",
        "capacity",
        "grants",
        "legal assistance",
        "legal compliance",
        "learning communities",
    } <= set(names)


def test_profiles_people_and_logins(scale_program):
    assert Organization.objects.count() == N
    csos = Organization.objects.filter(sector=Sector.CSO)
    assert csos.exists() and not csos.filter(tier=None).exists()
    assert Person.objects.count() == 3 * N
    assert Membership.objects.filter(role=Membership.Role.LEADER).count() == N
    # Each organization has exactly one leader, and the benchmark logins can sign in.
    assert not Organization.objects.annotate(n=Count("memberships")).filter(n=0).exists()
    for email in (STAFF_EMAIL, LEGAL_EMAIL, LEADER_EMAIL):
        assert User.objects.get(email=email).check_password("scale-bench-2026")
    assert not User.objects.get(email="leader2@scale.csa.mx").has_usable_password()


def test_every_assessment_rates_each_indicator_once_and_is_scored(scale_program):
    csos = Organization.objects.filter(sector=Sector.CSO).count()
    assert Assessment.objects.count() == len(ASSESSMENTS) * csos
    for assessment in Assessment.objects.select_related("framework"):
        indicators = Indicator.objects.filter(area__framework=assessment.framework).count()
        ratings = assessment.ratings.all()
        assert ratings.count() == indicators
        assert ratings.values("indicator").distinct().count() == indicators
        framework = assessment.framework
        assert not ratings.exclude(
            level__gte=framework.scale_min, level__lte=framework.scale_max
        ).exists()
        assert assessment.status == Assessment.Status.VALIDATED
        assert assessment.overall_score is not None
        assert AreaScore.objects.filter(assessment=assessment).count() == (framework.areas.count())
    assert Rating.objects.filter(indicator__area__framework__code__in=["oca", "opi"]).count() == (
        Rating.objects.count()
    )


def test_the_program_network_is_computed_with_every_actor_s_position(scale_program):
    snapshot = NetworkSnapshot.objects.get(community=None)
    actors = snapshot.overview["summary"]["actors"]
    assert actors == CommunityMembership.objects.values("organization").distinct().count()
    assert snapshot.positions.count() == actors


def test_plans_grants_cases_and_communities_point_at_consistent_rows(scale_program):
    plans = ImprovementPlan.objects.select_related("assessment")
    assert plans.count() == Organization.objects.filter(sector=Sector.CSO).count()
    for plan in plans:
        assert plan.assessment.organization_id == plan.organization_id
        assert plan.is_agreed
    # Agreed and pursued within the data's fiscal years, so CBLD-9 is measured on them all.
    assert cbld9_report(2025).denominator == plans.count()
    assert Goal.objects.count() == 2 * plans.count()
    assert not Action.objects.exclude(goal__plan=F("plan")).exists()

    assert Grant.objects.exists()
    for grant in Grant.objects.select_related("application"):
        assert grant.application.organization_id == grant.organization_id
        assert grant.application.status == GrantApplication.Status.AWARDED
    assert Tranche.objects.count() == 3 * Grant.objects.count()
    assert GrantReport.objects.count() == 2 * Grant.objects.count()

    assert LegalCase.objects.exists()
    for entry in HoursEntry.objects.select_related("case", "lawyer"):
        assert entry.firm_id == entry.case.firm_id == entry.lawyer.firm_id
    for case in LegalCase.objects.exclude(serves_action=None).select_related("serves_action"):
        assert case.serves_action.plan.organization_id == case.organization_id

    # Every other CSO keeps its checklist: a status per item that applies to it, each the
    # last of its two dated changes.
    checklists = OrganizationCompliance.objects.values("organization").distinct().count()
    assert checklists == (Organization.objects.filter(sector=Sector.CSO).count() + 1) // 2
    assert ComplianceChange.objects.count() == 2 * OrganizationCompliance.objects.count()
    assert not OrganizationCompliance.objects.filter(
        item__applies_to=ComplianceItem.AppliesTo.AUTHORIZED_DONEE,
        organization__authorized_donee=False,
    ).exists()
    for status in OrganizationCompliance.objects.all()[:100]:
        latest = ComplianceChange.objects.filter(
            organization_id=status.organization_id, item_id=status.item_id
        ).latest("checked_on", "id")
        assert (latest.status, latest.checked_on) == (status.status, status.checked_on)

    assert LearningCommunity.objects.exists()
    assert (
        CommunityMembership.objects.count()
        == Organization.objects.filter(sector=Sector.CSO).count()
    )
    assert Event.objects.count() == 24 * LearningCommunity.objects.count()
    # Attendees are people of member organizations of the event's community.
    for attendance in Attendance.objects.select_related("event", "person")[:200]:
        assert attendance.person.organization_id == attendance.organization_id
        assert CommunityMembership.objects.filter(
            community_id=attendance.event.community_id, organization_id=attendance.organization_id
        ).exists()


def test_a_second_run_is_refused(scale_program):
    with pytest.raises(CommandError):
        call_command("generate_scale_data", organizations=5, stdout=_Quiet())


def test_selected_steps_only(fast_password_hashing):
    call_command(
        "generate_scale_data",
        organizations=10,
        steps="logins,organizations,capacity,scores",
        stdout=_Quiet(),
    )
    assert Assessment.objects.exists() and not Grant.objects.exists()
    with pytest.raises(CommandError):
        call_command("generate_scale_data", organizations=10, steps="nope", stdout=_Quiet())


def _reload_urls() -> None:
    import csa_portal.urls

    importlib.reload(csa_portal.urls)
    clear_url_caches()


def test_floor_pages_are_absent_unless_enabled(client):
    with pytest.raises(Resolver404):
        resolve("/bench/floor/bare/")
    assert client.get("/bench/floor/bare/").status_code == 404
    assert client.get("/bench/floor/fortunes/").status_code == 404


def test_floor_pages_when_enabled(client, fast_password_hashing):
    User.objects.create_user("someone@example.org", "x")
    try:
        with override_settings(BENCH_FLOORS=True):
            _reload_urls()
            assert client.get("/bench/floor/bare/").content == b"Hello, World!"
            page = client.get("/bench/floor/fortunes/")
            assert page.status_code == 200
            assert b"someone@example.org" in page.content
    finally:
        _reload_urls()
    assert client.get("/bench/floor/bare/").status_code == 404
