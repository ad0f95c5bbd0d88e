"""Pieces shared by several pages."""

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..network import legend


def power_chart_labels() -> dict[str, str]:
    return {
        "agenda": _("Agenda items proposed by CSOs (%)"),
        "facilitation": _("Events facilitated by CSO staff (%)"),
    }


def snapshot_context(snapshot) -> dict:
    """The drawings are our own markup (names escaped when drawn): safe to show inline."""
    if snapshot is None:
        return {"snapshot": None}
    return {
        "snapshot": snapshot,
        "summary": snapshot.data.get("summary", {}),
        "actors": snapshot.data.get("actors", [])[:15],
        "svg": mark_safe(snapshot.svg),  # noqa: S308 - built by network.draw_svg, escaped
        "svg_before": mark_safe(snapshot.comparison.get("svg_before", "")),  # noqa: S308
        "comparison": snapshot.comparison,
        "sector_legend": legend(),
    }
