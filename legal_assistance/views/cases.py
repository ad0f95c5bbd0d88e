"""One case: its page (full or limited, see access.py) and every action taken on it.

Actions are POST-only; they come back to the case page with a message saying what happened or
why it was refused (the service's LegalError), and a refusal saves nothing.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from csa_portal.audit import history_context
from csa_portal.page_cache import repeat_on_every_view
from csa_portal.rendering import render

from .. import storage
from ..access import (
    CaseAccess,
    get_case_for_coordinator,
    get_case_for_lawyer,
    get_case_for_user,
    get_case_with_full_access,
    get_document_for_user,
)
from ..forms import (
    CloseForm,
    DocumentForm,
    HoursForm,
    MatchForm,
    MilestoneForm,
    ResolveForm,
    RespondForm,
    TextForm,
    TriageForm,
)
from ..models import CaseStatus, ConfidentialAccess, LegalCase
from ..ranking import rank_firms
from ..services import LegalError
from ..services import cases as services


def _details(case: LegalCase, access: CaseAccess) -> dict:
    """The confidential part of the page: a fixed number of queries whatever the case holds."""
    hours = list(case.hours.select_related("lawyer__user").order_by("-worked_on", "-id"))
    context = {
        "case_messages": list(case.messages.select_related("author")),
        "documents": list(case.documents.select_related("uploaded_by")),
        "milestones": list(case.milestones.all()),
        "hours": hours,
        "hours_total": sum((h.hours for h in hours), Decimal(0)),
        "value_total": sum((h.value for h in hours), Decimal(0)).quantize(Decimal("0.01")),
        "matches": list(case.matches.select_related("firm", "matched_by", "responded_by")),
        "notes": list(case.notes.select_related("author")) if access.can_write_notes else [],
    }
    return context


def _forms(case: LegalCase, access: CaseAccess) -> dict:
    status = case.status
    working = status in services.WORKING_STATUSES
    finished = status in {CaseStatus.CLOSED, CaseStatus.DECLINED}
    forms = {
        "triage_form": access.coordinator and status == CaseStatus.REQUESTED,
        "more_info_form": access.leader and status == CaseStatus.MORE_INFO,
        "respond_form": access.lawyer is not None and status == CaseStatus.MATCHED,
        "hours_form": access.lawyer is not None and working,
        "milestone_form": access.can_write_notes and working,
        "resolve_form": access.can_write_notes and status == CaseStatus.IN_PROGRESS,
        "close_form": access.coordinator
        and status
        in {
            CaseStatus.RESOLVED,
            CaseStatus.IN_PROGRESS,
            CaseStatus.ACCEPTED,
            CaseStatus.MORE_INFO,
        },
        "note_form": access.can_write_notes and not finished,
        "message_form": access.full and not finished,
        "document_form": access.full and not finished,
    }
    classes = {
        "triage_form": TriageForm,
        "more_info_form": TextForm,
        "respond_form": RespondForm,
        "hours_form": HoursForm,
        "milestone_form": MilestoneForm,
        "resolve_form": ResolveForm,
        "close_form": CloseForm,
        "note_form": TextForm,
        "message_form": TextForm,
        "document_form": DocumentForm,
    }
    # Several forms share field names (description, text): ids of their own keep labels right.
    return {
        name: classes[name](auto_id=f"{name}_%s") if shown else None
        for name, shown in forms.items()
    }


@require_safe
@login_required
def case_detail(request, pk):
    case, access = get_case_for_user(request, pk)
    context = {
        "case": case,
        "access": access,
        "can_see_history": can_see_history(request.user, access),
    }
    if access.full:
        context |= _details(case, access) | _forms(case, access)
        if access.coordinator and case.status == CaseStatus.ACCEPTED:
            context["ranking"] = rank_firms(case)  # each row posts its firm to case_match
        log_case_view(request, case)
    return render(request, "legal_assistance/case_detail.html", context)


def log_case_view(request, case: LegalCase) -> None:
    """Every view of the confidential details is logged, also when the page comes from the
    page cache."""
    repeat_on_every_view(
        request,
        "legal_assistance.services.cases.record_case_view",
        case_id=case.pk,
        what=ConfidentialAccess.What.CASE,
    )


def can_see_history(user, access: CaseAccess) -> bool:
    """Program staff and the organization's leaders; the firm's lawyers and members do not."""
    return user.is_program_staff or access.leader


@require_safe
@login_required
def case_history(request, pk):
    """The case's trail. Confidential values only for those who may read the full case (the
    coordinators and the organization's leaders): others see that a field changed, not what it
    says. Showing them counts as a view of the confidential details and is logged."""
    case, access = get_case_for_user(request, pk)
    if not can_see_history(request.user, access):
        raise PermissionDenied
    context = history_context(
        case,
        name=case.reference,
        back_url=reverse("legal_assistance:case", args=[case.pk]),
        back_label=_("Back to the case"),
        reveal_confidential=access.full,
    )
    if access.full:
        log_case_view(request, case)
    return render(request, "audit/history.html", context)


def _act(request, case: LegalCase, action: Callable[[], object], success: str):
    """Run a service; report its refusal or success on the case page."""
    try:
        action()
    except LegalError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect("legal_assistance:case", case.pk)


def _invalid(request, case: LegalCase, form) -> object:
    errors = [str(e) for errors in form.errors.values() for e in errors]
    messages.error(request, " ".join(errors) or _("Check the form."))
    return redirect("legal_assistance:case", case.pk)


@require_POST
@login_required
def triage(request, pk):
    case = get_case_for_coordinator(request, pk)
    form = TriageForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, form)
    done = {
        services.ACCEPT: _("The case was accepted: match a firm."),
        services.ASK_FOR_MORE: _("The organization was asked for more information."),
        services.DECLINE: _("The case was declined."),
    }[form.cleaned_data["decision"]]
    return _act(
        request,
        case,
        lambda: services.triage(case=case, by=request.user, **form.cleaned_data),
        done,
    )


@require_POST
@login_required
def more_info(request, pk):
    case, access = get_case_with_full_access(request, pk)
    if not access.leader:
        raise PermissionDenied
    form = TextForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, form)
    return _act(
        request,
        case,
        lambda: services.provide_more_info(
            case=case, text=form.cleaned_data["text"], by=request.user
        ),
        _("Thank you: the coordinators will review the case again."),
    )


@require_POST
@login_required
def match(request, pk):
    case = get_case_for_coordinator(request, pk)
    form = MatchForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, form)
    firm = form.cleaned_data["firm"]
    return _act(
        request,
        case,
        lambda: services.match_firm(case=case, firm=firm, by=request.user),
        _("%(firm)s was matched; it is asked to confirm it has no conflict of interest.")
        % {"firm": firm.name},
    )


@require_POST
@login_required
def respond(request, pk):
    case, lawyer = get_case_for_lawyer(request, pk)
    form = RespondForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, form)
    conflict = form.cleaned_data["conflict"]
    response = _act(
        request,
        case,
        lambda: services.respond_to_match(
            case=case, lawyer=lawyer, conflict=conflict, reason=form.cleaned_data["reason"]
        ),
        _("The case was returned to the coordinators to match another firm.")
        if conflict
        else _("You confirmed there is no conflict of interest: the case is in progress."),
    )
    if conflict and case.firm_id is None:
        return redirect("legal_assistance:my_cases")  # the case is no longer the firm's
    return response


@require_POST
@login_required
def log_hours(request, pk):
    case, lawyer = get_case_for_lawyer(request, pk)
    form = HoursForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, form)
    return _act(
        request,
        case,
        lambda: services.log_hours(case=case, lawyer=lawyer, **form.cleaned_data),
        _("The hours were logged."),
    )


@require_POST
@login_required
def add_note(request, pk):
    case, access = get_case_with_full_access(request, pk)
    if not access.can_write_notes:
        raise PermissionDenied
    form = TextForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, form)
    return _act(
        request,
        case,
        lambda: services.add_note(case=case, author=request.user, text=form.cleaned_data["text"]),
        _("The note was added."),
    )


@require_POST
@login_required
def add_message(request, pk):
    case, _access = get_case_with_full_access(request, pk)
    form = TextForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, form)
    return _act(
        request,
        case,
        lambda: services.add_message(
            case=case, author=request.user, text=form.cleaned_data["text"]
        ),
        _("The message was sent."),
    )


@require_POST
@login_required
def add_document(request, pk):
    case, _access = get_case_with_full_access(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _invalid(request, case, form)
    return _act(
        request,
        case,
        lambda: services.add_document(
            case=case,
            upload=form.cleaned_data["file"],
            description=form.cleaned_data["description"],
            by=request.user,
        ),
        _("The document was added."),
    )


@require_safe
@login_required
def document_download(request, pk, document_pk):
    case, document = get_document_for_user(request, pk, document_pk)
    path = storage.document_path(document.stored_name)
    if path is None:
        raise Http404
    with transaction.atomic():
        services.record_access(
            case=case, user=request.user, what=ConfidentialAccess.What.DOCUMENT, document=document
        )
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    inline = content_type.startswith("image/")  # everything else downloads, never renders
    return FileResponse(
        path.open("rb"),
        as_attachment=not inline,
        filename=document.original_name,
        content_type=content_type,
    )


@require_POST
@login_required
def add_milestone(request, pk):
    case, access = get_case_with_full_access(request, pk)
    if not access.can_write_notes:
        raise PermissionDenied
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, form)
    return _act(
        request,
        case,
        lambda: services.add_milestone(case=case, by=request.user, **form.cleaned_data),
        _("The milestone was marked."),
    )


@require_POST
@login_required
def resolve(request, pk):
    case, access = get_case_with_full_access(request, pk)
    if not access.can_write_notes:
        raise PermissionDenied
    form = ResolveForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, form)
    return _act(
        request,
        case,
        lambda: services.resolve_case(
            case=case, outcome=form.cleaned_data["outcome"], by=request.user
        ),
        _("The case was marked resolved."),
    )


@require_POST
@login_required
def close(request, pk):
    case = get_case_for_coordinator(request, pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, form)
    return _act(
        request,
        case,
        lambda: services.close_case(case=case, by=request.user, note=form.cleaned_data["note"]),
        _("The case was closed."),
    )
