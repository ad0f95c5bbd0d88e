"""Awarded grants: planned and paid tranches, and the grantee's report schedule."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from organizations.models import Organization

from .applications import MONEY, BudgetLine, Currency, GrantApplication, StoredAttachment


class GrantQuerySet(models.QuerySet["Grant"]):
    def visible_to(self, user) -> GrantQuerySet:
        return self.filter(organization__in=Organization.objects.visible_to(user))

    def active(self) -> GrantQuerySet:
        return self.filter(status=Grant.Status.ACTIVE)


class Grant(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")
        TERMINATED = "terminated", _("Terminated early")

    application = models.OneToOneField(
        GrantApplication,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="grant",
    )
    # The application's organization, kept here so portfolio reads join one table less.
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="grants",
    )
    amount = models.DecimalField(_("awarded amount"), **MONEY)
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.MXN
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    conditions = models.TextField(_("conditions"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("awarded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    awarded_at = models.DateTimeField(_("awarded on"), default=timezone.now)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    ended_at = models.DateTimeField(_("closed on"), null=True, blank=True)
    termination_reason = models.TextField(_("reason for terminating"), blank=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["status", "organization"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="grant_amount_positive"),
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")), name="grant_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.application.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("grants:grant", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class TrancheQuerySet(models.QuerySet["Tranche"]):
    def overdue(self, today: date | None = None) -> TrancheQuerySet:
        """Planned for a past date, not paid yet, on a grant still running."""
        return self.filter(
            paid_on__isnull=True,
            planned_date__lt=today or timezone.localdate(),
            grant__status=Grant.Status.ACTIVE,
        )


class Tranche(models.Model):
    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="tranches"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    amount = models.DecimalField(_("amount"), **MONEY)
    planned_date = models.DateField(_("planned date"))
    condition = models.CharField(_("condition"), max_length=300, blank=True)
    released_on = models.DateField(_("released on"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    objects = TrancheQuerySet.as_manager()

    class Meta:
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        ordering = ["grant_id", "number"]
        # The staff home lists the first overdue tranches by (planned_date, id): read in that
        # order from the unpaid ones alone, it stops after a few instead of sorting them all.
        indexes = [
            models.Index(
                fields=["planned_date", "id"],
                condition=Q(paid_on__isnull=True),
                name="tranche_unpaid_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="tranche_amount_positive"),
            models.UniqueConstraint(fields=["grant", "number"], name="tranche_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.grant} · {self.number}"

    def is_overdue(self, today: date) -> bool:
        return self.paid_on is None and self.planned_date < today


class ReportQuerySet(models.QuerySet["GrantReport"]):
    def overdue(self, today: date | None = None) -> ReportQuerySet:
        """Due in the past and not handed in (or handed back), on a grant still running."""
        return self.filter(
            status__in=GrantReport.OPEN,
            due_date__lt=today or timezone.localdate(),
            grant__status=Grant.Status.ACTIVE,
        )


class GrantReport(models.Model):
    class Kind(models.TextChoices):
        NARRATIVE = "narrative", _("Narrative report")
        FINANCIAL = "financial", _("Financial report")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        # An informe: its own gender in Spanish (an application's "Submitted" is "Enviada").
        SUBMITTED = "submitted", pgettext_lazy("grant report", "Submitted")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")

    # Waiting for the grantee: the CSO may (re)submit these.
    OPEN = (Status.PENDING, Status.RETURNED)
    # What the audit trail records about a report beyond its own fields (grants.services.reports).
    audit_labels = {"spent": _("amount spent"), "attachments": _("attachments")}

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="reports"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    narrative = models.TextField(_("narrative"), blank=True)
    staff_comments = models.TextField(_("program comments"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed on"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("grantee report")
        verbose_name_plural = _("grantee reports")
        ordering = ["grant_id", "due_date", "id"]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            # The staff home's first overdue reports by (due_date, id) over both open statuses:
            # (status, due_date) gives that order for one status only.
            models.Index(
                fields=["due_date", "id"],
                condition=Q(status__in=["pending", "returned"]),
                name="report_open_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.due_date:%Y-%m-%d}"

    def is_overdue(self, today: date) -> bool:
        return self.status in self.OPEN and self.due_date < today


class SpendingLine(models.Model):
    """Money spent against one of the grant's budget lines, as reported by the grantee."""

    report = models.ForeignKey(
        GrantReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="spending"
    )
    budget_line = models.ForeignKey(
        BudgetLine, verbose_name=_("budget line"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("spending line")
        verbose_name_plural = _("spending lines")
        ordering = ["report_id", "budget_line_id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="spending_amount_positive"),
            models.UniqueConstraint(
                fields=["report", "budget_line"], name="spending_one_per_budget_line"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.budget_line}: {self.amount}"


class ReportAttachment(StoredAttachment):
    report = models.ForeignKey(
        GrantReport,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )

    class Meta(StoredAttachment.Meta):
        verbose_name = _("report attachment")
        verbose_name_plural = _("report attachments")
