"""The staff portfolio: money committed, paid and outstanding per currency, and its export."""

from django.contrib.auth.decorators import login_required
from django.utils import timezone
from django.views.decorators.http import require_safe

from csa_portal.rendering import render
from organizations.tabular import table_response

from ..access import require_grants_staff
from ..portfolio import EXPORT_COLUMNS, build_portfolio, export_rows


@require_safe
@login_required
def portfolio_page(request):
    require_grants_staff(request)
    portfolio = build_portfolio()
    return render(
        request,
        "grants/portfolio.html",
        {
            "portfolio": portfolio,
            "tier_chart": portfolio.chart("tier"),
            "year_chart": portfolio.chart("year"),
        },
    )


@require_safe
@login_required
def portfolio_export(request):
    require_grants_staff(request)
    return table_response(
        EXPORT_COLUMNS,
        export_rows(),
        filename=f"grants-{timezone.localdate():%Y-%m-%d}",
        fmt=request.GET.get("format", "csv"),
    )
