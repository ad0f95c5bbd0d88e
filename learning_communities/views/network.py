"""The local-system network of a community and of the whole program, and the program page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import F
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from csa_portal.languages import in_spanish
from csa_portal.rendering import render
from csa_portal.table_versions import kept_until_written

from .. import reads
from ..access import get_community_for_user, require_staff
from ..forms import NetworkForm, PeriodForm
from ..models import Collaboration, Event, LearningCommunity, Report
from ..power import chart as power_chart
from ..power import power_shift
from ..reports import default_program_period
from ..services import start_network_job
from .common import link_maker, power_chart_labels, snapshot_context

MANAGE = "learning_communities.manage_community"


def _network_form(community: LearningCommunity | None, period=None) -> NetworkForm:
    """For a community, or (None) for the program over `period` (default_program_period(),
    passed in when the caller has read it already)."""
    today = timezone.localdate()
    if community is not None:
        on = min(today, community.end) if community.end else today
        return NetworkForm(initial={"on": on, "compared_to": community.start})
    start, end = period or default_program_period()
    return NetworkForm(initial={"on": min(end, today), "compared_to": start})


@require_http_methods(["GET", "POST"])
@login_required
def community_network(request, pk):
    community = get_community_for_user(request, pk)
    can_manage = request.user.has_perm(MANAGE, community)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        form = NetworkForm(request.POST)
        if form.is_valid():
            job = start_network_job(
                community=community, requested_by=request.user, **form.cleaned_data
            )
            return redirect("job_detail", job_id=job.pk)
        messages.error(request, _("Give the date of the network."))
        return redirect("learning_communities:network", community.pk)
    return render(
        request,
        "learning_communities/network.html",
        {
            "community": community,
            **snapshot_context(reads.latest_snapshot(community)),
            "form": _network_form(community) if can_manage else None,
        },
    )


def program_power_shift() -> list[dict]:
    return power_shift(Event.objects.all())


def program_community_rows() -> list[tuple]:
    return list(
        LearningCommunity.objects.with_counts()
        .order_by(F("tier__number").asc(nulls_last=True), "name")
        .values_list(
            "pk", "name", "tier__name_en", "tier__name_es", "members_count", "events_count"
        )
    )


# The program view lists communities a page at a time: 170 at the standard size, and one per
# 60 organizations as the program grows.
COMMUNITIES_PER_PAGE = 50


def program_communities(number) -> tuple[Page, list[dict]]:
    """One page of every community with its tier and counts, for the program view. The rows
    (two counting subqueries per community) are kept until a community, membership, event or
    tier is written; each view picks its page, the tier's name in its language and the links."""
    rows = kept_until_written("learning_communities:program-communities", program_community_rows)
    page = Paginator(rows, COMMUNITIES_PER_PAGE).get_page(number)
    spanish = in_spanish()
    detail_link = link_maker("learning_communities:detail")
    return page, [
        {
            "pk": pk,
            "name": name,
            "url": detail_link(pk),
            "tier": (tier_es if spanish else tier_en) or "",
            "members_count": members,
            "events_count": events,
        }
        for pk, name, tier_en, tier_es, members, events in page.object_list
    ]


@require_safe
@login_required
def program(request):
    """Program-wide view for staff: communities, power shift, network, reports."""
    require_staff(request)
    # Two grouped scans of every event and agenda item of the program, kept until one is
    # written (the figures are numbers: the labels come with the chart).
    rows = kept_until_written("learning_communities:program-power-shift", program_power_shift)
    page, communities = program_communities(request.GET.get("page"))
    start, end = default_program_period()
    return render(
        request,
        "learning_communities/program.html",
        {
            "communities": communities,
            "page": page,
            "power_shift": rows,
            "power_chart": power_chart(rows, power_chart_labels()),
            **snapshot_context(reads.latest_snapshot(None)),
            "network_form": _network_form(None, period=(start, end)),
            "report_form": PeriodForm(initial={"period_start": start, "period_end": end}),
            "reports": list(
                # The list shows dates and authors, not the content (megabytes each).
                Report.objects.filter(kind=Report.Kind.PROGRAM)
                .select_related("built_by")
                .defer("data")[:10]
            ),
            "collaborations": list(
                Collaboration.objects.select_related("first", "second").order_by("-since", "-id")[
                    :10
                ]
            ),
            "collaborations_count": Collaboration.objects.count(),
        },
    )


@require_POST
@login_required
def program_network_start(request):
    require_staff(request)
    form = NetworkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date of the network."))
        return redirect("learning_communities:program")
    job = start_network_job(community=None, requested_by=request.user, **form.cleaned_data)
    return redirect("job_detail", job_id=job.pk)
