"""A case's workflow: request, triage, match and conflict check, work, outcome.

 requested ──accept──▶ accepted ──match──▶ matched ──no conflict──▶ in_progress ──▶ resolved
     │  ▲                 ▲                   │                          │             │
ask  ▼  │ answer          └──── conflict ─────┘                          └──▶ closed ◀─┘
  more_info           declined (with a reason)
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from csa_portal import audit
from csa_portal.models import User
from organizations.models import Action, Organization

from .. import storage
from ..formatting import plain
from ..models import (
    CaseDocument,
    CaseMessage,
    CaseNote,
    CaseStatus,
    ConfidentialAccess,
    FirmMatch,
    HoursEntry,
    LawFirm,
    Lawyer,
    LegalArea,
    LegalCase,
    Milestone,
)
from . import LegalError

MAX_HOURS_PER_DAY = Decimal(24)
# Work can be recorded while the firm holds the case and until a coordinator closes it.
WORKING_STATUSES = (CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED)
ACCEPT, ASK_FOR_MORE, DECLINE = "accept", "ask_for_more", "decline"
# What the audit trail keeps of a case; LegalCase.audit_confidential_fields marks the values
# only the case's insiders may read on its History page.
CASE_FIELDS = ("area", "subject", "need", "urgency", "status", "decline_reason", "firm", "outcome")


def _record(case: LegalCase, before: dict, by: User | None, action: str = "transition") -> None:
    audit.record_change(
        obj=case,
        actor=by,
        action=action,
        before=before,
        after=audit.snapshot(case, CASE_FIELDS),
    )


def _locked(case: LegalCase) -> LegalCase:
    """Lock the case's row for this transaction and reload it, so that two people cannot move
    it at once and a decision is taken on its current status."""
    list(LegalCase.objects.select_for_update().filter(pk=case.pk).values_list("pk"))
    case.refresh_from_db()
    return case


def _require_status(case: LegalCase, *statuses: str) -> None:
    if case.status not in statuses:
        raise LegalError(
            _("This cannot be done while the case is “%(status)s”.")
            % {"status": case.get_status_display()}
        )


@transaction.atomic
def request_assistance(
    *,
    organization: Organization,
    area: str,
    subject: str,
    need: str,
    urgency: str,
    requested_by: User,
    serves_action: Action | None = None,
    opened_on: date | None = None,
) -> LegalCase:
    if area not in LegalArea.values:
        raise LegalError(_("Choose one of the areas of law."))
    if not need.strip():
        raise LegalError(_("Say what the organization needs."))
    if serves_action is not None and serves_action.plan.organization_id != organization.pk:
        raise LegalError(_("That action belongs to another organization's plan."))
    case = LegalCase.objects.create(
        organization=organization,
        area=area,
        subject=subject.strip(),
        need=need.strip(),
        urgency=urgency,
        serves_action=serves_action,
        created_by=requested_by,
        opened_on=opened_on or timezone.localdate(),
    )
    _record(case, {}, requested_by, audit.Action.CREATE)
    return case


@transaction.atomic
def triage(*, case: LegalCase, decision: str, by: User, message: str = "") -> LegalCase:
    """Accept the case, ask the organization for more (a message), or decline with a reason."""
    _locked(case)
    _require_status(case, CaseStatus.REQUESTED)
    before = audit.snapshot(case, CASE_FIELDS)
    message = message.strip()
    if decision == ACCEPT:
        case.status = CaseStatus.ACCEPTED
    elif decision == ASK_FOR_MORE:
        if not message:
            raise LegalError(_("Write what the organization should add."))
        CaseMessage.objects.create(case=case, author=by, text=message)
        case.status = CaseStatus.MORE_INFO
    elif decision == DECLINE:
        if not message:
            raise LegalError(_("Give the reason for declining the case."))
        case.status, case.decline_reason = CaseStatus.DECLINED, message
        case.closed_at = timezone.now()
    else:
        raise LegalError(_("Choose accept, ask for more or decline."))
    case.triaged_at = timezone.now()
    case.save(update_fields=["status", "decline_reason", "triaged_at", "closed_at", "updated_at"])
    _record(case, before, by)
    return case


@transaction.atomic
def provide_more_info(*, case: LegalCase, text: str, by: User) -> LegalCase:
    """The organization answers a request for more information: the case is triaged again."""
    _locked(case)
    _require_status(case, CaseStatus.MORE_INFO)
    if not text.strip():
        raise LegalError(_("Write the information the coordinators asked for."))
    CaseMessage.objects.create(case=case, author=by, text=text.strip())
    before = audit.snapshot(case, CASE_FIELDS)
    case.status = CaseStatus.REQUESTED
    case.save(update_fields=["status", "updated_at"])
    _record(case, before, by)
    return case


def declined_firm_ids(case: LegalCase) -> set[int]:
    return set(
        case.matches.filter(response=FirmMatch.Response.DECLINED_CONFLICT).values_list(
            "firm_id", flat=True
        )
    )


@transaction.atomic
def match_firm(*, case: LegalCase, firm: LawFirm, by: User) -> FirmMatch:
    _locked(case)
    _require_status(case, CaseStatus.ACCEPTED)
    if not firm.is_active:
        raise LegalError(_("That firm is no longer active in the network."))
    if not firm.areas.filter(area=case.area).exists():
        raise LegalError(
            _("%(firm)s does not practise %(area)s law: match a firm that does.")
            % {"firm": firm.name, "area": case.get_area_display().lower()}
        )
    if firm.pk in declined_firm_ids(case):
        raise LegalError(
            _("%(firm)s declined this case for a conflict of interest.") % {"firm": firm.name}
        )
    now = timezone.now()
    before = audit.snapshot(case, CASE_FIELDS)
    match = FirmMatch.objects.create(case=case, firm=firm, matched_by=by, matched_at=now)
    case.firm, case.matched_at, case.status = firm, now, CaseStatus.MATCHED
    case.save(update_fields=["firm", "matched_at", "status", "updated_at"])
    _record(case, before, by)
    return match


def _require_lawyer_of_case(case: LegalCase, lawyer: Lawyer) -> None:
    if not lawyer.is_active or case.firm_id is None or lawyer.firm_id != case.firm_id:
        raise LegalError(_("This case is not assigned to your firm."))


@transaction.atomic
def respond_to_match(
    *, case: LegalCase, lawyer: Lawyer, conflict: bool, reason: str = ""
) -> LegalCase:
    """The matched firm confirms it has no conflict of interest (the work starts) or declines
    for a conflict (the case goes back to the coordinators to match another firm)."""
    _locked(case)
    _require_lawyer_of_case(case, lawyer)
    _require_status(case, CaseStatus.MATCHED)
    match = (
        case.matches.filter(firm_id=case.firm_id, response=FirmMatch.Response.PENDING)
        .order_by("-matched_at", "-id")
        .first()
    )
    if match is None:  # matched outside the workflow (e.g. in the admin): nothing to answer
        raise LegalError(_("There is no pending match of your firm to answer."))
    now = timezone.now()
    before = audit.snapshot(case, CASE_FIELDS)
    if conflict:
        if not reason.strip():
            raise LegalError(_("Describe the conflict of interest (without confidential details)."))
        match.response, match.reason = FirmMatch.Response.DECLINED_CONFLICT, reason.strip()
        case.firm, case.matched_at, case.status = None, None, CaseStatus.ACCEPTED
    else:
        match.response = FirmMatch.Response.CONFIRMED
        case.conflict_confirmed_at, case.status = now, CaseStatus.IN_PROGRESS
    match.responded_by, match.responded_at = lawyer.user, now
    match.save(update_fields=["response", "reason", "responded_by", "responded_at"])
    case.save(update_fields=["firm", "matched_at", "conflict_confirmed_at", "status", "updated_at"])
    _record(case, before, lawyer.user)
    return case


@transaction.atomic
def log_hours(
    *, case: LegalCase, lawyer: Lawyer, worked_on: date, hours: Decimal, description: str
) -> HoursEntry:
    _require_lawyer_of_case(case, lawyer)
    _require_status(case, *WORKING_STATUSES)
    if hours <= 0:
        raise LegalError(_("Hours must be more than zero."))
    if worked_on > timezone.localdate():
        raise LegalError(_("Hours cannot be logged for a future date."))
    # Lock the lawyer's row: two requests at once must not both pass the daily limit.
    Lawyer.objects.select_for_update().filter(pk=lawyer.pk).first()
    that_day = HoursEntry.objects.filter(lawyer=lawyer, worked_on=worked_on).aggregate(
        total=Sum("hours")
    )["total"] or Decimal(0)
    if that_day + hours > MAX_HOURS_PER_DAY:
        raise LegalError(
            _(
                "A day has 24 hours: you already logged %(logged)s hours on %(date)s, "
                "so at most %(left)s more."
            )
            % {
                "logged": plain(that_day),
                "date": worked_on.isoformat(),
                "left": plain(MAX_HOURS_PER_DAY - that_day),
            }
        )
    firm = LawFirm.objects.get(pk=lawyer.firm_id)
    return HoursEntry.objects.create(
        case=case,
        lawyer=lawyer,
        firm=firm,
        worked_on=worked_on,
        hours=hours,
        hourly_rate=firm.reference_hourly_rate,
        description=description.strip(),
    )


def _require_not_finished(case: LegalCase) -> None:
    if case.status in {CaseStatus.CLOSED, CaseStatus.DECLINED}:
        raise LegalError(_("The case is closed."))


@transaction.atomic
def add_note(*, case: LegalCase, author: User, text: str) -> CaseNote:
    _require_not_finished(case)
    if not text.strip():
        raise LegalError(_("The note is empty."))
    return CaseNote.objects.create(case=case, author=author, text=text.strip())


@transaction.atomic
def add_message(*, case: LegalCase, author: User, text: str) -> CaseMessage:
    _require_not_finished(case)
    if not text.strip():
        raise LegalError(_("The message is empty."))
    return CaseMessage.objects.create(case=case, author=author, text=text.strip())


@transaction.atomic
def add_document(
    *, case: LegalCase, upload: UploadedFile, description: str, by: User
) -> CaseDocument:
    _require_not_finished(case)
    try:
        stored_name = storage.save_document(upload)
    except storage.UploadRejected as exc:
        raise LegalError(str(exc)) from exc
    try:
        return CaseDocument.objects.create(
            case=case,
            uploaded_by=by,
            stored_name=stored_name,
            original_name=upload.name[-200:],
            size=upload.size,
            description=description.strip(),
        )
    except Exception:
        storage.delete_document(stored_name)  # no row, no file
        raise


@transaction.atomic
def add_milestone(*, case: LegalCase, title: str, reached_on: date, by: User) -> Milestone:
    _require_status(case, *WORKING_STATUSES)
    if reached_on > timezone.localdate():
        raise LegalError(_("A milestone is marked when it is reached, not before."))
    return Milestone.objects.create(
        case=case, title=title.strip(), reached_on=reached_on, marked_by=by
    )


@transaction.atomic
def resolve_case(*, case: LegalCase, outcome: str, by: User) -> LegalCase:
    _locked(case)
    _require_status(case, CaseStatus.IN_PROGRESS)
    if not outcome.strip():
        raise LegalError(_("Describe the outcome."))
    before = audit.snapshot(case, CASE_FIELDS)
    case.status, case.outcome, case.resolved_at = (
        CaseStatus.RESOLVED,
        outcome.strip(),
        timezone.now(),
    )
    case.save(update_fields=["status", "outcome", "resolved_at", "updated_at"])
    _record(case, before, by)
    return case


@transaction.atomic
def close_case(*, case: LegalCase, by: User, note: str = "") -> LegalCase:
    """Close a resolved case, or stop one that will not be resolved (the note says why)."""
    _locked(case)
    _require_status(
        case, CaseStatus.RESOLVED, CaseStatus.IN_PROGRESS, CaseStatus.ACCEPTED, CaseStatus.MORE_INFO
    )
    if case.status != CaseStatus.RESOLVED and not note.strip():
        raise LegalError(_("Say why the case is closed without being resolved."))
    before = audit.snapshot(case, CASE_FIELDS)
    if note.strip():
        case.outcome = f"{case.outcome}\n\n{note.strip()}".strip()
    case.status, case.closed_at = CaseStatus.CLOSED, timezone.now()
    case.save(update_fields=["status", "outcome", "closed_at", "updated_at"])
    _record(case, before, by)
    return case


def record_access(
    *, case: LegalCase, user: User, what: str, document: CaseDocument | None = None
) -> ConfidentialAccess:
    """One row per view of confidential details (not atomic on its own: the view's request)."""
    return ConfidentialAccess.objects.create(case=case, user=user, what=what, document=document)


def record_case_view(*, case_id: int, user: User, what: str) -> None:
    """record_access for the case page, also each time the page cache serves it again (it
    knows the case's id). One plain INSERT: on a page served from the cache this row is the
    only work besides reading the session, and create() (building the statement, RETURNING
    the id, a model instance nobody reads) cost about as much as the write (bench/NOTES.md)."""
    meta = ConfidentialAccess._meta
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(meta.get_field(name).column) for name in ("case", "user", "what", "viewed_at")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES (%s, %s, %s, %s)",  # noqa: S608 - names from the model
            # Adapted as the ORM does: SQLite otherwise keeps an offset the ORM's rows do not
            # have, and times would not compare equal (the access log pages by them).
            [case_id, user.pk, what, connection.ops.adapt_datetimefield_value(timezone.now())],
        )
