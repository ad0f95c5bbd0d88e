"""The portal's select boxes are Django's, written faster: same HTML for every case."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from csa_portal.form_renderer import PortalFormRenderer


class Everything(forms.Form):
    plain = forms.ChoiceField(choices=[("a", "A & B"), ("b", '"quoted" <b>')])
    grouped = forms.ChoiceField(
        choices=[("North", [("1", "Sonora"), ("2", "Chihuahua")]), ("3", "Ciudad de México")],
        required=False,
    )
    many = forms.MultipleChoiceField(choices=[(1, "uno"), (2, "dos"), (3, "tres")])
    lazy = forms.ChoiceField(choices=[("x", gettext_lazy("Tier")), ("y", mark_safe("<i>y</i>"))])
    styled = forms.ChoiceField(
        choices=[("", "---"), ("z", "Z")],
        widget=forms.Select(attrs={"class": "form-select", "data-x": 'a"b', "disabled": True}),
    )


@pytest.mark.parametrize(
    "data", [None, {"plain": "b", "grouped": "2", "many": ["1", "3"], "lazy": "y", "styled": "z"}]
)
def test_select_boxes_render_exactly_as_djangos_templates(data):
    ours = Everything(data, renderer=PortalFormRenderer())
    django = Everything(data, renderer=DjangoTemplates())
    for name in Everything.base_fields:
        assert str(ours[name]) == str(django[name]), name
    assert (
        "<optgroup" in str(ours["grouped"])
        and " selected" in str(Everything(data)["plain"])
        or not data
    )


class Inputs(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs={"class": "form-control", "x": 'a"<b>'}))
    blank = forms.CharField(required=False)
    safe = forms.CharField(initial=mark_safe("<em>kept</em>"), required=False)
    number = forms.DecimalField(initial=0, widget=forms.NumberInput(attrs={"step": "0.01"}))
    email = forms.EmailField(required=False)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), required=False)
    hidden = forms.IntegerField(widget=forms.HiddenInput, initial=7)
    agreed = forms.BooleanField(required=False)
    link = forms.URLField(required=False, widget=forms.URLInput(attrs={"disabled": True}))
    when = forms.TimeField(required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    empty_note = forms.CharField(widget=forms.Textarea, required=False)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {
            "text": 'Tom & "Jerry" <script>',
            "blank": "",
            "number": "12.50",
            "email": "a@b.mx",
            "day": "2026-12-04",
            "secret": "s&cret",
            "hidden": "8",
            "agreed": "on",
            "link": "https://x.mx/?a=1&b=2",
            "when": "10:30",
            "note": "line one\nline <two> & three",
            "empty_note": "",
        },
    ],
)
def test_inputs_and_text_areas_render_exactly_as_djangos_templates(data):
    ours = Inputs(data, renderer=PortalFormRenderer())
    django = Inputs(data, renderer=DjangoTemplates())
    for name in Inputs.base_fields:
        assert str(ours[name]) == str(django[name]), name


def test_the_input_widgets_templates_still_only_include_input_html():
    """If a Django upgrade gives one of them markup of its own, Python must not replace it."""
    from csa_portal.form_renderer import INPUT_TEMPLATES

    for name in INPUT_TEMPLATES - {"django/forms/widgets/input.html"}:
        source = DjangoTemplates().get_template(name).template.source
        assert source.strip() == '{% include "django/forms/widgets/input.html" %}', name
