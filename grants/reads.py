"""Reads for the grant and application pages: a fixed number of queries whatever their size."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    BudgetCategory,
    BudgetLine,
    Grant,
    GrantApplication,
    GrantReport,
    SpendingLine,
    Tranche,
)

ZERO = Decimal(0)


@dataclass
class CategoryUse:
    category: str
    label: str
    budget: Decimal = ZERO
    accepted: Decimal = ZERO  # spending in accepted reports
    awaiting: Decimal = ZERO  # spending in reports handed in, not yet accepted

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.accepted - self.awaiting

    @property
    def over(self) -> bool:
        return self.remaining < 0


@dataclass
class Event:
    on: date
    text: str
    kind: str = "info"  # a Bootstrap colour


@dataclass
class GrantPage:
    grant: Grant
    tranches: list[Tranche]
    reports: list[GrantReport]
    categories: list[CategoryUse]
    today: date
    timeline: list[Event] = field(default_factory=list)

    @property
    def paid(self) -> Decimal:
        return sum((t.amount for t in self.tranches if t.paid_on), ZERO)

    @property
    def outstanding(self) -> Decimal:
        if not self.grant.is_active:
            return ZERO
        return sum((t.amount for t in self.tranches if not t.paid_on), ZERO)

    @property
    def overdue_tranches(self) -> int:
        return sum(1 for t in self.tranches if t.overdue) if self.grant.is_active else 0

    @property
    def overdue_reports(self) -> int:
        return sum(1 for r in self.reports if r.overdue) if self.grant.is_active else 0

    @property
    def totals(self) -> CategoryUse:
        total = CategoryUse(category="", label=_("Total"))
        for row in self.categories:
            total.budget += row.budget
            total.accepted += row.accepted
            total.awaiting += row.awaiting
        return total

    @property
    def can_close(self) -> bool:
        return (
            self.grant.is_active
            and all(r.status == GrantReport.Status.ACCEPTED for r in self.reports)
            and all(t.paid_on for t in self.tranches)
        )


def _local_day(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment else None


def spending_by_category(grant: Grant) -> list[CategoryUse]:
    """The application's budget per category against the spending reported on this grant."""
    labels = dict(BudgetCategory.choices)
    rows: dict[str, CategoryUse] = {}
    budget = (
        BudgetLine.objects.filter(application_id=grant.application_id)
        .values("category")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for row in budget:
        rows[row["category"]] = CategoryUse(
            category=row["category"], label=str(labels[row["category"]]), budget=row["total"]
        )
    spent = (
        SpendingLine.objects.filter(report__grant=grant)
        .values("budget_line__category")
        .annotate(
            accepted=Sum("amount", filter=Q(report__status=GrantReport.Status.ACCEPTED)),
            awaiting=Sum("amount", filter=Q(report__status=GrantReport.Status.SUBMITTED)),
        )
        .order_by()
    )
    for row in spent:
        category = row["budget_line__category"]
        use = rows.setdefault(category, CategoryUse(category, str(labels[category])))
        use.accepted = row["accepted"] or ZERO
        use.awaiting = row["awaiting"] or ZERO
    order = list(labels)
    return sorted(rows.values(), key=lambda r: order.index(r.category))


def timeline(grant: Grant, tranches: list[Tranche], reports: list[GrantReport]) -> list[Event]:
    application = grant.application
    events = [
        Event(_local_day(application.submitted_at), _("Application submitted"), "secondary"),
        Event(_local_day(grant.awarded_at), _("Grant awarded"), "primary"),
        Event(grant.start_date, _("Start"), "primary"),
        Event(grant.end_date, _("Planned end"), "secondary"),
    ]
    for t in tranches:
        number = {"number": t.number}
        if t.released_on:
            events.append(Event(t.released_on, _("Tranche %(number)s released") % number))
        if t.paid_on:
            events.append(Event(t.paid_on, _("Tranche %(number)s paid") % number, "success"))
    for r in reports:
        if r.submitted_at:
            events.append(
                Event(
                    _local_day(r.submitted_at),
                    _("%(report)s handed in") % {"report": r.get_kind_display()},
                )
            )
        if r.status == GrantReport.Status.ACCEPTED and r.reviewed_at:
            events.append(
                Event(
                    _local_day(r.reviewed_at),
                    _("%(report)s accepted") % {"report": r.get_kind_display()},
                    "success",
                )
            )
    if grant.ended_at:
        ended = _("Grant closed") if grant.status == Grant.Status.CLOSED else _("Grant terminated")
        events.append(Event(_local_day(grant.ended_at), ended, "dark"))
    return sorted((e for e in events if e.on), key=lambda e: e.on)


def grant_page(grant: Grant) -> GrantPage:
    today = timezone.localdate()
    tranches = list(grant.tranches.order_by("number"))
    reports = list(
        grant.reports.annotate(attachment_count=Count("attachments")).order_by("due_date", "id")
    )
    running = grant.is_active
    for t in tranches:
        t.overdue = running and t.is_overdue(today)
    for r in reports:
        r.overdue = running and r.is_overdue(today)
    page = GrantPage(
        grant=grant,
        tranches=tranches,
        reports=reports,
        categories=spending_by_category(grant),
        today=today,
    )
    page.timeline = timeline(grant, tranches, reports)
    return page


def organization_grants(organization) -> tuple[list[GrantApplication], list[Grant]]:
    """An organization's applications (newest first) and grants with their overdue counts."""
    today = timezone.localdate()
    applications = list(
        GrantApplication.objects.filter(organization=organization)
        .select_related("theme")
        .order_by("-created_at", "-id")
    )
    grants = list(
        with_overdue_counts(Grant.objects.filter(organization=organization), today)
        .select_related("application")
        .order_by("-start_date", "-id")
    )
    return applications, grants


def _per_grant(queryset, value):
    """A correlated subquery: `value` aggregated over the rows of `queryset` of each grant."""
    return Subquery(
        queryset.filter(grant=OuterRef("pk"))
        .order_by()
        .values("grant")
        .annotate(v=value)
        .values("v")
    )


def with_overdue_counts(grants, today: date):
    """Annotate each grant with its overdue reports and tranches (subqueries: no row fan-out)."""
    running = Q(grant__status=Grant.Status.ACTIVE)
    reports = GrantReport.objects.filter(running, status__in=GrantReport.OPEN, due_date__lt=today)
    tranches = Tranche.objects.filter(running, paid_on__isnull=True, planned_date__lt=today)
    return grants.annotate(
        overdue_reports=Coalesce(_per_grant(reports, Count("pk")), 0),
        overdue_tranches=Coalesce(_per_grant(tranches, Count("pk")), 0),
    )


def with_paid(grants):
    """Annotate each grant with the sum of its paid and of its unpaid tranches."""
    zero = Value(ZERO, output_field=DecimalField(max_digits=14, decimal_places=2))
    return grants.annotate(
        paid=Coalesce(
            _per_grant(Tranche.objects.filter(paid_on__isnull=False), Sum("amount")), zero
        ),
        unpaid=Coalesce(
            _per_grant(Tranche.objects.filter(paid_on__isnull=True), Sum("amount")), zero
        ),
    )
