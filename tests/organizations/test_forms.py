"""Validators and forms of the organization profile, and who may change program fields."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from organizations.forms import (
    PROFILE_FIELDS,
    AcceptInvitationForm,
    InvitationForm,
    OrganizationLeaderForm,
    OrganizationStaffForm,
)
from organizations.models import Membership, Organization, ParticipationStatus, Tier
from organizations.services import update_organization
from organizations.validators import validate_cluni, validate_rfc
from tests.personas import PASSWORD, make_organization

# --- RFC and CLUNI -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rfc",
    [
        "ABC010203XY1",  # legal entity: 3 letters
        "ABCD010203XY1",  # person: 4 letters
        "Ñ&A991231AB1",  # Ñ and & are letters of the RFC alphabet
        "ABC000229A12",  # 29 February 2000 exists
        "ABC960229A1A",  # 29 February 1996 exists (20th-century founding)
    ],
)
def test_validate_rfc_accepts_well_formed_codes(rfc):
    validate_rfc(rfc)


@pytest.mark.parametrize(
    "rfc",
    [
        "",
        "AB010203XY1",  # too few letters
        "ABC10203XY1",  # date too short
        "abc010203xy1",  # lower case (forms upper-case before validating)
        "ABC010203XY",  # homoclave too short
        "ABC010203XYZ",  # the last character is a digit or A
        " ABC010203XY1",
    ],
)
def test_validate_rfc_rejects_a_bad_format(rfc):
    with pytest.raises(ValidationError) as error:
        validate_rfc(rfc)
    assert error.value.code == "invalid_rfc"


@pytest.mark.parametrize(
    "rfc",
    [
        "ABC011301XY1",  # month 13
        "ABC010230XY1",  # 30 February
        "ABC010229XY1",  # 29 February in neither 1901 nor 2001
        "ABC010431XY1",  # 31 April
    ],
)
def test_validate_rfc_rejects_an_impossible_date(rfc):
    with pytest.raises(ValidationError) as error:
        validate_rfc(rfc)
    assert error.value.code == "invalid_rfc_date"


@pytest.mark.parametrize("cluni", ["ABC1234567", "RSP2005000123", "ABCD123456XYZ"])
def test_validate_cluni_accepts_registry_codes(cluni):
    validate_cluni(cluni)


@pytest.mark.parametrize("cluni", ["", "1234567890", "AB123456", "ABC12345", "ABC-1234567"])
def test_validate_cluni_rejects_other_text(cluni):
    with pytest.raises(ValidationError) as error:
        validate_cluni(cluni)
    assert error.value.code == "invalid_cluni"


# --- The profile forms ---------------------------------------------------------------------

BASE = {"name": "Colectivo", "legal_form": "ac", "state": "SON"}
STAFF_BASE = {**BASE, "sector": "cso", "status": "none"}


@pytest.mark.django_db
def test_profile_form_upper_cases_and_accepts_a_valid_rfc_and_cluni():
    form = OrganizationLeaderForm(data={**BASE, "rfc": " abc010203xy1 ", "cluni": "abc1234567"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["rfc"] == "ABC010203XY1"
    assert form.cleaned_data["cluni"] == "ABC1234567"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("rfc", "ABC-0102", "invalid_rfc"),
        ("rfc", "ABC019999XY1", "invalid_rfc_date"),
        ("cluni", "12345", "invalid_cluni"),
    ],
)
def test_profile_form_rejects_bad_codes(field, value, code):
    form = OrganizationLeaderForm(data={**BASE, field: value})
    assert not form.is_valid()
    assert form.has_error(field, code)


@pytest.mark.django_db
def test_profile_form_rejects_an_rfc_another_organization_has():
    make_organization("Dueña del RFC", rfc="ABC010203XY1")
    form = OrganizationLeaderForm(data={**BASE, "rfc": "abc010203xy1"})
    assert not form.is_valid()
    # A readable message on the field, not the constraint's name as a form-wide error.
    assert form.has_error("rfc", "rfc_taken")
    assert "__all__" not in form.errors


@pytest.mark.django_db
def test_profile_form_lets_an_organization_keep_its_own_rfc():
    organization = make_organization("Dueña del RFC", rfc="ABC010203XY1")
    form = OrganizationLeaderForm(data={**BASE, "rfc": "ABC010203XY1"}, instance=organization)
    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_staff_form_rejects_a_participation_end_before_its_start():
    form = OrganizationStaffForm(
        data={
            **STAFF_BASE,
            "participation_start": "2020-09-30",
            "participation_end": "2016-03-01",
        }
    )
    assert not form.is_valid()
    assert list(form.errors) == ["participation_end"]


@pytest.mark.django_db
def test_staff_form_accepts_ordered_participation_dates():
    form = OrganizationStaffForm(
        data={**STAFF_BASE, "participation_start": "2016-03-01", "participation_end": "2016-03-01"}
    )
    assert form.is_valid(), form.errors


def test_leader_form_has_no_program_controlled_fields():
    fields = set(OrganizationLeaderForm.base_fields)
    assert fields == set(PROFILE_FIELDS)
    assert not fields & {*Organization.PROGRAM_FIELDS, "sector"}


def test_staff_form_has_the_program_fields_and_the_profile():
    assert set(OrganizationStaffForm.base_fields) >= {
        *Organization.PROGRAM_FIELDS,
        "sector",
        *PROFILE_FIELDS,
    }


# --- Program-controlled fields through the edit view ---------------------------------------


def _program_state(organization: Organization) -> tuple:
    organization.refresh_from_db()
    return (
        organization.tier_id,
        organization.status,
        organization.participation_start,
        organization.participation_end,
        organization.sector,
    )


def test_leader_edit_page_offers_no_program_fields(cast, client_for):
    response = client_for(cast.leader).get(reverse("organizations:edit", args=[cast.org.pk]))
    assert response.status_code == 200
    form = response.context["form"]
    assert isinstance(form, OrganizationLeaderForm)
    for name in ("tier", "status", "participation_start", "participation_end", "sector"):
        assert name not in form.fields
        assert f'name="{name}"' not in response.content.decode()
    assert response.context["read_only_program_fields"] is True


def test_leader_posting_program_fields_changes_only_the_profile(cast, client_for):
    tier1 = Tier.objects.get(number=1)
    update_organization(
        organization=cast.org,
        changed_by=cast.staff,
        fields={"tier": tier1, "status": ParticipationStatus.PROSPECTIVE},
    )
    before = _program_state(cast.org)

    response = client_for(cast.leader).post(
        reverse("organizations:edit", args=[cast.org.pk]),
        {
            **BASE,
            "name": cast.org.name,
            "rfc": cast.org.rfc,
            "municipality": cast.org.municipality,
            "mission": "Misión escrita por la líder",
            "tier": Tier.objects.get(number=3).pk,
            "status": ParticipationStatus.GRADUATED,
            "participation_start": "2016-01-01",
            "participation_end": "2020-01-01",
            "sector": "government",
        },
    )

    assert response.status_code == 302
    assert _program_state(cast.org) == before
    assert cast.org.mission == "Misión escrita por la líder"
    change = cast.org.changes.first()
    assert change.changed_by == cast.leader
    assert set(change.changes) == {"mission"}


def test_staff_can_change_program_fields_and_the_change_is_recorded(cast, client_for):
    tier2 = Tier.objects.get(number=2)
    response = client_for(cast.staff).post(
        reverse("organizations:edit", args=[cast.org.pk]),
        {
            **STAFF_BASE,
            "name": cast.org.name,
            "rfc": cast.org.rfc,
            "municipality": cast.org.municipality,
            "tier": tier2.pk,
            "status": ParticipationStatus.ACTIVE,
            "participation_start": "2016-03-01",
        },
    )

    assert response.status_code == 302
    assert _program_state(cast.org) == (
        tier2.pk,
        ParticipationStatus.ACTIVE,
        date(2016, 3, 1),
        None,
        "cso",
    )
    change = cast.org.changes.first()
    assert change.changed_by == cast.staff
    assert change.changes == {
        "tier": [None, tier2.pk],
        "status": ["none", "active"],
        "participation_start": [None, "2016-03-01"],
    }


def test_saving_the_form_unchanged_records_nothing(cast, client_for):
    before = cast.org.changes.count()
    response = client_for(cast.leader).post(
        reverse("organizations:edit", args=[cast.org.pk]),
        {**BASE, "name": cast.org.name, "rfc": cast.org.rfc, "municipality": "Hermosillo"},
    )
    assert response.status_code == 302
    assert cast.org.changes.count() == before


def test_invalid_edit_rerenders_the_form_and_writes_nothing(cast, client_for):
    before = cast.org.changes.count()
    response = client_for(cast.leader).post(
        reverse("organizations:edit", args=[cast.org.pk]),
        {**BASE, "name": "Nombre Nuevo", "rfc": "NO-ES-RFC"},
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("rfc", "invalid_rfc")
    cast.org.refresh_from_db()
    assert cast.org.name == "Red de Prueba por la Paz"
    assert cast.org.changes.count() == before


# --- Invitation forms ----------------------------------------------------------------------


def test_invitation_form_refuses_someone_already_in_the_organization(cast):
    form = InvitationForm(
        data={"email": "LEADER@test.mx", "role": Membership.Role.MEMBER}, organization=cast.org
    )
    assert not form.is_valid()
    assert "email" in form.errors


def test_invitation_form_accepts_a_member_of_another_organization(cast):
    form = InvitationForm(
        data={"email": "other-leader@test.mx", "role": Membership.Role.MEMBER},
        organization=cast.org,
    )
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("password1", "password2", "field"),
    [
        (PASSWORD, PASSWORD + "x", "password2"),  # not the same
        ("12345678", "12345678", "password1"),  # too common / numeric
    ],
)
def test_accept_invitation_form_checks_the_password(password1, password2, field):
    form = AcceptInvitationForm(
        data={"display_name": "Ana", "password1": password1, "password2": password2},
        email="ana@test.mx",
    )
    assert not form.is_valid()
    assert field in form.errors
