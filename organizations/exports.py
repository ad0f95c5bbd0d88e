"""Write the organization list as CSV or XLSX, streaming rows from the database in chunks."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator

from django.db.models import QuerySet

from .columns import COLUMNS, safe_cell
from .models import Organization

CHUNK = 2000


def export_rows(queryset: QuerySet[Organization]) -> Iterator[list]:
    """One list per organization, in COLUMNS order, with a fixed number of queries per chunk."""
    queryset = queryset.select_related("tier").prefetch_related("thematic_areas", "populations")
    for org in queryset.iterator(chunk_size=CHUNK):
        yield [
            org.name,
            org.acronym,
            org.sector,
            org.tier.number if org.tier else "",
            org.status,
            _iso(org.participation_start),
            _iso(org.participation_end),
            org.legal_form,
            org.rfc,
            org.cluni,
            "yes" if org.authorized_donee else "no",
            org.founded or "",
            org.state,
            org.municipality,
            ";".join(t.code for t in org.thematic_areas.all()),
            ";".join(p.code for p in org.populations.all()),
            org.staff_range,
            org.budget_range,
            org.mission,
            org.email,
            org.phone,
            org.website,
        ]


def _iso(value) -> str:
    return value.isoformat() if value else ""


def write_csv(
    rows: Iterator[list], out: io.TextIOBase, progress: Callable[[int], None] | None = None
) -> int:
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    count = 0
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
        count += 1
        if progress and count % CHUNK == 0:
            progress(count)
    return count


def write_xlsx(rows: Iterator[list], out, progress: Callable[[int], None] | None = None) -> int:
    from openpyxl import Workbook

    # Write-only mode keeps memory flat for large lists.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("organizations")
    sheet.append(COLUMNS)
    count = 0
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
        count += 1
        if progress and count % CHUNK == 0:
            progress(count)
    workbook.save(out)
    return count
