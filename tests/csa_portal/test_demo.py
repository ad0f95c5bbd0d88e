"""The demo program loads in one command, and loading it again changes nothing."""

import io

import pytest
from django.core.management import call_command

from csa_portal.demo import DEMO_LOGINS, DEMO_PASSWORD
from csa_portal.models import User
from organizations.demo import LEADER_ORG
from organizations.models import Membership, Organization, OrganizationChange, Person, Sector

# The module fixture loads the demo; without this mark, run alone, it would reach the real database.
pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "participating CSOs": Organization.objects.csos().participating().count(),
        "stakeholders": Organization.objects.exclude(sector=Sector.CSO).count(),
        "organizations": Organization.objects.count(),
        "demo logins": User.objects.filter(email__endswith="@demo.csa.mx").count(),
        "users": User.objects.count(),
        "people": Person.objects.count(),
        "memberships": Membership.objects.count(),
        "profile changes": OrganizationChange.objects.count(),
    }


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def loaded_twice(django_db_setup, django_db_blocker):
    """Load the demo twice in one transaction that is rolled back afterwards (it is slow-ish)."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        first_output = load_demo()
        first = counts()
        demo_orgs = sorted(Organization.objects.values_list("name", "rfc", "tier__number"))
        second_output = load_demo()
        second = counts()
        result = {
            "first": first,
            "second": second,
            "first_output": first_output,
            "second_output": second_output,
            "demo_orgs_first": demo_orgs,
            "demo_orgs_second": sorted(
                Organization.objects.values_list("name", "rfc", "tier__number")
            ),
            "leader_memberships": list(
                Membership.objects.filter(organization__name=LEADER_ORG)
                .order_by("user__email")
                .values_list("user__email", "role")
            ),
            "leader_missing": Organization.objects.get(name=LEADER_ORG).missing_profile_fields(),
            "logins_work": all(
                User.objects.get(email=email).check_password(DEMO_PASSWORD)
                for email, _name, _role in DEMO_LOGINS
            ),
            "admin": User.objects.filter(email="admin@demo.csa.mx", is_superuser=True).exists(),
        }
        transaction.set_rollback(True)
    return result


def test_the_demo_has_the_case_studys_shape(loaded_twice):
    first = loaded_twice["first"]
    assert first["participating CSOs"] == 45
    assert first["stakeholders"] == 11
    assert first["demo logins"] == 6
    assert first["people"] > 45 * 3  # every CSO has at least three people (plus the two logins)
    assert "45 participating CSOs" in loaded_twice["first_output"]
    assert "6 demo logins" in loaded_twice["first_output"]
    assert DEMO_PASSWORD in loaded_twice["first_output"]


def test_loading_the_demo_twice_changes_nothing(loaded_twice):
    assert loaded_twice["second"] == loaded_twice["first"]
    assert loaded_twice["demo_orgs_second"] == loaded_twice["demo_orgs_first"]
    assert "(0 new)" in loaded_twice["second_output"]


def test_the_demo_logins_work_and_have_their_roles(loaded_twice):
    assert loaded_twice["logins_work"]
    assert loaded_twice["admin"]
    assert loaded_twice["leader_memberships"] == [
        ("leader@demo.csa.mx", Membership.Role.LEADER),
        ("member@demo.csa.mx", Membership.Role.MEMBER),
    ]


def test_the_demo_leader_has_something_to_attend_to(loaded_twice):
    assert len(loaded_twice["leader_missing"]) == 3  # mission, contact email, annual budget
