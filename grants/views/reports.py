"""Grantee reports: the CSO's leaders hand them in; staff accept, return or reschedule them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from csa_portal.rendering import render

from ..access import get_report_for_user
from ..forms import ReportForm, ReportReviewForm, RescheduleForm
from ..models import GrantReport
from ..services import (
    GrantError,
    SpendingInput,
    accept_report,
    reschedule_report,
    return_report,
    submit_report,
)


@require_http_methods(["GET", "POST"])
@login_required
def report_detail(request, pk, report_pk):
    """The report; its form for the CSO's leaders while it waits for them (POST submits it)."""
    report = get_report_for_user(request, pk, report_pk)
    grant, user = report.grant, request.user
    can_submit = (
        grant.is_active
        and report.status in GrantReport.OPEN
        and user.has_perm("grants.report", grant.organization)
    )
    if request.method == "POST" and not user.has_perm("grants.report", grant.organization):
        raise PermissionDenied
    budget_lines = list(grant.application.budget_lines.all())
    posted = request.method == "POST"
    form = ReportForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        report=report,
        budget_lines=budget_lines,
    )
    if posted:
        if not can_submit:
            messages.error(request, _("This report cannot be submitted now."))
            return redirect(grant)
        if form.is_valid():
            upload = form.cleaned_data.get("attachment")
            try:
                submit_report(
                    report=report,
                    narrative=form.cleaned_data["narrative"],
                    spending=[SpendingInput(line, amount) for line, amount in form.spending()],
                    attachments=[upload] if upload else [],
                    by=user,
                )
            except GrantError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The report was submitted to the program."))
                return redirect(grant)
    spending = list(report.spending.select_related("budget_line"))
    return render(
        request,
        "grants/report.html",
        {
            "report": report,
            "grant": grant,
            "organization": grant.organization,
            "spending": spending,
            "spending_total": sum(s.amount for s in spending),
            "attachments": list(report.attachments.all()),
            "form": form if can_submit else None,
            "review_form": ReportReviewForm()
            if grant.is_active
            and report.status == GrantReport.Status.SUBMITTED
            and user.has_perm("grants.manage", grant.organization)
            else None,
            "overdue": grant.is_active and report.is_overdue(timezone.localdate()),
        },
    )


@require_POST
@login_required
def report_review(request, pk, report_pk):
    report = get_report_for_user(request, pk, report_pk, perm="grants.manage")
    form = ReportReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to accept the report or return it."))
        return redirect("grants:report", pk, report_pk)
    comments = form.cleaned_data["comments"]
    try:
        if form.cleaned_data["decision"] == "accept":
            accept_report(report=report, comments=comments, by=request.user)
            messages.success(request, _("The report was accepted."))
        else:
            return_report(report=report, comments=comments, by=request.user)
            messages.success(request, _("The report was returned to the organization."))
    except GrantError as exc:
        messages.error(request, str(exc))
        return redirect("grants:report", pk, report_pk)
    return redirect(report.grant)


@require_POST
@login_required
def reschedule(request, pk, report_pk):
    report = get_report_for_user(request, pk, report_pk, perm="grants.manage")
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a valid date."))
        return redirect(report.grant)
    try:
        reschedule_report(report=report, due_date=form.cleaned_data["due_date"], by=request.user)
    except GrantError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The report's due date was changed."))
    return redirect(report.grant)
