"""`render` for the portal's views: every query a page needs runs before its template does.

Django evaluates a form's model choices and a lazy queryset or page only when the template
reaches them, so their queries would run while rendering, out of sight of the view (issue #8
asks for none). This reads them first, once each; the page shows exactly the same thing.
tests/csa_portal/test_no_queries_in_templates.py renders every read-only page with queries
refused during rendering.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page
from django.db.models import QuerySet
from django.shortcuts import render as django_render


def render(request, template_name, context: dict[str, Any] | None = None, *args, **kwargs):
    read = {}  # choices already read for this page, by query (see freeze_model_choices)
    for value in (context or {}).values():
        read_now(value, read)
    return django_render(request, template_name, context, *args, **kwargs)


def read_now(value: Any, read: dict | None = None) -> None:
    """Evaluate what the template would otherwise query for: forms' (and filter sets') model
    choices, formsets' forms, querysets, a paginator page's rows."""
    read = {} if read is None else read
    if isinstance(value, forms.BaseForm):
        freeze_model_choices(value, read)
    elif isinstance(getattr(value, "form", None), forms.BaseForm):  # a django-filter FilterSet
        freeze_model_choices(value.form, read)
    elif isinstance(value, forms.BaseFormSet):
        for form in [*value.forms, value.empty_form]:
            freeze_model_choices(form, read)
    elif isinstance(value, QuerySet):
        len(value)  # fills the queryset's cache; the template iterates that
    elif isinstance(value, Page):
        value.object_list = list(value.object_list)


def freeze_model_choices(form: forms.BaseForm, read: dict) -> None:
    for name, field in form.fields.items():
        if getattr(field.widget, "reads_own_options", False):
            # A search picker (organizations.widgets) lists a few rows of its own, not the
            # field's choices (every organization).
            field.widget.read_options(form[name].value())
        elif isinstance(field, forms.ModelChoiceField):
            # Several selects of one page often list the same rows (an event page's three
            # member drop-downs): the same query with the same labels is read once.
            key = _choices_key(field)
            if key not in read:
                # (Not list(): it asks the iterator's length first, one COUNT query more.)
                read[key] = [choice for choice in field.choices]  # noqa: C416
            # The widget renders from this list and the field returns it as its choices (a
            # set `_choices` is what ModelChoiceField's getter returns; django-filter's setter
            # would wrap a list in its lazy iterator again, hence no `field.choices = ...`).
            # Validation still looks the submitted value up in the field's queryset.
            field._choices = field.widget.choices = read[key]


def _choices_key(field: forms.ModelChoiceField) -> tuple:
    label = field.label_from_instance
    try:
        sql, params = field.queryset.query.sql_with_params()
    except EmptyResultSet:  # .none() or an empty __in: no query to share, nothing to list
        return ("empty", id(field))
    return (
        type(field),
        getattr(label, "__func__", label),
        field.empty_label,
        field.to_field_name,
        sql,
        tuple(map(repr, params)),
    )
