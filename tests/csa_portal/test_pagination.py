"""page_joined_after: the bare query picks a page's rows, the joins apply to those rows only.
newest_first_page: a list that only grows, paged from a row instead of by number."""

from datetime import timedelta

import pytest
from django.utils import timezone

from csa_portal.pagination import newest_first_page, page_joined_after
from legal_assistance.models import ConfidentialAccess
from organizations.models import Organization, Tier
from tests.legal_assistance.helpers import requested_case
from tests.personas import make_organization, make_user

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


# --- newest_first_page: a list that only grows, paged from a row -----------------------------


def _log(count: int, *, same_time_from: int | None = None):
    """`count` access-log rows, one minute apart (the last ones at one time from
    `same_time_from` on, so that only the id orders them), newest last; their ids."""
    user = make_user("viewer@test.mx")
    case = requested_case(make_organization("Zz Log"), user)
    start = timezone.now() - timedelta(days=1)
    times = [
        start + timedelta(minutes=min(i, same_time_from if same_time_from is not None else i))
        for i in range(count)
    ]
    ConfidentialAccess.objects.bulk_create(
        ConfidentialAccess(case=case, user=user, what="case", viewed_at=t) for t in times
    )
    return list(ConfidentialAccess.objects.order_by("viewed_at", "id").values_list("id", flat=True))


def _page(params, per_page=3):
    return newest_first_page(
        ConfidentialAccess.objects.all(),
        "viewed_at",
        params,
        per_page,
        lambda rows: rows.select_related("user"),
    )


def _ids(page):
    return [row.pk for row in page]


def test_the_newest_page_comes_first_and_links_to_older_rows(django_assert_max_num_queries):
    ids = _log(7)

    with django_assert_max_num_queries(1):
        page = _page({})
        emails = [row.user.email for row in page]

    assert _ids(page) == ids[:-4:-1]  # the three newest, newest first
    assert emails == ["viewer@test.mx"] * 3
    assert page.newer is None and page.older == ids[-3]


def test_older_pages_follow_from_a_row_and_the_last_one_has_no_older_link():
    ids = _log(7)

    second = _page({"before": str(ids[-3])})
    last = _page({"before": str(second.older)})

    assert _ids(second) == [ids[3], ids[2], ids[1]] and second.newer == ids[3]
    assert _ids(last) == [ids[0]] and last.older is None and last.newer is not None


def test_newer_pages_go_back_and_end_on_the_newest_page():
    ids = _log(10)

    newer = _page({"after": str(ids[2])})  # rows 3..9 are newer: a full page of them, and more
    back_to_top = _page({"after": str(ids[6])})  # only 3 newer rows: the newest page itself

    assert _ids(newer) == [ids[5], ids[4], ids[3]]
    assert newer.newer == ids[5] and newer.older == ids[3]
    assert _ids(back_to_top) == _ids(_page({})) and back_to_top.newer is None


def test_rows_at_the_same_time_are_ordered_by_id_and_none_is_skipped_or_repeated():
    ids = _log(8, same_time_from=2)  # rows 2..7 share one time

    seen, params = [], {}
    while True:
        page = _page(params)
        seen += _ids(page)
        if page.older is None:
            break
        params = {"before": str(page.older)}

    assert seen == ids[::-1]


def test_a_garbled_or_unknown_row_gives_the_newest_page():
    ids = _log(5)
    newest = _ids(_page({}))

    for params in (
        {"before": "0", "after": str(ids[2])},
        {"before": "9" * 30},
        {"before": "abc"},
        {"after": "-1"},
        {"before": "٣"},
        {"before": str(ids[-1] + 99)},
    ):
        assert _ids(_page(params)) == newest, params


def test_a_row_outside_the_filtered_list_gives_its_newest_page():
    ids = _log(5)
    ConfidentialAccess.objects.filter(pk=ids[-1]).update(what="document")
    cases_only = ConfidentialAccess.objects.filter(what="case")

    page = newest_first_page(cases_only, "viewed_at", {"before": str(ids[-1])}, 2, lambda r: r)

    assert _ids(page) == [ids[-2], ids[-3]]


def test_no_older_row_gives_the_newest_page():
    ids = _log(5)

    assert _ids(_page({"before": str(ids[0])})) == _ids(_page({}))


def test_rows_written_by_case_views_page_both_ways_once_each():
    """The case page writes its log row with a plain INSERT: its times must compare equal to
    the ORM's (on SQLite an offset written with them once did not)."""
    from legal_assistance.services.cases import record_case_view

    user = make_user("viewer@test.mx")
    case = requested_case(make_organization("Zz Log"), user)
    for _ in range(7):
        record_case_view(case_id=case.pk, user=user, what="case")
    newest_first = list(
        ConfidentialAccess.objects.order_by("-viewed_at", "-id").values_list("id", flat=True)
    )

    older, params = [], {}
    while True:
        page = _page(params, per_page=2)
        older += _ids(page)
        if page.older is None:
            break
        params = {"before": str(page.older)}
    newer = _ids(_page({"after": str(newest_first[-1])}, per_page=2))

    assert older == newest_first
    assert newer == [newest_first[-3], newest_first[-2]]
