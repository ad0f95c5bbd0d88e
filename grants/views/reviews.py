"""Staff review: scores and private comments, return for changes, award or decline."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from csa_portal.rendering import render

from ..access import get_application_for_user
from ..forms import (
    AwardForm,
    MessageForm,
    ReasonForm,
    ReportScheduleFormSet,
    ReviewForm,
    TrancheFormSet,
    report_inputs,
    tranche_inputs,
)
from ..models import GrantApplication
from ..services import (
    GrantError,
    award_application,
    decline_application,
    record_review,
    return_for_changes,
)
from ..services.applications import check_can_decide


@require_POST
@login_required
def review(request, pk):
    application = get_application_for_user(request, pk, perm="grants.review")
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Score every criterion from 0 to 5 and choose a recommendation."))
        return redirect(application)
    try:
        record_review(
            application=application,
            reviewer=request.user,
            scores=form.scores(),
            recommendation=form.cleaned_data["recommendation"],
            comments=form.cleaned_data["comments"],
        )
    except GrantError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your review was recorded."))
    return redirect(application)


@require_POST
@login_required
def return_application(request, pk):
    application = get_application_for_user(request, pk, perm="grants.review")
    form = MessageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what the organization should change."))
        return redirect(application)
    try:
        return_for_changes(
            application=application, message=form.cleaned_data["message"], by=request.user
        )
    except GrantError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The application was returned to the organization."))
    return redirect(application)


@require_POST
@login_required
def decline(request, pk):
    application = get_application_for_user(request, pk, perm="grants.manage")
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for declining."))
        return redirect(application)
    try:
        decline_application(
            application=application, reason=form.cleaned_data["reason"], by=request.user
        )
    except GrantError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The application was declined."))
    return redirect(application)


@require_http_methods(["GET", "POST"])
@login_required
def award(request, pk):
    application = get_application_for_user(request, pk, perm="grants.manage")
    try:
        check_can_decide(application)
    except GrantError as exc:
        messages.error(request, str(exc))
        return redirect(application)
    posted = request.POST if request.method == "POST" else None
    form = AwardForm(
        posted,
        initial={"amount": application.requested_amount, "currency": application.currency},
    )
    tranches = TrancheFormSet(posted, prefix="tranches")
    reports = ReportScheduleFormSet(posted, prefix="reports")
    if posted is not None and form.is_valid() and tranches.is_valid() and reports.is_valid():
        data = form.cleaned_data
        try:
            grant = award_application(
                application=application,
                amount=data["amount"],
                currency=data["currency"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                conditions=data["conditions"],
                reason=data["reason"],
                tranches=tranche_inputs(tranches),
                reports=report_inputs(reports),
                by=request.user,
            )
        except GrantError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The grant was awarded."))
            return redirect(grant)
    return render(
        request,
        "grants/award.html",
        {
            "application": application,
            "organization": application.organization,
            "form": form,
            "tranches": tranches,
            "reports": reports,
            "status": GrantApplication.Status,
        },
    )
