"""No mass assignment: every ModelForm names its fields, and CSO users cannot set what the
program controls by adding fields to a POST."""

from __future__ import annotations

import importlib
import pkgutil
from datetime import date
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.urls import reverse

from csa_portal.models import ProgramRole, User
from grants.models import GrantApplication
from legal_assistance.models import LegalCase
from organizations.forms import PROGRAM_FIELDS, OrganizationLeaderForm
from organizations.models import Organization, Person, Tier

PROJECT_APPS = ["csa_portal", "organizations", "learning_communities", "grants", "legal_assistance"]


def _forms_modules() -> list:
    """Every forms module (forms.py, forms_*.py, forms/ packages) of the project's apps."""
    found = []
    for label in PROJECT_APPS:
        app = apps.get_app_config(label)
        for info in pkgutil.walk_packages([app.path], prefix=f"{app.name}."):
            leaf = info.name.rsplit(".", 1)[-1]
            if leaf.startswith("forms") or ".forms." in info.name:
                found.append(importlib.import_module(info.name))
    return found


def project_model_forms() -> list[type[forms.ModelForm]]:
    seen: dict[str, type[forms.ModelForm]] = {}
    for module in _forms_modules():
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, forms.BaseModelForm)
                and value.__module__.split(".")[0] in PROJECT_APPS
                and getattr(value, "_meta", None) is not None
                and value._meta.model is not None
            ):
                seen[f"{value.__module__}.{value.__qualname__}"] = value
    return list(seen.values())


def test_the_walk_finds_the_forms_of_every_app() -> None:
    found = {form.__module__.split(".")[0] for form in project_model_forms()}
    assert found == set(PROJECT_APPS)
    assert OrganizationLeaderForm in project_model_forms()
    assert len(project_model_forms()) >= 15


@pytest.mark.parametrize("form_class", project_model_forms(), ids=lambda f: f.__qualname__)
def test_every_model_form_lists_its_fields(form_class: type[forms.ModelForm]) -> None:
    meta = form_class.Meta
    fields = getattr(meta, "fields", None)
    assert isinstance(fields, list | tuple), "Meta.fields must be an explicit list"
    assert fields != forms.ALL_FIELDS and "__all__" not in fields
    assert getattr(meta, "exclude", None) is None, "use Meta.fields, not exclude"


def test_leaders_profile_form_has_no_program_field() -> None:
    assert not set(PROGRAM_FIELDS) & set(OrganizationLeaderForm.Meta.fields)


# --- Posting program-controlled fields ------------------------------------------------------


def form_data(form: forms.BaseForm) -> dict[str, Any]:
    """What a browser would post back for an unbound form: its initial values."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None or value is False:
            continue
        if isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif isinstance(value, date):
            data[name] = value.isoformat()
        else:
            data[name] = getattr(value, "pk", value)
    return data


def test_a_leader_cannot_set_tier_status_dates_or_sector(cast, client_for) -> None:
    before = Organization.objects.values(*PROGRAM_FIELDS).get(pk=cast.org.pk)
    other_tier = Tier.objects.exclude(pk=before["tier"]).order_by("number").first()
    assert other_tier is not None  # the migrations ship Tiers 1-3
    data = form_data(OrganizationLeaderForm(instance=cast.org))
    data |= {
        "mission": "Una misión nueva",
        "tier": other_tier.pk,
        "status": "graduated",
        "participation_start": "2016-01-01",
        "participation_end": "2030-01-01",
        "sector": "government",
    }
    response = client_for(cast.leader).post(reverse("organizations:edit", args=[cast.org.pk]), data)
    assert response.status_code == 302, (
        getattr(response, "context", {}) and response.context["form"].errors
    )
    cast.org.refresh_from_db()
    assert cast.org.mission == "Una misión nueva"  # the post was accepted...
    assert (
        Organization.objects.values(*PROGRAM_FIELDS).get(pk=cast.org.pk) == before
    )  # ...not these


def test_nobody_raises_their_own_program_role_from_the_account_page(cast, client_for) -> None:
    response = client_for(cast.leader).post(
        reverse("account"),
        {
            "display_name": "Líder",
            "preferred_language": "es",
            "program_role": ProgramRole.STAFF,
            "is_staff": "on",
            "is_superuser": "on",
            "email": "takeover@test.mx",
        },
    )
    assert response.status_code in {200, 302}
    user = User.objects.get(pk=cast.leader.pk)
    assert user.display_name == "Líder"
    assert (user.program_role, user.is_staff, user.is_superuser) == (
        cast.leader.program_role,
        False,
        False,
    )
    assert user.email == "leader@test.mx"


def test_a_leader_cannot_link_a_contact_to_someone_elses_login(cast, client_for) -> None:
    response = client_for(cast.leader).post(
        reverse("organizations:person_add", args=[cast.org.pk]),
        {
            "name": "Contacto",
            "level": "staff",
            "user": cast.staff.pk,
            "organization": cast.other_org.pk,
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(name="Contacto")
    assert person.user_id is None
    assert person.organization_id == cast.org.pk


def test_a_leader_cannot_set_a_grant_applications_status_or_organization(cast, client_for) -> None:
    from tests.grants.matrix_rows import _application_form

    data = _application_form("Solicitud con trampa") | {
        "status": "awarded",
        "organization": cast.other_org.pk,
        "created_by": cast.staff.pk,
    }
    response = client_for(cast.leader).post(reverse("grants:apply", args=[cast.org.pk]), data)
    assert response.status_code == 302
    application = GrantApplication.objects.get(title="Solicitud con trampa")
    assert application.organization_id == cast.org.pk
    assert application.status == GrantApplication._meta.get_field("status").default


def test_a_leader_cannot_triage_or_assign_their_own_legal_request(cast, client_for) -> None:
    response = client_for(cast.leader).post(
        reverse("legal_assistance:request", args=[cast.org.pk]),
        {
            "area": "labor",
            "subject": "Contratos con trampa",
            "need": "Necesitamos contratos.",
            "urgency": "normal",
            "status": "in_progress",
            "organization": cast.other_org.pk,
            "hours": "100",
        },
    )
    assert response.status_code == 302
    case = LegalCase.objects.get(subject="Contratos con trampa")
    assert case.organization_id == cast.org.pk
    assert case.status == LegalCase._meta.get_field("status").default
    assert case.firm_id is None


def test_settings_are_the_projects() -> None:
    # Guards the walk: the apps it imports are the installed ones.
    assert set(PROJECT_APPS) <= set(settings.INSTALLED_APPS)
