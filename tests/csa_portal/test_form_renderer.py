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
