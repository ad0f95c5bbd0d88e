"""CBLD-9 per fiscal year: a page for staff and its export with the organizations behind it."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.utils import timezone
from django.views.decorators.http import require_safe

from csa_portal.rendering import render

from ..access import require_directory_access
from ..cbld9 import (
    ROWS_PER_PAGE,
    available_years,
    cbld9_report,
    cbld9_summary,
    fiscal_year_of,
    rows_for_page,
)
from ..tabular import table_response

EXPORT_COLUMNS = [
    "fiscal_year",
    "organization",
    "sector",
    "tier",
    "state",
    "planned_and_pursued",
    "improved_performance",
]


def _chosen_year(request, years: list[int]) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = 0
    if year in years:
        return year
    return years[0] if years else fiscal_year_of(timezone.localdate())


@require_safe
@login_required
def cbld9_page(request):
    require_directory_access(request)
    years = available_years()
    report = cbld9_summary(_chosen_year(request, years))
    page = Paginator(report.rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "organizations/cbld9.html",
        {"report": report, "years": years, "page": page, "rows": rows_for_page(page.object_list)},
    )


@require_safe
@login_required
def cbld9_export(request):
    require_directory_access(request)
    report = cbld9_report(_chosen_year(request, available_years()))
    rows = [
        [
            report.fiscal_year,
            row["organization"].name,
            row["organization"].sector,
            row["organization"].tier.number if row["organization"].tier else "",
            row["organization"].state,
            "yes",
            "yes" if row["improved"] else "no",
        ]
        for row in report.rows()
    ]
    return table_response(
        EXPORT_COLUMNS,
        rows,
        filename=f"cbld9-fy{report.fiscal_year}",
        fmt=request.GET.get("format", "csv"),
    )
