"""The organization services: what they write, what they record, what they send."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from csa_portal.models import User
from organizations.models import (
    Invitation,
    Membership,
    Organization,
    OrganizationChange,
    ParticipationStatus,
    Population,
    Sector,
    ThematicArea,
    Tier,
)
from organizations.services import (
    accept_invitation,
    create_organization,
    import_organizations,
    invite_member,
    update_organization,
)
from tests.personas import PASSWORD, make_invitation, make_organization, make_user

pytestmark = pytest.mark.django_db


def themes(*codes: str) -> list[ThematicArea]:
    return list(ThematicArea.objects.filter(code__in=codes).order_by("pk"))


def populations(*codes: str) -> list[Population]:
    return list(Population.objects.filter(code__in=codes).order_by("pk"))


# --- create / update and the change record --------------------------------------------------


def test_create_organization_records_every_given_field_as_created():
    staff = make_user("staff@test.mx", program_role="staff")
    tier = Tier.objects.get(number=2)
    organization = create_organization(
        created_by=staff,
        fields={
            "name": "Colectivo Norte",
            "state": "SON",
            "tier": tier,
            "participation_start": date(2016, 3, 1),
            "thematic_areas": themes("youth", "women"),
        },
    )

    change = OrganizationChange.objects.get(organization=organization)
    assert change.note == "created"
    assert change.changed_by == staff
    assert change.changes == {
        "name": [None, "Colectivo Norte"],
        "state": [None, "SON"],
        "tier": [None, tier.pk],
        "participation_start": [None, "2016-03-01"],
        "thematic_areas": [None, sorted(t.pk for t in themes("youth", "women"))],
    }
    assert set(organization.thematic_areas.values_list("code", flat=True)) == {"youth", "women"}


def test_update_organization_records_exactly_the_changed_scalar_fields():
    organization = make_organization(mission="Antes", phone="123")
    staff = make_user("staff@test.mx", program_role="staff")

    change = update_organization(
        organization=organization,
        changed_by=staff,
        fields={"mission": "Después", "phone": "123", "municipality": "Hermosillo"},
    )

    assert change is not None
    assert change.changes == {"mission": ["Antes", "Después"]}
    assert change.changed_by == staff
    organization.refresh_from_db()
    assert organization.mission == "Después"


def test_update_organization_records_relations_and_dates_as_json_values():
    organization = make_organization()
    tier1, tier2 = Tier.objects.get(number=1), Tier.objects.get(number=2)
    update_organization(
        organization=organization, changed_by=None, fields={"tier": tier1, "status": "active"}
    )

    change = update_organization(
        organization=organization,
        changed_by=None,
        fields={"tier": tier2, "participation_start": date(2017, 1, 15), "status": "active"},
    )

    assert change.changes == {
        "tier": [tier1.pk, tier2.pk],
        "participation_start": [None, "2017-01-15"],
    }


def test_update_organization_records_many_to_many_changes_and_applies_them():
    organization = make_organization(
        thematic_areas=themes("youth"), populations=populations("women", "youth")
    )

    change = update_organization(
        organization=organization,
        changed_by=None,
        fields={
            "thematic_areas": themes("youth", "migration"),
            # Same set in another order: not a change.
            "populations": list(reversed(populations("women", "youth"))),
        },
    )

    assert set(change.changes) == {"thematic_areas"}
    old, new = change.changes["thematic_areas"]
    assert old == [t.pk for t in themes("youth")]
    assert new == sorted(t.pk for t in themes("youth", "migration"))
    assert set(organization.thematic_areas.values_list("code", flat=True)) == {
        "youth",
        "migration",
    }


def test_update_organization_without_real_changes_records_nothing():
    organization = make_organization(mission="Igual", thematic_areas=themes("youth"))
    before = OrganizationChange.objects.count()
    updated_at = Organization.objects.get(pk=organization.pk).updated_at

    change = update_organization(
        organization=organization,
        changed_by=None,
        fields={"mission": "Igual", "thematic_areas": themes("youth"), "state": "SON"},
    )

    assert change is None
    assert OrganizationChange.objects.count() == before
    assert Organization.objects.get(pk=organization.pk).updated_at == updated_at


# --- invitations ---------------------------------------------------------------------------


def test_invite_member_stores_only_a_hash_and_emails_the_link_after_commit(
    mailoutbox, django_capture_on_commit_callbacks
):
    organization = make_organization("Red de Prueba")
    staff = make_user("staff@test.mx", program_role="staff")

    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite_member(
            organization=organization,
            email="Nueva@Test.MX",
            role=Membership.Role.LEADER,
            invited_by=staff,
            base_url="https://portal.example/",
        )
        assert mailoutbox == []  # nothing is sent before the transaction commits

    token = invitation.link.rstrip("/").rsplit("/", 1)[-1]
    assert invitation.link == "https://portal.example" + reverse(
        "organizations:accept_invitation", args=[token]
    )
    stored = Invitation.objects.get(pk=invitation.pk)
    assert stored.email == "nueva@test.mx"
    assert stored.token_hash == Invitation.hash_token(token) != token
    assert token not in str(list(Invitation.objects.values()))
    assert stored.expires_at > timezone.now() + timedelta(days=6)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nueva@test.mx"]
    assert invitation.link in mailoutbox[0].body
    assert "Red de Prueba" in mailoutbox[0].subject


def test_invite_member_rolled_back_sends_no_email(mailoutbox, django_capture_on_commit_callbacks):
    from django.db import transaction

    organization = make_organization()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        make_invitation(organization, "someone@test.mx")
        raise RuntimeError("the request failed after inviting")
    assert callbacks == []
    assert mailoutbox == []
    assert not Invitation.objects.exists()


def test_accept_invitation_creates_the_user_and_membership_and_uses_up_the_invitation():
    organization = make_organization()
    invitation, _token = make_invitation(organization, "nueva@test.mx", Membership.Role.LEADER)

    user = accept_invitation(
        invitation=invitation, display_name="Nueva Persona", password=PASSWORD, language="en"
    )

    assert user.email == "nueva@test.mx"
    assert user.display_name == "Nueva Persona"
    assert user.preferred_language == "en"
    assert user.check_password(PASSWORD)
    membership = Membership.objects.get(user=user, organization=organization)
    assert membership.role == Membership.Role.LEADER
    assert membership.is_active
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_accept_invitation_reuses_an_existing_login():
    existing = make_user("ya-existe@test.mx")
    organization = make_organization()
    invitation, _token = make_invitation(organization, "YA-EXISTE@test.mx")

    user = accept_invitation(
        invitation=invitation, display_name="Otro", password=None, language="es"
    )

    assert user == existing
    assert User.objects.filter(email__iexact="ya-existe@test.mx").count() == 1
    assert Membership.objects.filter(user=existing, organization=organization).exists()


def test_an_invitation_cannot_be_accepted_twice():
    invitation, _token = make_invitation(make_organization())
    accept_invitation(invitation=invitation, display_name="A", password=PASSWORD, language="es")

    with pytest.raises(ValueError):
        accept_invitation(invitation=invitation, display_name="B", password=PASSWORD, language="es")
    assert User.objects.filter(email="invitee@test.mx").count() == 1


def test_an_expired_invitation_cannot_be_accepted():
    invitation, _token = make_invitation(make_organization())
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())

    with pytest.raises(ValueError):
        accept_invitation(invitation=invitation, display_name="A", password=PASSWORD, language="es")
    assert not User.objects.filter(email="invitee@test.mx").exists()


# --- import --------------------------------------------------------------------------------


def _import_rows(count: int, start: int = 0) -> list[dict]:
    tier = Tier.objects.get(number=1)
    return [
        {
            "row": index + 2,
            "name": f"Organización {index}",
            "sector": Sector.CSO,
            "status": ParticipationStatus.ACTIVE,
            "state": "CHIH",
            "tier": tier,
            "thematic_areas": themes("youth", "women"),
            "populations": populations("youth"),
        }
        for index in range(start, start + count)
    ]


def test_import_organizations_creates_rows_links_and_change_records():
    importer = make_user("staff@test.mx", program_role="staff")

    created = import_organizations(rows=_import_rows(3), imported_by=importer)

    assert created == 3
    imported = Organization.objects.filter(name__startswith="Organización ")
    assert imported.count() == 3
    for organization in imported:
        assert organization.tier.number == 1
        assert set(organization.thematic_areas.values_list("code", flat=True)) == {
            "youth",
            "women",
        }
        assert list(organization.populations.values_list("code", flat=True)) == ["youth"]
        change = organization.changes.get()
        assert change.note == "imported"
        assert change.changed_by == importer
        assert "row" not in change.changes
        assert change.changes["name"] == [None, organization.name]


def test_import_organizations_is_set_based_same_queries_for_3_and_60_rows():
    few, many = _import_rows(3), _import_rows(60, start=100)
    with CaptureQueriesContext(connection) as small:
        import_organizations(rows=few, imported_by=None)
    with CaptureQueriesContext(connection) as large:
        import_organizations(rows=many, imported_by=None)

    assert Organization.objects.count() == 63
    assert len(large) == len(small)
    assert len(small) <= 8  # a savepoint pair plus one insert per table
