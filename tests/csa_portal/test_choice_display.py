"""get_FOO_display() answers as Django's own, in either language, translating only the label
shown (csa_portal.choice_display)."""

from functools import partialmethod

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from csa_portal import choice_display
from organizations.models import Organization


def djangos_display(instance, field_name: str):
    field = instance._meta.get_field(field_name)
    return choice_display._djangos_get_field_display(instance, field)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(
    ("field_name", "value"),
    [("state", "SON"), ("sector", "cso"), ("status", "active"), ("state", "not-a-state")],
)
def test_display_equals_djangos_in_each_language(language, field_name, value):
    organization = Organization(**{field_name: value})
    with translation.override(language):
        shown = getattr(organization, f"get_{field_name}_display")()
        assert shown == djangos_display(organization, field_name)
    if value == "not-a-state":
        assert shown == value  # an unknown value shows as itself, as in Django


def test_the_label_follows_the_active_language():
    organization = Organization(sector="cso")
    with translation.override("en"):
        english = organization.get_sector_display()
    with translation.override("es"):
        spanish = organization.get_sector_display()
    assert english != spanish


def test_every_model_with_static_choices_uses_the_fast_path():
    unpatched = []
    for model in apps.get_models():
        for field in model._meta.fields:
            method = model.__dict__.get(f"get_{field.name}_display")
            if (
                isinstance(method, partialmethod)
                and isinstance(field.choices, list | tuple)
                and method.func is not choice_display.get_field_display
            ):
                unpatched.append(f"{model._meta.label}.{field.name}")
    assert unpatched == []


def test_each_call_translates_only_the_label_it_shows(monkeypatch):
    calls = []
    real_gettext = translation._trans.gettext  # what lazy labels call when they are read

    def counting_gettext(message):
        calls.append(message)
        return real_gettext(message)

    organization = Organization(state="SON")
    organization.get_state_display()  # the field's label map is built once, lazily
    monkeypatch.setattr(translation._trans, "gettext", counting_gettext)
    with translation.override("es"):
        organization.get_state_display()
    assert len(calls) <= 1  # Django's own translated all 32 state names


def test_callable_choices_keep_djangos_path():
    field = models.CharField(choices=lambda: [("a", "A")])
    field.set_attributes_from_name("kind")
    assert choice_display._static_labels(field) is None
