"""A report's PDF (WeasyPrint, from the same template parts as its page) and XLSX workbook."""

from __future__ import annotations

import io
import logging
import re
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from organizations.columns import safe_cell

from .network import legend
from .reports import totals

# WeasyPrint logs each rendering step at INFO; a report job is followed by its progress bar.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


# WeasyPrint lays out about 60 list rows a second of CPU: the program PDF (drawn on its first
# download, in a web request) lists the first PDF_ROWS communities and alliances; the page and
# the workbook list them all.
PDF_ROWS = 40


def render_pdf(data: dict, *, title: str, built_at) -> bytes:
    from weasyprint import HTML  # imported here: loading pango takes a moment

    trimmed = max(len(data.get("communities", ())), len(data.get("alliances", ()))) > PDF_ROWS
    shown = data
    if data.get("kind") == "program" and trimmed:
        shown = {
            **data,
            "communities": data["communities"][:PDF_ROWS],
            "alliances": data["alliances"][:PDF_ROWS],
        }
    html = render_to_string(
        "learning_communities/reports/pdf.html",
        {
            "data": shown,
            "pdf_rows": PDF_ROWS if shown is not data else None,
            "title": title,
            "built_at": built_at,
            "totals": totals(data),
            # Our own drawings (names escaped when drawn).
            "svg_start": mark_safe(data["network"]["svg_start"]),  # noqa: S308
            "svg_end": mark_safe(data["network"]["svg_end"]),  # noqa: S308
            "sector_legend": legend(),
        },
    )
    return HTML(string=html).write_pdf()


