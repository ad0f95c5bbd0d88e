"""Applications: the CSO drafts and submits; staff review, return for changes or decline.

Awarding is in awards.py because it creates the grant.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from csa_portal import audit
from csa_portal.models import User
from organizations.geo import MexicanState
from organizations.models import Action, Organization

from ..models import (
    CRITERIA,
    ApplicationAttachment,
    BudgetCategory,
    BudgetLine,
    GrantApplication,
    Review,
)
from ..uploads import UploadRejected, check_attachment, store_attachment
from .errors import GrantError

# What the CSO writes; everything else (status, messages, decisions) is the program's.
APPLICATION_FIELDS = (
    "kind",
    "theme",
    "title",
    "problem",
    "objectives",
    "activities",
    "expected_results",
    "states",
    "requested_amount",
    "currency",
    "duration_months",
)
# Needed before submitting; a draft may leave them empty.
REQUIRED_TO_SUBMIT = (
    "theme",
    "problem",
    "objectives",
    "activities",
    "expected_results",
    "states",
    "requested_amount",
    "duration_months",
)


@dataclass(frozen=True)
class BudgetLineInput:
    category: str
    description: str
    amount: Decimal


def agreed_actions(organization: Organization):
    """Actions of the organization's agreed improvement plans: what an application may serve."""
    return Action.objects.filter(
        plan__organization=organization,
        plan__cso_agreed_at__isnull=False,
        plan__staff_agreed_at__isnull=False,
    )


def _check_editable(application: GrantApplication) -> None:
    if not application.is_editable:
        raise GrantError(_("A submitted application can no longer be changed by the organization."))


def _check_content(
    organization: Organization,
    fields: dict,
    budget_lines: list[BudgetLineInput],
    actions: list[Action],
) -> None:
    requested = fields.get("requested_amount")
    if requested is not None and requested <= 0:
        raise GrantError(_("Amounts must be greater than zero."))
    if any(line.amount is None or line.amount <= 0 for line in budget_lines):
        raise GrantError(_("Amounts must be greater than zero."))
    if any(line.category not in BudgetCategory.values for line in budget_lines):
        raise GrantError(_("Unknown budget category."))
    if any(code not in MexicanState.values for code in fields.get("states") or []):
        raise GrantError(_("Unknown state."))
    allowed = set(agreed_actions(organization).values_list("pk", flat=True))
    if any(action.pk not in allowed for action in actions):
        raise GrantError(
            _("An application can only serve actions of the organization's agreed plans.")
        )


@transaction.atomic
def save_application(
    *,
    organization: Organization,
    application: GrantApplication | None,
    fields: dict,
    budget_lines: list[BudgetLineInput],
    by: User,
    actions: Iterable[Action] = (),
    attachments: Iterable[UploadedFile] = (),
) -> GrantApplication:
    """Create a draft (application=None) or change a draft or returned application.

    The budget lines given replace the stored ones; attachments are added.
    """
    actions, attachments = list(actions), list(attachments)
    if application is not None:
        if application.organization_id != organization.pk:
            raise GrantError(_("That application belongs to another organization."))
        _check_editable(application)
    _check_content(organization, fields, budget_lines, actions)
    for upload in attachments:
        try:
            check_attachment(upload)
        except UploadRejected as exc:
            raise GrantError(str(exc)) from exc
    application = application or GrantApplication(organization=organization, created_by=by)
    for name in APPLICATION_FIELDS:
        if name in fields:
            setattr(application, name, fields[name])
    application.title = (application.title or "").strip()
    application.save()
    application.budget_lines.all().delete()
    BudgetLine.objects.bulk_create(
        BudgetLine(
            application=application,
            category=line.category,
            description=line.description.strip(),
            amount=line.amount,
        )
        for line in budget_lines
    )
    application.serves_actions.set(actions)
    ApplicationAttachment.objects.bulk_create(
        ApplicationAttachment(
            application=application,
            file=store_attachment(upload),
            name=upload.name[:255],
            uploaded_by=by,
        )
        for upload in attachments
    )
    return application


@transaction.atomic
def remove_application_attachment(*, attachment: ApplicationAttachment, by: User) -> None:
    _check_editable(attachment.application)
    attachment.delete()


