"""Pieces shared by several pages."""

from collections.abc import Callable

from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..network import legend

# An id no row has, to find where the last argument goes in a reversed path.
_MARK = 2**31 - 1


def link_maker(name: str, *args) -> Callable[[int], str]:
    """The URL of `name` with `args` and then a row's id, for every row of a list: reverse()
    once, then the id put in its place. reverse() walks the URL patterns on each call: a
    community page's event and member links did it once a row (a sixth of the page's Python).
    The id must be the pattern's last argument (an <int:...>)."""
    head, mark, tail = reverse(name, args=[*args, _MARK]).rpartition(str(_MARK))
    if not mark:
        raise ValueError(f"{name}: a row's id is not in its path")

    def link(pk: int) -> str:
        return f"{head}{int(pk)}{tail}"

    return link


def power_chart_labels() -> dict[str, str]:
    return {
        "agenda": _("Agenda items proposed by CSOs (%)"),
        "facilitation": _("Events facilitated by CSO staff (%)"),
    }


def snapshot_context(snapshot) -> dict:
    """The drawings are our own markup (names escaped when drawn): safe to show inline."""
    if snapshot is None:
        return {"snapshot": None}
    overview = snapshot.overview
    return {
        "snapshot": snapshot,
        "summary": overview.get("summary", {}),
        "actors": overview.get("actors", []),
        "betweenness_pivots": overview.get("betweenness_pivots"),
        "drawn_actors": overview.get("drawn_actors"),
        "svg": mark_safe(snapshot.svg),  # noqa: S308 - built by network.draw_svg, escaped
        "svg_before": mark_safe(snapshot.svg_before),  # noqa: S308 - the same
        "comparison": overview.get("comparison", {}),
        "sector_legend": legend(),
    }
