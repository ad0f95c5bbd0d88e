"""A grant's page and the program's actions on it: tranches, closing, terminating."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from csa_portal.audit import history_context
from csa_portal.rendering import render

from ..access import get_grant_for_user, get_tranche_for_user
from ..forms import DateForm, ReasonForm, RescheduleForm
from ..reads import grant_page
from ..services import (
    GrantError,
    close_grant,
    record_tranche_payment,
    record_tranche_release,
    terminate_grant,
)


@require_safe
@login_required
def grant_detail(request, pk):
    grant = get_grant_for_user(request, pk)
    organization = grant.organization
    user = request.user
    manage = user.has_perm("grants.manage", organization)
    # One leader lookup answers both "may report?" and "may see the history?".
    leader = user.has_perm("grants.report", organization)
    return render(
        request,
        "grants/grant_detail.html",
        {
            "grant": grant,
            "application": grant.application,
            "organization": organization,
            "page": grant_page(grant),
            "manage": manage and grant.is_active,
            "can_report": grant.is_active and leader,
            "date_form": DateForm(),
            "reschedule_form": RescheduleForm(),
            "terminate_form": ReasonForm(),
            "can_see_history": user.is_program_staff or leader,
        },
    )


@require_safe
@login_required
def grant_history(request, pk):
    """The grant's trail: its application's decisions, the award, tranches and reports."""
    grant = get_grant_for_user(request, pk, perm="grants.view_history")
    context = history_context(
        grant,
        grant.application,
        name=grant.application.title,
        back_url=grant.get_absolute_url(),
        back_label=_("Back to the grant"),
        reveal_confidential=False,
    )
    return render(request, "audit/history.html", context)


def _tranche_action(request, pk, tranche_pk, service, done: str):
    tranche = get_tranche_for_user(request, pk, tranche_pk)
    form = DateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a valid date."))
        return redirect(tranche.grant)
    try:
        service(tranche=tranche, on=form.cleaned_data["on"], by=request.user)
    except GrantError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect(tranche.grant)


@require_POST
@login_required
def tranche_release(request, pk, tranche_pk):
    return _tranche_action(
        request, pk, tranche_pk, record_tranche_release, _("The tranche's release was recorded.")
    )


@require_POST
@login_required
def tranche_pay(request, pk, tranche_pk):
    return _tranche_action(
        request, pk, tranche_pk, record_tranche_payment, _("The tranche's payment was recorded.")
    )


@require_POST
@login_required
def close(request, pk):
    grant = get_grant_for_user(request, pk, perm="grants.manage")
    try:
        close_grant(grant=grant, by=request.user)
    except GrantError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The grant was closed."))
    return redirect(grant)


@require_POST
@login_required
def terminate(request, pk):
    grant = get_grant_for_user(request, pk, perm="grants.manage")
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for terminating the grant."))
        return redirect(grant)
    try:
        terminate_grant(grant=grant, reason=form.cleaned_data["reason"], by=request.user)
    except GrantError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The grant was terminated."))
    return redirect(grant)
