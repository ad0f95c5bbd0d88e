"""Django admin: every registered model's list, search and forms open for an admin."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from organizations.models import Framework
from tests.capacity_helpers import make_framework, validated_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_with_data(cast, client_for):
    framework = make_framework()
    validated_assessment(cast.org, framework, leader=cast.leader, staff=cast.staff)
    return client_for(cast.admin)


def _registered():
    return [(m._meta.app_label, m._meta.model_name) for m in admin.site._registry]


@pytest.mark.parametrize(("app", "model"), _registered())
def test_every_model_list_search_and_add_page_opens(admin_client_with_data, app, model):
    client = admin_client_with_data
    changelist = reverse(f"admin:{app}_{model}_changelist")

    assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "a"}).status_code == 200
    add = client.get(reverse(f"admin:{app}_{model}_add"))
    assert add.status_code in {200, 403}  # 403 where records are made by the workflow only


def test_the_change_page_of_every_model_with_a_row_opens(admin_client_with_data):
    opened = set()
    for model in admin.site._registry:
        obj = model._default_manager.first()
        if obj is None:
            continue
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk]
        )
        assert admin_client_with_data.get(url).status_code == 200, url
        opened.add(model._meta.model_name)
    assert {"organization", "framework", "area", "assessment", "user"} <= opened


def test_a_framework_in_use_is_read_only_and_a_new_version_can_be_made(admin_client_with_data):
    framework = Framework.objects.get(code="tiny")
    url = reverse("admin:organizations_framework_change", args=[framework.pk])

    page = admin_client_with_data.get(url)
    posted = admin_client_with_data.post(url, {"name_en": "Changed", "name_es": "Cambiado"})
    admin_client_with_data.post(
        reverse("admin:organizations_framework_changelist"),
        {"action": "make_new_version", "_selected_action": [framework.pk]},
    )

    assert 'name="name_en"' not in page.content.decode()
    assert posted.status_code == 403
    framework.refresh_from_db()
    assert framework.name_en != "Changed"
    copy = Framework.objects.get(code="tiny", version=2)
    assert not copy.is_locked()
    assert copy.areas.count() == framework.areas.count()
    edit = admin_client_with_data.get(
        reverse("admin:organizations_framework_change", args=[copy.pk])
    )
    assert 'name="name_en"' in edit.content.decode()


# --- organizations edited in the admin keep their history ----------------------------------


def _posted_form_data(page) -> dict:
    """The admin change form as the browser would send it back, inlines included."""
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if value is False or value is None:
                continue
            data[field.html_name] = "on" if value is True else value
    return data


def test_an_admin_edit_of_an_organization_is_recorded_in_its_history(cast, client_for):
    from organizations.models import OrganizationChange, ThematicArea

    client = client_for(cast.admin)
    url = reverse("admin:organizations_organization_change", args=[cast.org.pk])
    youth = ThematicArea.objects.get(code="youth")
    data = _posted_form_data(client.get(url))
    data.update(municipality="Nogales", thematic_areas=[youth.pk])
    memberships = sorted(cast.org.memberships.values_list("user_id", "role"))

    response = client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    cast.org.refresh_from_db()
    assert cast.org.municipality == "Nogales"
    assert list(cast.org.thematic_areas.all()) == [youth]
    change = OrganizationChange.objects.filter(organization=cast.org).latest("changed_at")
    assert change.changed_by == cast.admin
    assert change.changes == {
        "municipality": ["Hermosillo", "Nogales"],
        "thematic_areas": [[], [youth.pk]],
    }
    # The inlines were saved as posted, untouched.
    assert sorted(cast.org.memberships.values_list("user_id", "role")) == memberships


def test_an_organization_added_in_the_admin_is_recorded_as_created(cast, client_for):
    from organizations.models import Organization, OrganizationChange

    client = client_for(cast.admin)
    url = reverse("admin:organizations_organization_add")
    data = _posted_form_data(client.get(url))
    data.update(name="Colectivo del Admin", sector="cso", state="SON", status="active")

    response = client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    organization = Organization.objects.get(name="Colectivo del Admin")
    change = OrganizationChange.objects.get(organization=organization)
    assert (change.note, change.changed_by) == ("created", cast.admin)
    assert change.changes["name"] == [None, "Colectivo del Admin"]


def test_the_profile_history_and_jobs_cannot_be_made_or_rewritten_in_the_admin(cast, client_for):
    from csa_portal.models import Job
    from organizations.models import OrganizationChange

    client = client_for(cast.admin)
    change = OrganizationChange.objects.filter(organization=cast.org).first()
    job = Job.objects.create(kind="tests.nothing", created_by=cast.staff)
    change_url = reverse("admin:organizations_organizationchange_change", args=[change.pk])

    assert client.get(reverse("admin:organizations_organizationchange_add")).status_code == 403
    assert client.get(reverse("admin:csa_portal_job_add")).status_code == 403
    assert client.get(change_url).status_code == 200  # it can still be read
    assert client.post(change_url, {"note": "rewritten"}).status_code == 403
    delete_url = reverse("admin:organizations_organizationchange_delete", args=[change.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert OrganizationChange.objects.get(pk=change.pk).note == change.note
    assert client.get(reverse("admin:csa_portal_job_change", args=[job.pk])).status_code == 200


def test_tiers_and_populations_can_be_searched_in_the_admin(cast, client_for):
    from organizations.models import Population, Tier

    client = client_for(cast.admin)
    tier = Tier.objects.get(number=2)
    women = Population.objects.get(code="women")

    def found(model: str, term: str) -> list:
        url = reverse(f"admin:organizations_{model}_changelist")
        return list(client.get(url, {"q": term}).context["cl"].result_list)

    assert found("tier", tier.name_es) == [tier]
    assert found("population", women.name_en) == [women]


def test_forms_that_pick_from_every_organization_search_rather_than_list(
    admin_client_with_data, cast
):
    """At 10,000 organizations a select of every organization (or of every plan's goals) is
    megabytes a page: those fields search (autocomplete) or take an id."""
    from grants.admin import GrantApplicationAdmin
    from learning_communities.admin import AllianceAdmin, OutcomeAdmin, SharedGoalAdmin

    assert "members" in AllianceAdmin.autocomplete_fields
    assert "organizations" in OutcomeAdmin.autocomplete_fields
    assert "co_defined_by" in SharedGoalAdmin.autocomplete_fields
    assert "serves_actions" in GrantApplicationAdmin.raw_id_fields
    page = admin_client_with_data.get(reverse("admin:learning_communities_alliance_add"))
    html = page.content.decode()
    assert "admin-autocomplete" in html
    assert f">{cast.org.name}</option>" not in html


def test_a_plan_s_actions_offer_only_that_plan_s_goals(cast, client_for):
    from datetime import date
    from decimal import Decimal

    from organizations.models import Action, Goal
    from organizations.services.plans import create_plan, save_goal

    framework = make_framework()
    plans = []
    for org in (cast.org, cast.other_org):
        assessment = validated_assessment(org, framework, leader=cast.leader, staff=cast.staff)
        plan = create_plan(assessment=assessment, title=f"Plan {org.name}", created_by=cast.staff)
        save_goal(
            plan=plan,
            goal=None,
            area=framework.areas.first(),
            target_score=Decimal(80),
            due_date=date(2030, 1, 1),
            by=cast.staff,
        )
        plans.append(plan)
    mine, other = plans
    Action.objects.create(
        plan=mine, goal=mine.goals.get(), description="Hacer", due_date=date(2030, 1, 1)
    )

    html = (
        client_for(cast.admin)
        .get(reverse("admin:organizations_improvementplan_change", args=[mine.pk]))
        .content.decode()
    )

    goal_selects = re.findall(r'<select name="[^"]*-0-goal".*?</select>', html, re.S)
    assert goal_selects, "the action's goal field"
    offered = set(re.findall(r'<option value="(\d+)"', goal_selects[0]))
    assert offered == {str(mine.goals.get().pk)}
    assert str(Goal.objects.get(plan=other).pk) not in offered
