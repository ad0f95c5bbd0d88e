"""The compliance checklist of an organization, and the overview across organizations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from csa_portal.rendering import render
from organizations.access import get_organization_for_user

from ..access import require_program_staff
from ..checklist import compliance_overview, organization_checklist, organization_history
from ..forms import ComplianceForm
from ..models import ComplianceItem, OrganizationCompliance
from ..services import LegalError
from ..services.compliance import update_compliance_item


def _history_chart(history) -> dict:
    return {
        "labels": [str(year) for year, _percent in history],
        "values": [float(p) if p is not None else None for _year, p in history],
    }


@require_safe
@login_required
def checklist(request, pk):
    organization = get_organization_for_user(request, pk, perm="legal_assistance.view_compliance")
    checklist = organization_checklist(organization)
    history = organization_history(checklist)
    return render(
        request,
        "legal_assistance/checklist.html",
        {
            "organization": organization,
            "checklist": checklist,
            "history": history,
            "chart": _history_chart(history),
            "can_update": request.user.has_perm("legal_assistance.update_compliance", organization),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def checklist_item(request, pk, item_pk):
    organization = get_organization_for_user(request, pk, perm="legal_assistance.update_compliance")
    item = ComplianceItem.objects.filter(pk=item_pk).first()
    if item is None:
        raise Http404
    row = OrganizationCompliance.objects.filter(organization=organization, item=item).first()
    form = ComplianceForm(
        request.POST or None,
        instance=row,
        organization=organization,
        initial={"checked_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_compliance_item(
                organization=organization, item=item, by=request.user, **form.cleaned_data
            )
        except LegalError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The checklist was updated."))
            return redirect("legal_assistance:checklist", organization.pk)
    return render(
        request,
        "legal_assistance/checklist_item.html",
        {"organization": organization, "item": item, "form": form},
    )


@require_safe
@login_required
def overview(request):
    require_program_staff(request)
    overview = compliance_overview()
    return render(
        request,
        "legal_assistance/compliance_overview.html",
        {"overview": overview, "chart": _history_chart(overview.history)},
    )