def render_xlsx(data: dict) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for sheet_title, columns, rows in sheets(data):
        sheet = workbook.create_sheet(sheet_title[:31])
        sheet.append(columns)
        for row in rows:
            sheet.append([_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _cell(value):
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    # Scores and shares are stored as text in the report: write them as numbers.
    if isinstance(value, str) and NUMBER.match(value):
        return float(Decimal(value))
    return safe_cell(value)


def _network_rows(section: dict) -> list[list]:
    start, end, change = section["start"], section["end"], section["comparison"]
    return [
        [_("Actors"), start["actors"], end["actors"]],
        [_("Ties"), start["ties"], end["ties"]],
        [_("Density"), start["density"], end["density"]],
        [_("Connected components"), start["components"], end["components"]],
        [_("Isolated CSOs"), len(start["isolated_csos"]), len(end["isolated_csos"])],
        [_("New ties"), "", len(change["new_ties"])],
        [_("CSOs newly connected"), "", len(change["newly_connected_csos"])],
        [_("Components merged"), "", change["components_merged"]],
    ]


def _power_sheet(rows: list[dict]) -> tuple:
    return (
        _("Power shift"),
        [
            _("Year"),
            _("Accepted agenda items"),
            _("Proposed by CSOs"),
            _("Share proposed by CSOs (%)"),
            _("Events"),
            _("Facilitated by CSO staff"),
            _("Share facilitated by CSO staff (%)"),
        ],
        [
            [
                r["year"],
                r["agenda_items"],
                r["agenda_cso"],
                r["agenda_share"],
                r["events"],
                r["events_cso"],
                r["facilitation_share"],
            ]
            for r in rows
        ],
    )


def _alliance_sheet(alliances: list[dict]) -> tuple:
    return (
        _("Alliances"),
        [_("Name"), _("Start"), _("States"), _("Members"), _("Grew from")],
        [[a["name"], a["started"], a["states"], a["members"], a["grew_from"]] for a in alliances],
    )


def _actors_sheet(section: dict) -> list[tuple]:
    """Every actor at the end of the period (the page and the PDF show the first ten)."""
    if "actors" not in section:  # reports built before the list was kept
        return []
    return [
        (
            _("Actors"),
            [_("Actor"), _("Sector"), _("Degree"), _("Betweenness")],
            section["actors"],
        )
    ]


def sheets(data: dict) -> list[tuple[str, list, list[list]]]:
    network_sheet = (
        _("Network"),
        [_("Measure"), data["period"]["start"], data["period"]["end"]],
        _network_rows(data["network"]),
    )
    if data["kind"] == "program":
        outcome_rows = [
            [
                issue["key_issue"],
                tier["tier"],
                item["description"],
                item["organizations"],
                item["date"],
            ]
            for issue in data["outcomes"]
            for tier in issue["tiers"]
            for item in tier["items"]
        ]
        return [
            (
                _("Summary"),
                [_("Measure"), _("Value")],
                [
                    [_("Organizations strengthened"), data["strengthened"]["organizations"]],
                    [_("From"), data["strengthened"]["from"]],
                    [_("To"), data["strengthened"]["to"]],
                    *data["strengthened"]["by_tier"],
                ],
            ),
            (
                _("Communities"),
                [_("Community"), _("Tier"), _("States"), _("Members"), _("CSOs"), _("Events")],
                [
                    [c["name"], c["tier"], c["states"], c["members"], c["csos"], c["events"]]
                    for c in data["communities"]
                ],
            ),
            (
                _("Study tours"),
                [
                    _("Community"),
                    _("Study tour"),
                    _("Date"),
                    _("Place"),
                    _("Participants"),
                    _("States"),
                ],
                [
                    [
                        t["community"],
                        t["title"],
                        t["date"],
                        t["place"],
                        t["participants"],
                        t["states"],
                    ]
                    for t in data["study_tours"]
                ],
            ),
            (
                _("Outcomes"),
                [_("Key issue"), _("Tier"), _("Outcome"), _("Organizations involved"), _("Date")],
                outcome_rows,
            ),
            _alliance_sheet(data["alliances"]),
            _power_sheet(data["power_shift"]),
            network_sheet,
            *_actors_sheet(data["network"]),
        ]
    return [
        (
            _("Members"),
            [_("Organization"), _("Sector"), _("Role"), _("Joined"), _("Left")],
            [[m["name"], m["sector"], m["role"], m["joined"], m["left"]] for m in data["members"]],
        ),
        (
            _("Events"),
            [
                _("Date"),
                _("Event"),
                _("Kind"),
                _("Place"),
                _("Facilitators"),
                _("Attendees"),
                _("Accepted agenda items"),
            ],
            [
                [
                    e["date"],
                    e["title"],
                    e["kind"],
                    e["place"],
                    e["facilitators"],
                    e["attendees"],
                    e["accepted_items"],
                ]
                for e in data["events"]
            ],
        ),
        (
            _("Attendance"),
            [_("Organization"), *data["attendance_levels"], _("Total")],
            [[a["organization"], *a["levels"], a["total"]] for a in data["attendance"]],
        ),
        _power_sheet(data["power_shift"]),
        (
            _("Goals"),
            [
                _("Goal"),
                _("Metric"),
                _("Baseline"),
                _("Target"),
                _("Latest"),
                _("Due"),
                _("Status"),
            ],
            [
                [
                    g["statement"],
                    g["metric"],
                    g["baseline"],
                    g["target"],
                    g["latest"],
                    g["due"],
                    g["status"],
                ]
                for g in data["goals"]
            ],
        ),
        _alliance_sheet(data["alliances"]),
        (
            _("Resources"),
            [_("Title"), _("Kind"), _("Shared by"), _("Shared on")],
            [[r["title"], r["kind"], r["organization"], r["shared_on"]] for r in data["resources"]],
        ),
        (
            _("Outcomes"),
            [_("Key issue"), _("Tier"), _("Outcome"), _("Organizations involved"), _("Date")],
            [
                [o["key_issue"], o["tier"], o["description"], o["organizations"], o["date"]]
                for o in data["outcomes"]
            ],
        ),
        network_sheet,
        *_actors_sheet(data["network"]),
        (
            _("Capacity"),
            [_("Organization"), _("Instrument"), _("First score"), _("Latest score"), _("Change")],
            [
                [c["organization"], c["instrument"], c["baseline"], c["latest"], c["change"]]
                for c in data["capacity"]
            ],
        ),
    ]
