"""Django admin: every registered model's list, search and forms open for an admin."""

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
