"""Pages of long lists whose rows are joined to other tables only once the page is picked.

Sorted and sliced with its joins, a list page made PostgreSQL join every row of the list to
every organization before keeping fifty (the legal case list: 5 ms at 10,000 organizations,
growing with the program). Here the bare query (its filters and order) picks the page's ids,
and the joins apply to those rows only, in one statement.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet, Subquery


def page_joined_after(
    queryset: QuerySet, number, per_page: int, load: Callable[[QuerySet], QuerySet]
) -> Page:
    """Paginator(queryset, per_page).get_page(number), its rows read by `load(rows)` (which
    adds select_related and the like) for the page's rows only, in the queryset's order.

    The order must be on the model's own fields (its order_by(), or else Meta.ordering): the
    page's rows are read again and sorted by it, without the queryset's annotations."""
    query = queryset.query
    ordering = query.order_by or (query.default_ordering and queryset.model._meta.ordering)
    if not ordering or not query.standard_ordering:
        raise ValueError("page_joined_after needs a queryset in a set order, not reversed")
    page = Paginator(queryset, per_page).get_page(number)
    picked = Subquery(page.object_list.values("pk"))
    rows = load(queryset.model._default_manager.filter(pk__in=picked))
    page.object_list = list(rows.order_by(*ordering))
    return page
