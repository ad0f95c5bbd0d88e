"""Applications: the CSO drafts, saves, resumes and submits; everyone allowed reads them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from csa_portal.rendering import render
from organizations.access import get_organization_for_user

from ..access import (
    get_application_attachment_for_user,
    get_application_for_user,
    require_grants_staff,
)
from ..forms import (
    ApplicationForm,
    BudgetLineFormSet,
    MessageForm,
    ReasonForm,
    ReviewForm,
    budget_initial,
    budget_inputs,
)
from ..models import Grant, GrantApplication
from ..reads import organization_grants
from ..services import (
    GrantError,
    remove_application_attachment,
    save_application,
    submit_application,
)


@require_safe
@login_required
def organization_grants_page(request, pk):
    organization = get_organization_for_user(request, pk, perm="grants.view_grants")
    applications, grants = organization_grants(organization)
    return render(
        request,
        "grants/organization.html",
        {
            "organization": organization,
            "applications": applications,
            "grants": grants,
            "can_apply": request.user.has_perm("grants.apply", organization),
        },
    )


def _application_form(request: HttpRequest, organization, application: GrantApplication | None):
    """The form, the budget formset and, on a valid save, the saved application."""
    posted = request.method == "POST"
    form = ApplicationForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        instance=application,
        organization=organization,
    )
    lines = list(application.budget_lines.all()) if application else []
    # Initial rows only for display: a posted row equal to its initial value would otherwise
    # count as "unchanged" and be dropped.
    budget = BudgetLineFormSet(
        request.POST if posted else None,
        initial=None if posted else budget_initial(lines),
        prefix="budget",
    )
    if posted and form.is_valid() and budget.is_valid():
        upload = form.cleaned_data.get("attachment")
        try:
            application = save_application(
                organization=organization,
                application=application,
                fields=form.application_fields(),
                budget_lines=budget_inputs(budget),
                actions=form.cleaned_data["serves_actions"],
                attachments=[upload] if upload else [],
                by=request.user,
            )
        except GrantError as exc:
            form.add_error(None, str(exc))
        else:
            return form, budget, application
    return form, budget, None


def _render_form(request, organization, application, form, budget):
    attachments = list(application.attachments.all()) if application else []
    return render(
        request,
        "grants/application_form.html",
        {
            "organization": organization,
            "application": application,
            "form": form,
            "budget": budget,
            "attachments": attachments,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def application_create(request, pk):
    organization = get_organization_for_user(request, pk, perm="grants.apply")
    form, budget, saved = _application_form(request, organization, None)
    if saved is not None:
        if "submit" in request.POST:
            return _submit(request, saved)
        messages.success(request, _("Your draft was saved. You can come back to it any time."))
        return redirect("grants:application_edit", saved.pk)
    return _render_form(request, organization, None, form, budget)


@require_http_methods(["GET", "POST"])
@login_required
def application_edit(request, pk):
    application = get_application_for_user(request, pk, perm="grants.apply")
    if not application.is_editable:
        messages.error(request, _("A submitted application can no longer be changed."))
        return redirect(application)
    organization = application.organization
    form, budget, saved = _application_form(request, organization, application)
    if saved is not None:
        if "submit" in request.POST:
            return _submit(request, saved)
        messages.success(request, _("Your draft was saved. You can come back to it any time."))
        return redirect("grants:application_edit", saved.pk)
    return _render_form(request, organization, application, form, budget)


def _submit(request, application: GrantApplication):
    try:
        submit_application(application=application, by=request.user)
    except GrantError as exc:
        messages.error(request, str(exc))
        return redirect("grants:application_edit", application.pk)
    messages.success(request, _("The application was submitted to the program."))
    return redirect(application)


@require_POST
@login_required
def application_submit(request, pk):
    application = get_application_for_user(request, pk, perm="grants.apply")
    try:
        submit_application(application=application, by=request.user)
    except GrantError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The application was submitted to the program."))
    return redirect(application)


@require_POST
@login_required
def attachment_delete(request, pk, file_pk):
    attachment = get_application_attachment_for_user(request, pk, file_pk, perm="grants.apply")
    try:
        remove_application_attachment(attachment=attachment, by=request.user)
    except GrantError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The file was removed."))
    return redirect("grants:application_edit", pk)


@require_safe
@login_required
def application_detail(request, pk):
    application = get_application_for_user(request, pk)
    organization = application.organization
    user = request.user
    staff = user.has_perm("grants.review", organization)
    reviews = list(application.reviews.select_related("reviewer")) if staff else []
    my_review = next((r for r in reviews if r.reviewer_id == user.pk), None)
    under_review = application.status == GrantApplication.Status.SUBMITTED
    return render(
        request,
        "grants/application_detail.html",
        {
            "application": application,
            "organization": organization,
            "budget_lines": list(application.budget_lines.all()),
            "attachments": list(application.attachments.all()),
            "actions": list(application.serves_actions.select_related("plan")),
            "grant": Grant.objects.filter(application=application).first(),
            "can_edit": application.is_editable and user.has_perm("grants.apply", organization),
            "staff": staff,
            "reviews": reviews,
            "review_form": ReviewForm(review=my_review) if staff and under_review else None,
            "return_form": MessageForm() if staff and under_review else None,
            "decline_form": ReasonForm() if staff and under_review and reviews else None,
            "can_award": staff and under_review and bool(reviews),
        },
    )


QUEUE_PAGE_SIZE = 50
QUEUE_COLUMNS = (
    "title",
    "kind",
    "status",
    "requested_amount",
    "currency",
    "submitted_at",
    "organization__name",
    "organization__tier",
    "theme",
)


@require_safe
@login_required
def queue(request):
    """Staff: applications waiting for review first, then everything else that was submitted."""
    require_grants_staff(request)
    base = GrantApplication.objects.exclude(status=GrantApplication.Status.DRAFT).select_related(
        "organization__tier", "theme"
    )
    status = request.GET.get("status", GrantApplication.Status.SUBMITTED)
    if status not in GrantApplication.Status.values:
        status = GrantApplication.Status.SUBMITTED
    # Only the columns the table shows (not the long narrative fields), a page at a time.
    applications = (
        base.filter(status=status)
        .only(*QUEUE_COLUMNS)
        .with_review_count()
        .order_by("submitted_at", "id")
    )
    page = Paginator(applications, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "grants/queue.html",
        {
            "page": page,
            "status": status,
            "statuses": [
                (value, label)
                for value, label in GrantApplication.Status.choices
                if value != GrantApplication.Status.DRAFT
            ],
        },
    )
