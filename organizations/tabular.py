"""Small tables downloaded as CSV or XLSX straight from a view (large lists use export jobs)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.http import HttpResponse

from .columns import safe_cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_response(columns: list[str], rows: list[list], *, filename: str, fmt: str):
    """`fmt` is "xlsx" or anything else for CSV; `filename` has no extension."""
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(filename[:31])
        sheet.append(columns)
        for row in rows:
            sheet.append([_xlsx_cell(v) for v in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows([[safe_cell(v) for v in row] for row in rows])
    # The BOM makes spreadsheet programs read the file as UTF-8 (names have accents).
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _xlsx_cell(value):
    # Scores are Decimals: write them as numbers so spreadsheets can compute with them.
    if isinstance(value, Decimal):
        return float(value)
    return safe_cell(value)
