"""Lists of cases for each role, the request form and the confidential access log.

Lists show no confidential details (no subject or need): only the case page shows those, and
it logs each view.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import (
    Case,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from csa_portal.pagination import newest_first_page, page_joined_after
from csa_portal.params import whole_number
from csa_portal.rendering import render
from organizations.access import get_organization_for_user

from ..access import require_coordinator, require_lawyer, require_program_staff
from ..forms import CaseFilterForm, RequestForm
from ..models import CaseStatus, ConfidentialAccess, HoursEntry, LegalCase, Urgency
from ..ranking import rank_firms_for_cases
from ..services import LegalError
from ..services.cases import add_document, request_assistance

PAGE_SIZE = 50
# Cases shown in each queue of the desk; the rest are a click away in the case list.
DESK_LIMIT = 50
DESK_QUEUES = (CaseStatus.REQUESTED, CaseStatus.MORE_INFO, CaseStatus.ACCEPTED, CaseStatus.MATCHED)
URGENCY_ORDER = Case(
    When(urgency=Urgency.URGENT, then=Value(0)),
    When(urgency=Urgency.HIGH, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


@require_safe
@login_required
def desk(request):
    """The coordinators' desk: what waits for them, and the firms ranked for each case to match.

    Each queue shows its first DESK_LIMIT cases (most urgent, then oldest) with the full count
    and a link to all of them in the case list: the queues grow with the program (a hundred
    requests to triage at 10,000 organizations)."""
    require_coordinator(request)
    counts = LegalCase.objects.count_by_status()
    waiting = list(
        LegalCase.objects.for_lists()
        .filter(status__in=DESK_QUEUES)
        .annotate(
            urgency_order=URGENCY_ORDER,
            place=Window(
                RowNumber(),
                partition_by=[F("status")],
                order_by=[URGENCY_ORDER.asc(), F("opened_on").asc(), F("id").asc()],
            ),
        )
        .filter(place__lte=DESK_LIMIT)
        .order_by("urgency_order", "opened_on", "id")
    )
    by_status = {status: [] for status in DESK_QUEUES}
    for case in waiting:
        by_status[case.status].append(case)
    to_match = by_status[CaseStatus.ACCEPTED]
    rankings = rank_firms_for_cases(to_match)

    def queue(status: str, cases: list) -> dict:
        return {"cases": cases, "total": counts.get(status, 0), "status": status}

    return render(
        request,
        "legal_assistance/desk.html",
        {
            "to_triage": queue(CaseStatus.REQUESTED, by_status[CaseStatus.REQUESTED]),
            "more_info": queue(CaseStatus.MORE_INFO, by_status[CaseStatus.MORE_INFO]),
            "to_match": queue(CaseStatus.ACCEPTED, [(c, rankings[c.pk]) for c in to_match]),
            "awaiting_firm": queue(CaseStatus.MATCHED, by_status[CaseStatus.MATCHED]),
            "in_progress": counts.get(CaseStatus.IN_PROGRESS, 0),
        },
    )


@require_safe
@login_required
def case_list(request):
    """Every case, for program staff: area, status and dates (coordinators also see more)."""
    require_program_staff(request)
    form = CaseFilterForm(request.GET or None)
    cases = form.filter(LegalCase.objects.all()).order_by("-opened_on", "-id")
    page = page_joined_after(
        cases, request.GET.get("page"), PAGE_SIZE, lambda rows: rows.for_lists()
    )
    return render(
        request,
        "legal_assistance/case_list.html",
        {
            "form": form,
            "page": page,
            "coordinator": request.user.is_legal_coordinator,
        },
    )


@require_safe
@login_required
def my_cases(request):
    """The lawyer's firm's cases, open ones first, with the hours the firm logged on each."""
    lawyer = require_lawyer(request)
    decimal = DecimalField(max_digits=12, decimal_places=2)
    hours = (
        HoursEntry.objects.filter(case=OuterRef("pk"))
        .values("case")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    open_first = Case(
        When(status=CaseStatus.MATCHED, then=Value(0)),
        When(status=CaseStatus.IN_PROGRESS, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    cases = list(
        LegalCase.objects.of_firm(lawyer.firm_id)
        .select_related("organization")
        .annotate(
            hours_total=Coalesce(
                Subquery(hours, output_field=decimal), Value(Decimal(0)), output_field=decimal
            ),
            order=open_first,
        )
        .order_by("order", "-opened_on", "-id")
    )
    return render(request, "legal_assistance/my_cases.html", {"lawyer": lawyer, "cases": cases})


@require_safe
@login_required
def organization_cases(request, pk):
    organization = get_organization_for_user(request, pk, perm="legal_assistance.view_cases")
    cases = list(organization.legal_cases.select_related("firm").order_by("-opened_on", "-id"))
    return render(
        request,
        "legal_assistance/organization_cases.html",
        {
            "organization": organization,
            "cases": cases,
            "can_request": request.user.has_perm(
                "legal_assistance.request_assistance", organization
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def request_help(request, pk):
    organization = get_organization_for_user(
        request, pk, perm="legal_assistance.request_assistance"
    )
    form = RequestForm(request.POST or None, request.FILES or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                case = request_assistance(
                    organization=organization,
                    area=data["area"],
                    subject=data["subject"],
                    need=data["need"],
                    urgency=data["urgency"],
                    serves_action=data.get("serves_action"),
                    requested_by=request.user,
                )
                if data.get("document"):
                    add_document(
                        case=case, upload=data["document"], description="", by=request.user
                    )
        except LegalError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Your request was sent. A legal coordinator will review it.")
            )
            return redirect("legal_assistance:case", case.pk)
    return render(
        request,
        "legal_assistance/request_form.html",
        {"form": form, "organization": organization},
    )


@require_safe
@login_required
def access_log(request):
    """Who viewed which case's confidential details, and when (coordinators only)."""
    require_coordinator(request)
    entries = ConfidentialAccess.objects.order_by("-viewed_at", "-id")
    case_id = whole_number(request.GET.get("case"))
    if case_id is not None:
        entries = entries.filter(case_id=case_id)
    page = newest_first_page(
        entries,
        "viewed_at",
        request.GET,
        PAGE_SIZE,
        lambda rows: rows.select_related("user", "case__organization", "document"),
    )
    return render(
        request,
        "legal_assistance/access_log.html",
        {"page": page, "case_id": case_id or ""},
    )
