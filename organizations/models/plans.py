"""Jointly agreed improvement plans: goals per area and the actions that pursue them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .capacity import Area, Assessment
from .profiles import Organization, Person


class PlanQuerySet(models.QuerySet["ImprovementPlan"]):
    def agreed(self) -> PlanQuerySet:
        return self.filter(cso_agreed_at__isnull=False, staff_agreed_at__isnull=False)

    def visible_to(self, user) -> PlanQuerySet:
        return self.filter(organization__in=Organization.objects.visible_to(user))


class ImprovementPlan(models.Model):
    """Agreed when both a CSO leader and program staff have accepted its current content.

    Any change by one side clears the other side's agreement: that is the proposal the other
    side then accepts.
    """

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="improvement_plans",
    )
    assessment = models.ForeignKey(
        Assessment,
        verbose_name=_("based on assessment"),
        on_delete=models.PROTECT,
        related_name="improvement_plans",
    )
    title = models.CharField(_("title"), max_length=200)
    cso_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agreed for the CSO by"),
    )
    cso_agreed_at = models.DateTimeField(_("agreed by the CSO on"), null=True, blank=True)
    staff_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agreed for the program by"),
    )
    staff_agreed_at = models.DateTimeField(_("agreed by the program on"), null=True, blank=True)
    last_change_by_side = models.CharField(_("last changed by"), max_length=8, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("improvement plan")
        verbose_name_plural = _("improvement plans")
        ordering = ["-created_at"]
        indexes = [
            # The staff's queue of plans the CSO agreed and the program has not (home page).
            models.Index(
                fields=["created_at"],
                condition=Q(cso_agreed_at__isnull=False, staff_agreed_at__isnull=True),
                name="plan_to_agree_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_agreed(self) -> bool:
        return self.cso_agreed_at is not None and self.staff_agreed_at is not None


class Goal(models.Model):
    plan = models.ForeignKey(
        ImprovementPlan, on_delete=models.CASCADE, related_name="goals", verbose_name=_("plan")
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    target_score = models.DecimalField(_("target score"), max_digits=5, decimal_places=2)
    due_date = models.DateField(_("due date"))

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return f"{self.area}: {self.target_score}"


class Action(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        STARTED = "started", _("Started")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    class Support(models.TextChoices):
        GRANT = "grant", _("Grant")
        LEGAL = "legal", _("Legal assistance")
        COACHING = "coaching", _("Coaching")
        COMMUNITY = "community", _("Learning Community")
        OWN = "own", _("The organization's own resources")

    plan = models.ForeignKey(
        ImprovementPlan, on_delete=models.CASCADE, related_name="actions", verbose_name=_("plan")
    )
    goal = models.ForeignKey(
        Goal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("goal"),
    )
    description = models.TextField(_("description"))
    responsible = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    support = models.CharField(
        _("support that serves it"),
        max_length=16,
        choices=Support.choices,
        default=Support.COACHING,
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_overdue(self) -> bool:
        return self.status in {self.Status.PLANNED, self.Status.STARTED} and (
            self.due_date < timezone.localdate()
        )
