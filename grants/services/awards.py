"""Awarding a grant, its tranches, and the end of a grant (closed or terminated early)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from csa_portal import audit
from csa_portal.models import User

from ..models import Currency, Grant, GrantApplication, GrantReport, Tranche
from .applications import check_can_decide
from .errors import GrantError

# What the audit trail keeps of a grant, its tranches and its reports.
GRANT_FIELDS = ("amount", "currency", "start_date", "end_date", "conditions", "status")
END_FIELDS = ("status", "termination_reason")
TRANCHE_FIELDS = ("number", "amount", "planned_date", "condition", "released_on", "paid_on")
REPORT_FIELDS = ("kind", "due_date", "status")


@dataclass(frozen=True)
class TrancheInput:
    amount: Decimal
    planned_date: date
    condition: str = ""


@dataclass(frozen=True)
class ReportInput:
    kind: str
    due_date: date


def _check_award(
    amount: Decimal,
    currency: str,
    start_date: date,
    end_date: date,
    tranches: list[TrancheInput],
    reports: list[ReportInput],
) -> None:
    if amount is None or amount <= 0 or any(t.amount is None or t.amount <= 0 for t in tranches):
        raise GrantError(_("Amounts must be greater than zero."))
    if currency not in Currency.values:
        raise GrantError(_("Unknown currency."))
    if end_date <= start_date:
        raise GrantError(_("A grant must end after it starts."))
    if not tranches:
        raise GrantError(_("Plan at least one tranche."))
    total = sum((t.amount for t in tranches), Decimal(0))
    if total != amount:
        raise GrantError(
            _("The tranches add up to %(total)s but the award is %(amount)s.")
            % {"total": total, "amount": amount}
        )
    if not reports:
        raise GrantError(_("Schedule at least one report."))
    if any(r.kind not in GrantReport.Kind.values for r in reports):
        raise GrantError(_("Unknown report kind."))
    if any(r.due_date < start_date for r in reports):
        raise GrantError(_("Reports are due after the grant starts."))


@transaction.atomic
def award_application(
    *,
    application: GrantApplication,
    amount: Decimal,
    currency: str,
    start_date: date,
    end_date: date,
    tranches: list[TrancheInput],
    reports: list[ReportInput],
    by: User,
    conditions: str = "",
    reason: str = "",
) -> Grant:
    """Award (the amount may differ from the request): the grant, its tranches and reports."""
    # Lock the row: two staff awarding at once must not create two grants.
    check_can_decide(GrantApplication.objects.select_for_update().get(pk=application.pk))
    _check_award(amount, currency, start_date, end_date, tranches, reports)
    now = timezone.now()
    application_before = audit.snapshot(application, ("status", "decision_reason"))
    application.status = GrantApplication.Status.AWARDED
    application.decision_reason = reason.strip()
    application.decided_by, application.decided_at = by, now
    application.save(
        update_fields=["status", "decision_reason", "decided_by", "decided_at", "updated_at"]
    )
    grant = Grant.objects.create(
        application=application,
        organization_id=application.organization_id,
        amount=amount,
        currency=currency,
        start_date=start_date,
        end_date=end_date,
        conditions=conditions.strip(),
        awarded_by=by,
        awarded_at=now,
    )
    ordered = sorted(tranches, key=lambda t: t.planned_date)
    created_tranches = Tranche.objects.bulk_create(
        Tranche(
            grant=grant,
            number=number,
            amount=t.amount,
            planned_date=t.planned_date,
            condition=t.condition.strip(),
        )
        for number, t in enumerate(ordered, start=1)
    )
    created_reports = GrantReport.objects.bulk_create(
        GrantReport(grant=grant, kind=r.kind, due_date=r.due_date)
        for r in sorted(reports, key=lambda r: (r.due_date, r.kind))
    )
    # The award writes its tranches and reports in bulk: one entry each, saved at once.
    audit.record_entries(
        [
            audit.entry_for(
                obj=application,
                actor=by,
                action=audit.Action.TRANSITION,
                before=application_before,
                after=audit.snapshot(application, ("status", "decision_reason")),
                at=now,
            ),
            audit.entry_for(
                obj=grant,
                actor=by,
                action=audit.Action.CREATE,
                after=audit.snapshot(grant, GRANT_FIELDS),
                at=now,
            ),
            *(
                audit.entry_for(
                    obj=row,
                    actor=by,
                    action=audit.Action.CREATE,
                    after=audit.snapshot(row, fields),
                    root=grant,
                    at=now,
                    label=label,
                )
                for row, fields, label in [
                    *((t, TRANCHE_FIELDS, f"{grant} · {t.number}") for t in created_tranches),
                    *((r, REPORT_FIELDS, str(r)) for r in created_reports),
                ]
            ),
        ]
    )
    return grant


def _check_active(grant: Grant) -> None:
    if grant.status != Grant.Status.ACTIVE:
        raise GrantError(_("This grant has ended: it can no longer change."))


def _check_not_future(on: date) -> None:
    if on > timezone.localdate():
        raise GrantError(_("That date is in the future."))


@transaction.atomic
def record_tranche_release(*, tranche: Tranche, on: date, by: User) -> Tranche:
    _check_active(tranche.grant)
    if tranche.released_on is not None:
        raise GrantError(_("This tranche was already released."))
    _check_not_future(on)
    tranche.released_on = on
    tranche.save(update_fields=["released_on"])
    audit.record_change(
        obj=tranche,
        actor=by,
        action=audit.Action.TRANSITION,
        before={"released_on": None},
        after=audit.snapshot(tranche, ("released_on",)),
        root=tranche.grant,
    )
    return tranche


@transaction.atomic
def record_tranche_payment(*, tranche: Tranche, on: date, by: User) -> Tranche:
    _check_active(tranche.grant)
    if tranche.paid_on is not None:
        raise GrantError(_("This tranche was already paid."))
    if tranche.released_on is None:
        raise GrantError(_("Record the tranche's release before its payment."))
    _check_not_future(on)
    if on < tranche.released_on:
        raise GrantError(_("A tranche is paid on or after its release."))
    tranche.paid_on = on
    tranche.save(update_fields=["paid_on"])
    audit.record_change(
        obj=tranche,
        actor=by,
        action=audit.Action.TRANSITION,
        before={"paid_on": None},
        after=audit.snapshot(tranche, ("paid_on",)),
        root=tranche.grant,
    )
    return tranche


@transaction.atomic
def close_grant(*, grant: Grant, by: User) -> Grant:
    """Closes only when every report is accepted and every tranche paid."""
    _check_active(Grant.objects.select_for_update().get(pk=grant.pk))
    if grant.reports.exclude(status=GrantReport.Status.ACCEPTED).exists():
        raise GrantError(_("A grant closes once all its reports are accepted."))
    if grant.tranches.filter(paid_on__isnull=True).exists():
        raise GrantError(_("A grant closes once all its tranches are paid."))
    before = audit.snapshot(grant, END_FIELDS)
    grant.status = Grant.Status.CLOSED
    grant.ended_by, grant.ended_at = by, timezone.now()
    grant.save(update_fields=["status", "ended_by", "ended_at"])
    audit.record_change(
        obj=grant,
        actor=by,
        action=audit.Action.TRANSITION,
        before=before,
        after=audit.snapshot(grant, END_FIELDS),
    )
    return grant


@transaction.atomic
def terminate_grant(*, grant: Grant, reason: str, by: User) -> Grant:
    """Ends a grant early: unpaid tranches are no longer owed and reports no longer due."""
    _check_active(Grant.objects.select_for_update().get(pk=grant.pk))
    if not reason.strip():
        raise GrantError(_("Give the reason for terminating the grant."))
    before = audit.snapshot(grant, END_FIELDS)
    grant.status = Grant.Status.TERMINATED
    grant.termination_reason = reason.strip()
    grant.ended_by, grant.ended_at = by, timezone.now()
    grant.save(update_fields=["status", "termination_reason", "ended_by", "ended_at"])
    audit.record_change(
        obj=grant,
        actor=by,
        action=audit.Action.TRANSITION,
        before=before,
        after=audit.snapshot(grant, END_FIELDS),
    )
    return grant
