"""Organization pickers (organizations.widgets): a form lists the chosen organizations and a
search's first matches, never every organization; any organization is still accepted."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from learning_communities.forms import AllianceForm, CollaborationForm
from organizations import widgets
from organizations.models import Organization
from tests.learning_communities.helpers import community
from tests.personas import make_organization
from tests.query_counts import LOGGED_IN

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(monkeypatch):
    """Six organizations Org 0-5 beyond the cast's, and a limit of three options."""
    monkeypatch.setattr(widgets, "SEARCH_LIMIT", 3)
    return [make_organization(f"Zeta {i}", acronym=f"Z{i}") for i in range(6)]


def groups(html: str) -> tuple[str, str]:
    chosen = html.split("data-chosen>")[1].split("</optgroup>")[0]
    found = html.split("data-found>")[1].split("</optgroup>")[0]
    return chosen, found


def test_an_empty_form_lists_the_first_organizations_by_name_only(cast, many):
    with translation.override("en"):
        html = str(CollaborationForm()["first"])
    chosen, found = groups(html)

    first_three = Organization.objects.order_by("name", "pk")[:3]
    assert chosen == ""
    assert found.count("<option") == 3
    assert all(f'value="{o.pk}"' in found for o in first_three)
    assert '<option value="" selected>- Select an option -</option>' in html
    with translation.override("es"):
        spanish = str(CollaborationForm()["first"])
    assert 'label="Elegidas"' in spanish and 'label="Encontradas"' in spanish


def test_any_organization_is_accepted_and_shown_as_chosen(cast, many):
    last = many[-1]
    form = CollaborationForm(
        data={
            "first": last.pk,
            "second": cast.org.pk,
            "kind": "information",
            "since": "2017-01-01",
        }
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["first"] == last
    chosen, found = groups(str(form["first"]))
    assert chosen == f'<option value="{last.pk}" selected>{last.name}</option>'
    assert f'value="{last.pk}"' not in found


def test_several_chosen_organizations_stay_chosen_and_are_not_listed_twice(cast, many):
    form = AllianceForm(data={"members": [many[4].pk, many[5].pk]})
    chosen, found = groups(str(form["members"]))

    assert chosen.count("selected") == 2
    assert f'value="{many[4].pk}"' in chosen and f'value="{many[5].pk}"' in chosen
    assert f'value="{many[4].pk}"' not in found
    assert found.count("<option") == 3


def test_an_unknown_organization_is_refused_next_to_its_field(cast):
    form = CollaborationForm(
        data={"first": 999999, "second": cast.org.pk, "kind": "information", "since": "2017-01-01"}
    )

    assert not form.is_valid()
    assert "first" in form.errors


def test_staff_search_returns_the_first_matches_in_fixed_queries(
    cast, many, client_for, page_cache_off
):
    client = client_for(cast.staff)
    url = reverse("organizations:options")

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"organization-search": "Z5"})

    assert response.status_code == 200
    assert response.content.decode().strip() == (f'<option value="{many[5].pk}">Zeta 5</option>')
    assert len(queries) == LOGGED_IN + 1
    everything = client.get(url, {"organization-search": "Zeta"}).content.decode()
    assert everything.count("<option") == 3  # the limit


def test_names_are_escaped_in_the_options(cast, client_for):
    make_organization("<b>Negritas</b>")
    html = client_for(cast.staff).get(
        reverse("organizations:options"), {"organization-search": "Negritas"}
    )
    assert "&lt;b&gt;Negritas&lt;/b&gt;" in html.content.decode()


def test_the_collaboration_page_is_small_however_many_organizations(cast, many, client_for):
    response = client_for(cast.staff).get(reverse("learning_communities:collaboration_create"))

    html = response.content.decode()
    assert response.status_code == 200
    found_groups = [part.split("</optgroup>")[0] for part in html.split("data-found>")[1:]]
    assert len(found_groups) == 2  # the collaboration's two sides
    assert [group.count("<option") for group in found_groups] == [3, 3]
    assert html.count('hx-get="/organizations/options/"') == 2


def test_a_picker_reads_the_chosen_and_the_first_matches_only(
    cast, many, django_assert_num_queries
):
    """Not every organization (the field's queryset, for validation): one query for the
    first matches, and one more for what is chosen."""
    with django_assert_num_queries(1):
        str(CollaborationForm()["first"])
    bound = CollaborationForm(data={"first": many[5].pk})
    bound.is_valid()  # validation reads the chosen organization once
    with django_assert_num_queries(2):
        str(bound["first"])


def test_a_value_that_is_no_id_is_refused_and_the_form_shown_again(cast, client_for):
    for value in ("²", "abc", "-1"):
        form = CollaborationForm(
            data={
                "first": value,
                "second": cast.org.pk,
                "kind": "information",
                "since": "2017-01-01",
            }
        )
        assert not form.is_valid()
        assert "first" in form.errors
        assert "data-chosen></optgroup>" in str(form["first"])
    response = client_for(cast.staff).post(
        reverse("learning_communities:alliance_create", args=[community(staff=cast.staff).pk]),
        {"name": "Alianza", "members": ["²", "x"]},
    )
    assert response.status_code == 200
    assert "members" in response.context["form"].errors


@pytest.mark.usefixtures("page_cache_off")
def test_the_form_page_reads_the_same_few_rows_however_many_organizations(cast, client_for):
    """The portal's render() reads a page's choices before its template; for the pickers that
    is their own few rows, never the field's queryset of every organization."""
    client = client_for(cast.staff)
    url = reverse("learning_communities:collaboration_create")

    def queries() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return [q["sql"] for q in captured.captured_queries]

    client.get(url)
    small = queries()
    for i in range(60):
        make_organization(f"Más {i:02d}")
    large = queries()

    assert len(small) == len(large)
    organization_reads = [sql for sql in large if '"organizations_organization"' in sql]
    assert len(organization_reads) == 2  # one per picker
    assert all("LIMIT" in sql for sql in organization_reads)
