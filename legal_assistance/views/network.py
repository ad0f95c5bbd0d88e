"""The pro bono network: law firms and their lawyers, managed by program staff."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from csa_portal.rendering import render

from ..access import get_firm_for_staff, get_lawyer_for_staff, require_program_staff
from ..forms import FirmForm, LawyerAddForm, LawyerEditForm
from ..models import LawFirm
from ..services import LegalError
from ..services.network import FIRM_FIELDS, add_lawyer, save_firm, update_lawyer


def _firms_with_figures():
    return LawFirm.objects.with_workload(timezone.localdate().year).prefetch_related("areas")


@require_safe
@login_required
def firm_list(request):
    require_program_staff(request)
    return render(
        request,
        "legal_assistance/firm_list.html",
        {
            "firms": list(_firms_with_figures().order_by("-is_active", "name")),
            "year": timezone.localdate().year,
        },
    )


@require_safe
@login_required
def firm_detail(request, pk):
    firm = get_firm_for_staff(request, pk)
    firm = _firms_with_figures().get(pk=firm.pk)
    return render(
        request,
        "legal_assistance/firm_detail.html",
        {
            "firm": firm,
            "lawyers": list(
                firm.lawyers.select_related("user").order_by("-is_active", "user__email")
            ),
            "cases": list(firm.cases.select_related("organization").order_by("-opened_on")[:50]),
            "year": timezone.localdate().year,
        },
    )


def _save_firm(request, firm: LawFirm | None):
    form = FirmForm(request.POST or None, instance=firm)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = save_firm(
                firm=firm,
                fields={name: data[name] for name in FIRM_FIELDS},
                areas=data["areas"],
            )
        except LegalError as exc:
            form.add_error("areas", str(exc))
        else:
            messages.success(request, _("The firm was saved."))
            return redirect("legal_assistance:firm", saved.pk)
    return render(request, "legal_assistance/firm_form.html", {"form": form, "firm": firm})


@require_http_methods(["GET", "POST"])
@login_required
def firm_create(request):
    require_program_staff(request)
    return _save_firm(request, None)


@require_http_methods(["GET", "POST"])
@login_required
def firm_edit(request, pk):
    firm = get_firm_for_staff(request, pk)
    # A fresh instance for the form: a failed validation must not change the one we keep.
    return _save_firm(request, LawFirm.objects.get(pk=firm.pk))


@require_http_methods(["GET", "POST"])
@login_required
def lawyer_add(request, pk):
    firm = get_firm_for_staff(request, pk)
    form = LawyerAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            add_lawyer(firm=firm, **form.cleaned_data)
        except LegalError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(
                request,
                _(
                    "The lawyer was added. A new login sets its password with "
                    "“Forgot your password?” on the login page."
                ),
            )
            return redirect("legal_assistance:firm", firm.pk)
    return render(request, "legal_assistance/lawyer_form.html", {"form": form, "firm": firm})


@require_http_methods(["GET", "POST"])
@login_required
def lawyer_edit(request, pk):
    lawyer = get_lawyer_for_staff(request, pk)
    # Bound on every POST: unticking every box sends an empty form, which still means "save".
    form = LawyerEditForm(
        request.POST if request.method == "POST" else None,
        initial={"practice_areas": lawyer.practice_areas, "is_active": lawyer.is_active},
    )
    if request.method == "POST" and form.is_valid():
        update_lawyer(lawyer=lawyer, **form.cleaned_data)
        messages.success(request, _("The lawyer was saved."))
        return redirect("legal_assistance:firm", lawyer.firm_id)
    return render(
        request,
        "legal_assistance/lawyer_form.html",
        {"form": form, "firm": lawyer.firm, "lawyer": lawyer},
    )