def _missing_to_submit(application: GrantApplication) -> list[str]:
    meta = GrantApplication._meta
    missing = [
        str(meta.get_field(name).verbose_name)
        for name in REQUIRED_TO_SUBMIT
        if getattr(application, name) in (None, "", [])
    ]
    if not application.budget_lines.exists():
        missing.append(str(BudgetLine._meta.verbose_name_plural))
    return missing


@transaction.atomic
def submit_application(*, application: GrantApplication, by: User) -> GrantApplication:
    # Lock the row so two leaders submitting at once cannot both pass the checks.
    locked = GrantApplication.objects.select_for_update().get(pk=application.pk)
    _check_editable(locked)
    missing = _missing_to_submit(locked)
    if missing:
        raise GrantError(
            _("Complete these before submitting: %(fields)s.") % {"fields": ", ".join(missing)}
        )
    budget_total = sum(line.amount for line in locked.budget_lines.all())
    if budget_total != locked.requested_amount:
        raise GrantError(
            _("The budget lines add up to %(total)s but the requested amount is %(requested)s.")
            % {"total": budget_total, "requested": locked.requested_amount}
        )
    before = audit.snapshot(application, DECISION_FIELDS)
    application.status = GrantApplication.Status.SUBMITTED
    application.submitted_by, application.submitted_at = by, timezone.now()
    application.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    _record_transition(application, before, by)
    return application


DECISION_FIELDS = ("status", "returned_message", "decision_reason")


def _record_transition(application: GrantApplication, before: dict, by: User) -> None:
    audit.record_change(
        obj=application,
        actor=by,
        action=audit.Action.TRANSITION,
        before=before,
        after=audit.snapshot(application, DECISION_FIELDS),
    )


def _check_under_review(application: GrantApplication) -> None:
    if application.status != GrantApplication.Status.SUBMITTED:
        raise GrantError(_("Only a submitted application is under review."))


@transaction.atomic
def return_for_changes(*, application: GrantApplication, message: str, by: User) -> None:
    _check_under_review(application)
    if not message.strip():
        raise GrantError(_("Say what the organization should change."))
    before = audit.snapshot(application, DECISION_FIELDS)
    application.status = GrantApplication.Status.RETURNED
    application.returned_message = message.strip()
    application.returned_at = timezone.now()
    application.save(update_fields=["status", "returned_message", "returned_at", "updated_at"])
    _record_transition(application, before, by)


@transaction.atomic
def record_review(
    *,
    application: GrantApplication,
    reviewer: User,
    scores: dict[str, int],
    recommendation: str,
    comments: str = "",
) -> Review:
    """One review per reviewer: recording again replaces the reviewer's earlier one."""
    _check_under_review(application)
    codes = [code for code, _label in CRITERIA]
    if sorted(scores) != sorted(codes) or any(
        not isinstance(v, int) or not 0 <= v <= 5 for v in scores.values()
    ):
        raise GrantError(_("Score every criterion from 0 to 5."))
    if recommendation not in Review.Recommendation.values:
        raise GrantError(_("Choose a recommendation."))
    review, _created = Review.objects.update_or_create(
        application=application,
        reviewer=reviewer,
        defaults={
            "scores": {code: scores[code] for code in codes},
            "recommendation": recommendation,
            "comments": comments.strip(),
        },
    )
    return review


def check_can_decide(application: GrantApplication) -> None:
    _check_under_review(application)
    if not application.reviews.exists():
        raise GrantError(_("Record at least one review before deciding."))


@transaction.atomic
def decline_application(*, application: GrantApplication, reason: str, by: User) -> None:
    check_can_decide(application)
    if not reason.strip():
        raise GrantError(_("Give the reason for declining."))
    before = audit.snapshot(application, DECISION_FIELDS)
    application.status = GrantApplication.Status.DECLINED
    application.decision_reason = reason.strip()
    application.decided_by, application.decided_at = by, timezone.now()
    application.save(
        update_fields=["status", "decision_reason", "decided_by", "decided_at", "updated_at"]
    )
    _record_transition(application, before, by)
