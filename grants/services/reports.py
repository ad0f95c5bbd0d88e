"""Grantee reports: the CSO submits each one; staff accept it or return it with comments."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from csa_portal import audit
from csa_portal.models import User

from ..models import Grant, GrantReport, ReportAttachment, SpendingLine
from ..uploads import UploadRejected, check_attachment, store_attachment
from .errors import GrantError

# What the audit trail keeps of a report (spending lines are summed into its total).
REPORT_FIELDS = ("status", "narrative", "staff_comments", "due_date")


def _record(
    report: GrantReport,
    before: dict,
    by: User,
    action: str,
    *,
    extra_before: dict | None = None,
    extra_after: dict | None = None,
) -> None:
    audit.record_change(
        obj=report,
        actor=by,
        action=action,
        before={**before, **(extra_before or {})},
        after={**audit.snapshot(report, REPORT_FIELDS), **(extra_after or {})},
        root=report.grant,
    )


def _spent(report: GrantReport) -> str:
    return str(sum((line.amount for line in report.spending.all()), Decimal(0)))


@dataclass(frozen=True)
class SpendingInput:
    budget_line_id: int
    amount: Decimal


def _check_grant_running(grant: Grant) -> None:
    if grant.status != Grant.Status.ACTIVE:
        raise GrantError(_("This grant is closed: its reports can no longer change."))


def _check_spending(report: GrantReport, spending: list[SpendingInput]) -> None:
    lines = set(report.grant.application.budget_lines.values_list("pk", flat=True))
    if any(item.budget_line_id not in lines for item in spending):
        raise GrantError(_("Spending can only be reported against the grant's budget lines."))
    if len({item.budget_line_id for item in spending}) != len(spending):
        raise GrantError(_("Report each budget line once."))
    if any(item.amount is None or item.amount <= 0 for item in spending):
        raise GrantError(_("Amounts must be greater than zero."))


@transaction.atomic
def submit_report(
    *,
    report: GrantReport,
    narrative: str,
    spending: list[SpendingInput],
    by: User,
    attachments: Iterable[UploadedFile] = (),
) -> GrantReport:
    """Hand in a pending or returned report; its spending replaces what was reported before."""
    attachments = list(attachments)
    locked = GrantReport.objects.select_for_update().select_related("grant").get(pk=report.pk)
    _check_grant_running(locked.grant)
    if locked.status not in GrantReport.OPEN:
        raise GrantError(_("This report was already submitted."))
    _check_spending(report, spending)
    if report.kind == GrantReport.Kind.NARRATIVE and not narrative.strip():
        raise GrantError(_("Write the narrative of the report."))
    if report.kind == GrantReport.Kind.FINANCIAL and not spending:
        raise GrantError(_("A financial report gives the spending by budget line."))
    for upload in attachments:
        try:
            check_attachment(upload)
        except UploadRejected as exc:
            raise GrantError(str(exc)) from exc
    before = audit.snapshot(report, REPORT_FIELDS)
    spent_before = _spent(report)
    report.spending.all().delete()
    SpendingLine.objects.bulk_create(
        SpendingLine(report=report, budget_line_id=item.budget_line_id, amount=item.amount)
        for item in spending
    )
    ReportAttachment.objects.bulk_create(
        ReportAttachment(
            report=report, file=store_attachment(upload), name=upload.name[:255], uploaded_by=by
        )
        for upload in attachments
    )
    report.narrative = narrative.strip()
    report.status = GrantReport.Status.SUBMITTED
    report.submitted_by, report.submitted_at = by, timezone.now()
    report.save(update_fields=["narrative", "status", "submitted_by", "submitted_at"])
    spent = str(sum((item.amount for item in spending), Decimal(0)))
    _record(
        report,
        before,
        by,
        audit.Action.TRANSITION,
        extra_before={"spent": spent_before},
        extra_after={"spent": spent, "attachments": [upload.name[:255] for upload in attachments]},
    )
    return report


def _review(report: GrantReport, status: str, comments: str, by: User) -> GrantReport:
    _check_grant_running(report.grant)
    if report.status != GrantReport.Status.SUBMITTED:
        raise GrantError(_("Only a submitted report can be accepted or returned."))
    before = audit.snapshot(report, REPORT_FIELDS)
    report.status = status
    report.staff_comments = comments.strip()
    report.reviewed_by, report.reviewed_at = by, timezone.now()
    report.save(update_fields=["status", "staff_comments", "reviewed_by", "reviewed_at"])
    _record(report, before, by, audit.Action.TRANSITION)
    return report


@transaction.atomic
def accept_report(*, report: GrantReport, by: User, comments: str = "") -> GrantReport:
    return _review(report, GrantReport.Status.ACCEPTED, comments, by)


@transaction.atomic
def return_report(*, report: GrantReport, comments: str, by: User) -> GrantReport:
    if not comments.strip():
        raise GrantError(_("Say what the organization should correct."))
    return _review(report, GrantReport.Status.RETURNED, comments, by)


@transaction.atomic
def reschedule_report(*, report: GrantReport, due_date: date, by: User) -> GrantReport:
    _check_grant_running(report.grant)
    if report.status not in GrantReport.OPEN:
        raise GrantError(_("Only a report not yet handed in can be rescheduled."))
    if due_date < report.grant.start_date:
        raise GrantError(_("Reports are due after the grant starts."))
    before = audit.snapshot(report, REPORT_FIELDS)
    report.due_date = due_date
    report.save(update_fields=["due_date"])
    _record(report, before, by, audit.Action.UPDATE)
    return report
