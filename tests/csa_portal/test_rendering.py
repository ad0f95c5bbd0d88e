"""csa_portal.rendering: what a page will show is read before its template renders."""

from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from csa_portal.rendering import read_now
from organizations.models import Tier


class Pick(forms.Form):
    first = forms.ModelChoiceField(queryset=Tier.objects.order_by("number"))
    second = forms.ModelChoiceField(queryset=Tier.objects.order_by("number"))
    named = forms.ModelChoiceField(queryset=Tier.objects.order_by("number"))
    nothing = forms.ModelChoiceField(queryset=Tier.objects.none())
    empty_in = forms.ModelChoiceField(queryset=Tier.objects.filter(pk__in=[]))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["named"].label_from_instance = lambda tier: f"Nivel {tier.number}"


def test_choices_are_read_once_per_query_and_label_and_empty_ones_need_none(db):
    form = Pick()
    with CaptureQueriesContext(connection) as queries:
        read_now(form, {})
    # first and second share one query; named has labels of its own; the empty ones none.
    assert len(queries) == 2
    with CaptureQueriesContext(connection) as rendering:
        html = form.as_p()
    assert len(rendering) == 0
    tiers = list(Tier.objects.order_by("number"))
    assert [label for _value, label in form.fields["second"].choices][1:] == [str(t) for t in tiers]
    assert f">Nivel {tiers[0].number}</option>" in html
    for name in ("nothing", "empty_in"):
        assert list(form.fields[name].choices) == [("", form.fields[name].empty_label)]


def test_a_submitted_value_is_still_checked_against_the_queryset(db):
    tier = Tier.objects.order_by("number").first()
    form = Pick(data={"first": tier.pk, "second": 999999, "named": tier.pk})
    read_now(form, {})
    assert not form.is_valid()
    assert set(form.errors) == {"second", "nothing", "empty_in"}
