"""page_joined_after: the bare query picks a page's rows, the joins apply to those rows only."""

import pytest

from csa_portal.pagination import page_joined_after
from organizations.models import Organization, Tier
from tests.personas import make_organization

pytestmark = pytest.mark.django_db


def test_a_page_keeps_the_filters_and_order_and_loads_its_rows_joined(django_assert_num_queries):
    tier = Tier.objects.get(number=1)
    for name in ["Eco", "Alfa", "Delta", "Bravo", "Charlie", "Foxtrot"]:
        make_organization(f"Zz {name}", tier=tier)
    make_organization("Yy Other", tier=tier)  # left out by the filter
    listed = Organization.objects.filter(name__startswith="Zz").order_by("-name")

    with django_assert_num_queries(2):  # the count, then the page's rows with their tier
        page = page_joined_after(listed, "2", 2, lambda rows: rows.select_related("tier"))
        tiers = [org.tier.number for org in page.object_list]

    assert [org.name for org in page.object_list] == ["Zz Delta", "Zz Charlie"]
    assert tiers == [1, 1]
    assert (page.number, page.paginator.count, page.paginator.num_pages) == (2, 6, 3)
    assert page.has_next() and page.has_previous()


def test_a_page_past_the_end_is_the_last_one():
    for name in ["Alfa", "Bravo", "Charlie"]:
        make_organization(f"Zz {name}")
    listed = Organization.objects.filter(name__startswith="Zz").order_by("name")

    page = page_joined_after(listed, "9", 2, lambda rows: rows)

    assert [org.name for org in page.object_list] == ["Zz Charlie"]


def test_an_empty_list_has_one_empty_page():
    page = page_joined_after(
        Organization.objects.filter(name="nobody").order_by("name"), None, 2, lambda rows: rows
    )

    assert list(page.object_list) == [] and page.number == 1


def test_the_model_s_own_ordering_is_kept_and_an_unordered_list_is_refused():
    for name in ["Delta", "Alfa", "Charlie", "Bravo"]:
        make_organization(f"Zz {name}")
    listed = Organization.objects.filter(name__startswith="Zz")  # Meta.ordering: name

    page = page_joined_after(listed, "1", 3, lambda rows: rows)

    assert [org.name for org in page.object_list] == ["Zz Alfa", "Zz Bravo", "Zz Charlie"]
    with pytest.raises(ValueError):
        page_joined_after(listed.order_by(), "1", 3, lambda rows: rows)
    with pytest.raises(ValueError):
        page_joined_after(listed.reverse(), "1", 3, lambda rows: rows)
