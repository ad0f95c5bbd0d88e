"""Program figures of legal assistance and their CSV/XLSX export (program staff)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_safe

from csa_portal.params import whole_number
from csa_portal.rendering import render
from organizations.tabular import table_response

from ..access import require_program_staff
from ..reports import EXPORT_COLUMNS, available_years, legal_report


def _chosen_year(request, years: list[int]) -> int | None:
    year = whole_number(request.GET.get("year"))
    return year if year in years else None


@require_safe
@login_required
def report_page(request):
    require_program_staff(request)
    years = available_years()
    report = legal_report(_chosen_year(request, years))
    by_year = report.by["year"]
    chart = {
        "labels": [row.label for row in by_year],
        "series": [
            {
                "label": pgettext("number of cases", "Opened"),
                "values": [row.opened for row in by_year],
            },
            {
                "label": pgettext("number of cases", "Matched"),
                "values": [row.matched for row in by_year],
            },
            {
                "label": pgettext("number of cases", "Resolved"),
                "values": [row.resolved for row in by_year],
            },
        ],
    }
    sections = [
        (_("By area of law"), report.by["area"]),
        (_("By law firm"), report.by["firm"]),
        (_("By tier"), report.by["tier"]),
        (_("By year opened"), report.by["year"]),
    ]
    return render(
        request,
        "legal_assistance/reports.html",
        {"report": report, "years": years, "sections": sections, "chart": chart},
    )


@require_safe
@login_required
def report_export(request):
    require_program_staff(request)
    year = _chosen_year(request, available_years())
    report = legal_report(year)
    return table_response(
        EXPORT_COLUMNS,
        report.table(),
        filename=f"legal-assistance-{year or 'all-years'}",
        fmt=request.GET.get("format", "csv"),
    )
