"""Community and program reports: started as jobs, shown as pages, downloaded as PDF/XLSX."""

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from csa_portal.rendering import render

from ..access import get_community_for_user, get_report_for_user, require_staff
from ..files import report_path
from ..forms import PeriodForm
from ..models import Report
from ..network import legend
from ..reports import default_program_period, totals
from ..services import (
    CommunityError,
    ensure_report_pdf,
    start_community_report,
    start_program_report,
)

REPORTS = "learning_communities.view_reports"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_http_methods(["GET", "POST"])
@login_required
def community_reports(request, pk):
    """The community's members read its built reports; staff start new ones (403 for members)."""
    community = get_community_for_user(request, pk)
    can_build = request.user.has_perm(REPORTS, community)
    if request.method == "POST" and not can_build:
        raise PermissionDenied
    form = None
    if can_build:
        today = timezone.localdate()
        end = min(today, community.end) if community.end else today
        form = PeriodForm(
            request.POST or None, initial={"period_start": community.start, "period_end": end}
        )
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            job = start_community_report(
                community=community,
                start=form.cleaned_data["period_start"],
                end=form.cleaned_data["period_end"],
                requested_by=request.user,
            )
        except CommunityError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("job_detail", job_id=job.pk)
    return render(
        request,
        "learning_communities/reports/list.html",
        {
            "community": community,
            "form": form,
            # The lists show no content: leave out `data` (megabytes for a program report).
            "reports": list(community.reports.select_related("built_by").defer("data")[:20]),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def program_reports(request):
    require_staff(request)
    start, end = default_program_period()
    form = PeriodForm(request.POST or None, initial={"period_start": start, "period_end": end})
    if request.method == "POST" and form.is_valid():
        try:
            job = start_program_report(
                start=form.cleaned_data["period_start"],
                end=form.cleaned_data["period_end"],
                requested_by=request.user,
            )
        except CommunityError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("job_detail", job_id=job.pk)
    return render(
        request,
        "learning_communities/reports/list.html",
        {
            "community": None,
            "form": form,
            "reports": list(
                Report.objects.filter(kind=Report.Kind.PROGRAM)
                .select_related("built_by")
                .defer("data")[:20]
            ),
        },
    )


@require_safe
@login_required
def report_detail(request, report_pk):
    report = get_report_for_user(request, report_pk, with_content=False)
    return render(
        request,
        "learning_communities/reports/detail.html",
        {"report": report, "body": report_body(report)},
    )


# A built report never changes (retrying builds a new one), so its content's HTML is kept per
# report and language: a program report at 10,000 organizations is ~190 KB that took ~50 ms
# to render and its content ~6 ms to decode on every view.
REPORT_BODY_SECONDS = 24 * 3600


def report_body(report: Report) -> str:
    key = f"lc-report-body:{report.pk}:{report.built_at.timestamp()}:{get_language()}"
    body = cache.get(key)
    if body is None:
        data = Report.objects.values_list("data", flat=True).get(pk=report.pk)
        network = data.get("network", {})
        body = render_to_string(
            "learning_communities/reports/_body.html",
            {
                "data": data,
                "totals": totals(data),
                # Our own drawings, names escaped when drawn.
                "svg_start": mark_safe(network.get("svg_start", "")),  # noqa: S308
                "svg_end": mark_safe(network.get("svg_end", "")),  # noqa: S308
                "sector_legend": legend(),
            },
        )
        cache.set(key, body, REPORT_BODY_SECONDS)
    return mark_safe(body)  # noqa: S308 - rendered from our templates, which escape


def _download(report: Report, token: str, extension: str, content_type: str):
    path = report_path(token)
    if path is None:
        raise Http404
    name = slugify(report.community.name if report.community else _("program results"))
    filename = f"{name}-{report.period_start}-{report.period_end}.{extension}"
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )


@require_safe
@login_required
def report_pdf(request, report_pk):
    report = get_report_for_user(request, report_pk)
    # Drawn on the first download (the report job keeps the data and the workbook only).
    try:
        token = ensure_report_pdf(report=report)
    except Report.DoesNotExist:  # removed while its PDF was drawn
        raise Http404 from None
    return _download(report, token, "pdf", "application/pdf")


@require_safe
@login_required
def report_xlsx(request, report_pk):
    report = get_report_for_user(request, report_pk)
    return _download(report, report.xlsx_file, "xlsx", XLSX_TYPE)
