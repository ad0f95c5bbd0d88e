"""Power-shift measures, per year: who sets the agenda and who facilitates.

- share of accepted agenda items proposed by CSOs (rather than other members or the program);
- share of events with at least one facilitator from a CSO.
Two aggregate queries whatever the number of events.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear

from organizations.models import Sector

from .models import AgendaItem, Event


def share(part: int, total: int) -> Decimal | None:
    """A percentage with one decimal, or None when there is nothing to divide."""
    if not total:
        return None
    return (Decimal(part) * 100 / Decimal(total)).quantize(Decimal("0.1"))


def power_shift(events: QuerySet[Event]) -> list[dict]:
    agenda = {
        row["year"]: row
        for row in AgendaItem.objects.filter(event__in=events, status=AgendaItem.Status.ACCEPTED)
        .annotate(year=ExtractYear("event__date"))
        .values("year")
        .annotate(total=Count("id"), cso=Count("id", filter=Q(source=AgendaItem.Source.CSO)))
        .order_by("year")
    }
    facilitation = {
        row["year"]: row
        for row in events.annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(
            total=Count("id", distinct=True),
            cso=Count("id", filter=Q(facilitators__organization__sector=Sector.CSO), distinct=True),
        )
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
