from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from csa_portal.jobs import start_job
from csa_portal.rendering import render

from ..access import get_organization_for_user, require_directory_access
from ..capacity import (
    cohort_comparison,
    instrument_versions,
    organization_scores,
    organizations_with_scores,
    score_change,
    with_score_change,
)
from ..filters import OrganizationFilter, style_filter_form
from ..models import Organization
from ..tabular import table_response

PAGE_SIZE = 50


@require_safe
@login_required
def organization_scores_page(request, pk):
    organization = get_organization_for_user(request, pk)
    instruments = organization_scores(organization)
    show_cohorts = request.user.has_perm("organizations.view_cohorts", organization)
    for instrument in instruments:
        if show_cohorts:
            medians = cohort_comparison(organization, instrument["framework"])
            for row in instrument["areas"]:
                row["tier_median"] = medians["tier"].get(row["area"].code)
                row["all_median"] = medians["all"].get(row["area"].code)
        series = [
            {"label": _("Latest"), "values": _floats(r["score"] for r in instrument["areas"])}
        ]
        if instrument["baseline"]:
            series.append(
                {
                    "label": _("Baseline"),
                    "values": _floats(r["baseline"] for r in instrument["areas"]),
                }
            )
        if show_cohorts:
            series.append(
                {
                    "label": _("Median of the tier"),
                    "values": _floats(r.get("tier_median") for r in instrument["areas"]),
                }
            )
        instrument["chart_id"] = f"chart-{instrument['framework'].code}-areas"
        instrument["history_id"] = f"chart-{instrument['framework'].code}-history"
        instrument["chart"] = {
            "labels": [r["area"].name for r in instrument["areas"]],
            "series": series,
        }
        instrument["history_chart"] = {
            "labels": [h["date"] for h in instrument["history"]],
            "values": [h["score"] for h in instrument["history"]],
        }
    return render(
        request,
        "organizations/scores.html",
        {
            "organization": organization,
            "instruments": instruments,
            "show_cohorts": show_cohorts,
        },
    )


def _floats(values) -> list[float | None]:
    return [float(v) if v is not None else None for v in values]


def _score_list(request, params):
    frameworks, versions = instrument_versions()
    code = params.get("framework") or (frameworks[0].code if frameworks else "")
    base = Organization.objects.participating().select_related("tier")
    filterset = style_filter_form(OrganizationFilter(params, queryset=base))
    queryset = organizations_with_scores(filterset.qs, versions.get(code, [])).order_by(
        "name", "pk"
    )
    return frameworks, code, filterset, queryset


@require_safe
@login_required
def capacity_list(request):
    require_directory_access(request)
    frameworks, code, filterset, queryset = _score_list(request, request.GET)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = with_score_change(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "organizations/capacity_list.html",
        {
            "frameworks": frameworks,
            "framework_code": code,
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
        },
    )


EXPORT_COLUMNS = [
    "name",
    "tier",
    "state",
    "sector",
    "instrument",
    "latest_score",
    "baseline_score",
    "change",
    "last_validated",
]


@require_safe
@login_required
def capacity_export(request):
    require_directory_access(request)
    _frameworks, code, _filterset, queryset = _score_list(request, request.GET)
    rows = []
    for org in queryset.iterator(chunk_size=2000):
        latest, baseline = _cents(org.latest_score), _cents(org.baseline_score)
        has_change = score_change(org) is not None  # none yet with only a baseline
        change = latest - baseline if has_change else ""
        rows.append(
            [
                org.name,
                org.tier.number if org.tier else "",
                org.state,
                org.sector,
                code,
                latest if latest is not None else "",
                baseline if baseline is not None else "",
                change,
                org.last_validated.isoformat() if org.last_validated else "",
            ]
        )
    return table_response(
        EXPORT_COLUMNS, rows, filename="capacity-scores", fmt=request.GET.get("format", "csv")
    )


def _cents(value: Decimal | None) -> Decimal | None:
    # Subquery annotations come back from SQLite as floats turned Decimal (44.4400000000000).
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


@require_POST
@login_required
def recompute_scores(request):
    require_directory_access(request)
    job = start_job(kind="organizations.recompute_scores", created_by=request.user)
    messages.info(request, _("All scores are being recomputed."))
    return redirect("job_detail", job_id=job.pk)
