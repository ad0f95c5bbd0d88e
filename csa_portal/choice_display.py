"""`get_FOO_display()` without translating every choice on every call.

Django's `Model._get_FIELD_display` builds `dict(make_hashable(field.flatchoices))` each time
it is called. Hashing a pair hashes its label, and a lazy label is translated to be hashed, so
one `org.get_state_display` translated all 32 state names: on the directory's 50 rows (state,
sector, status) that was about a quarter of the page's time (bench/NOTES.md). Here the value ->
label map is built once per field, labels left lazy, and only the label shown is translated.

Fields whose choices are a callable (re-read each time) keep Django's own path. Installed once
from CsaPortalConfig.ready(); tests/csa_portal/test_choice_display.py compares it with Django's.
"""

from __future__ import annotations

from functools import partialmethod

from django.apps import apps
from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_djangos_get_field_display = models.Model._get_FIELD_display
# field -> {hashable value: lazy label}; fields live as long as the process.
_labels: dict[models.Field, dict] = {}


def _static_labels(field: models.Field) -> dict | None:
    labels = _labels.get(field)
    if labels is None:
        if not isinstance(field.choices, list | tuple):
            return None  # callable choices: may change between calls
        labels = {make_hashable(value): label for value, label in field.flatchoices}
        _labels[field] = labels
    return labels


def get_field_display(self: models.Model, field: models.Field):
    labels = _static_labels(field)
    if labels is None:
        return _djangos_get_field_display(self, field)
    value = getattr(self, field.attname)
    # force_str() turns the lazy label into this request's language, as Django does.
    return force_str(labels.get(make_hashable(value), value), strings_only=True)


def install() -> None:
    """Point every model's get_FOO_display at get_field_display. Django binds those methods
    when a model class is created, so replacing Model._get_FIELD_display would be too late."""
    for model in apps.get_models():
        for field in model._meta.fields:
            name = f"get_{field.name}_display"
            method = model.__dict__.get(name)
            if isinstance(method, partialmethod) and method.func is _djangos_get_field_display:
                setattr(model, name, partialmethod(get_field_display, field=field))
