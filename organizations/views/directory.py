import io

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST, require_safe

from csa_portal.jobs import start_job
from csa_portal.rendering import render

from ..access import require_directory_access
from ..exports import export_rows, write_csv, write_xlsx
from ..filters import SORTABLE, OrganizationFilter, sort_queryset, style_filter_form
from ..models import Organization
from ..widgets import first_matches

PAGE_SIZE = 50


def _filtered(request, params):
    base = Organization.objects.visible_to(request.user).for_directory()
    filterset = OrganizationFilter(params, queryset=base)
    queryset, sort = sort_queryset(filterset.qs, params.get("sort", "name"))
    return filterset, queryset, sort


@require_safe
@login_required
def directory(request):
    require_directory_access(request)
    filterset, queryset, sort = _filtered(request, request.GET)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    return render(
        request,
        "organizations/directory.html",
        {
            "filter": style_filter_form(filterset),
            "page": page,
            "sort": sort,
            "sortable": list(SORTABLE),
            "query": query.urlencode(),
            "sort_query": sort_query.urlencode(),
        },
    )


@require_POST
@login_required
def export(request):
    """Small lists download at once; large ones become a background job with a progress bar."""
    require_directory_access(request)
    query = request.POST.get("query", "")
    file_format = "xlsx" if request.POST.get("format") == "xlsx" else "csv"
    from django.http import QueryDict

    _filterset, queryset, _sort = _filtered(request, QueryDict(query))
    if queryset.count() > settings.EXPORT_SYNC_LIMIT:
        job = start_job(
            kind="organizations.export",
            created_by=request.user,
            params={"query": query, "format": file_format},
        )
        return redirect("job_detail", job_id=job.pk)
    if file_format == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(export_rows(queryset), buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        buffer = io.StringIO()
        write_csv(export_rows(queryset), buffer)
        response = HttpResponse(
            "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="organizations.{file_format}"'
    return response


@require_safe
@login_required
def organization_options(request):
    """The first matches of a picker's search (organizations.widgets), as <option>s."""
    require_directory_access(request)
    return render(
        request,
        "organizations/widgets/_organization_options.html",
        {"organizations": first_matches(request.GET.get("organization-search", ""))},
    )
