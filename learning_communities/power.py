"""Power-shift measures, per year: who sets the agenda and who facilitates.

- share of accepted agenda items proposed by CSOs (rather than other members or the program);
- share of events with at least one facilitator from a CSO.
Two aggregate queries whatever the number of events.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractYear

from organizations.models import Sector

from .models import AgendaItem, Event, Facilitator


def share(part: int, total: int) -> Decimal | None:
    """A percentage with one decimal, or None when there is nothing to divide."""
    if not total:
        return None
    return (Decimal(part) * 100 / Decimal(total)).quantize(Decimal("0.1"))


def power_shift(events: QuerySet[Event]) -> list[dict]:
    # Both queries start from `events` (a community's: read from its index) and reach the
    # agenda items and facilitators of those events only; starting from the agenda items with
    # "event in (events)", PostgreSQL scanned every event of the program to join them back.
    accepted = Q(agenda_items__status=AgendaItem.Status.ACCEPTED)
    agenda = {
        row["year"]: row
        for row in events.annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(
            total=Count("agenda_items", filter=accepted),
            cso=Count(
                "agenda_items", filter=accepted & Q(agenda_items__source=AgendaItem.Source.CSO)
            ),
        )
        .order_by("year")
    }
    # "Has a CSO facilitator" per event, so that an event is counted once without DISTINCT.
    cso_facilitated = Exists(
        Facilitator.objects.filter(event=OuterRef("pk"), organization__sector=Sector.CSO)
    )
    facilitation = {
        row["year"]: row
        for row in events.annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(total=Count("id"), cso=Count("id", filter=Q(cso_facilitated)))
        .order_by("year")
    }
    rows = []
    for year in sorted(set(agenda) | set(facilitation)):
        items, events_row = agenda.get(year, {}), facilitation.get(year, {})
        rows.append(
            {
                "year": year,
                "agenda_items": items.get("total", 0),
                "agenda_cso": items.get("cso", 0),
                "agenda_share": share(items.get("cso", 0), items.get("total", 0)),
                "events": events_row.get("total", 0),
                "events_cso": events_row.get("cso", 0),
                "facilitation_share": share(events_row.get("cso", 0), events_row.get("total", 0)),
            }
        )
    return rows


def chart(rows: list[dict], labels: dict[str, str]) -> dict:
    """Chart.js data (see static/js/charts.js): one line per measure, percentages by year."""
    return {
        "labels": [str(row["year"]) for row in rows],
        "series": [
            {
                "label": labels["agenda"],
                "values": [
                    float(r["agenda_share"]) if r["agenda_share"] is not None else None
                    for r in rows
                ],
            },
            {
                "label": labels["facilitation"],
                "values": [
                    float(r["facilitation_share"]) if r["facilitation_share"] is not None else None
                    for r in rows
                ],
            },
        ],
    }
