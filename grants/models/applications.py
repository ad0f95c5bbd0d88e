"""Applications for self-defined projects, their budgets, attachments and staff reviews."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from organizations.models import Action, Organization, ThematicArea

MONEY = {"max_digits": 14, "decimal_places": 2}


class Currency(models.TextChoices):
    MXN = "MXN", _("Mexican pesos (MXN)")
    USD = "USD", _("US dollars (USD)")


class BudgetCategory(models.TextChoices):
    PERSONNEL = "personnel", _("Personnel")
    TRAVEL = "travel", _("Travel")
    EQUIPMENT = "equipment", _("Equipment")
    MATERIALS = "materials", _("Materials and supplies")
    SERVICES = "services", _("Professional services")
    EVENTS = "events", _("Events and training")
    OTHER = "other", _("Other")


# The named criteria each reviewer scores from 0 to 5 (the order is the review form's).
CRITERIA = [
    ("relevance", _("Relevance to local priorities")),
    ("design", _("Quality of the design")),
    ("capacity", _("The organization's capacity to carry it out")),
    ("budget", _("Realistic and justified budget")),
    ("sustainability", _("Sustainability of the results")),
]


class ApplicationQuerySet(models.QuerySet["GrantApplication"]):
    def visible_to(self, user) -> ApplicationQuerySet:
        return self.filter(organization__in=Organization.objects.visible_to(user))

    def waiting_for_review(self) -> ApplicationQuerySet:
        return self.filter(status=GrantApplication.Status.SUBMITTED)

    def with_review_count(self) -> ApplicationQuerySet:
        """review_count, counted per application by a subquery: a join and GROUP BY made
        PostgreSQL join and group every matching application (and hash all organizations)
        before it could keep a page of them; now the rows come in index order and only those
        kept are counted."""
        reviews = (
            Review.objects.filter(application=OuterRef("pk"))
            .order_by()
            .values("application")
            .annotate(n=models.Count("*"))
            .values("n")
        )
        return self.annotate(review_count=Coalesce(Subquery(reviews), 0))


class GrantApplication(models.Model):
    """A CSO's proposal in its own words; read-only to the CSO once submitted."""

    class Kind(models.TextChoices):
        THEMATIC = "thematic_project", _("Thematic project")
        CAPACITY = "capacity_development", _("Capacity-development initiative")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for changes")
        AWARDED = "awarded", _("Awarded")
        DECLINED = "declined", pgettext_lazy("grant application", "Declined")

    # The CSO may change its application only in these states.
    EDITABLE = (Status.DRAFT, Status.RETURNED)

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="grant_applications",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices, default=Kind.THEMATIC)
    theme = models.ForeignKey(
        ThematicArea,
        verbose_name=_("theme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("problem it addresses"), blank=True)
    objectives = models.TextField(_("objectives"), blank=True)
    activities = models.TextField(_("activities"), blank=True)
    expected_results = models.TextField(_("expected results"), blank=True)
    # MexicanState codes; validated by the form against organizations.geo.MexicanState.
    states = models.JSONField(_("states covered"), default=list, blank=True)
    requested_amount = models.DecimalField(_("requested amount"), null=True, blank=True, **MONEY)
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.MXN
    )
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"), null=True, blank=True
    )
    serves_actions = models.ManyToManyField(
        Action,
        verbose_name=_("improvement-plan actions it serves"),
        blank=True,
        related_name="grant_applications",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    returned_message = models.TextField(_("changes asked for"), blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("grant application")
        verbose_name_plural = _("grant applications")
        ordering = ["-created_at", "-id"]
        # The queue and the staff home list a status's applications by (submitted_at, id):
        # with id in the index they are read in that order, a page at a time.
        indexes = [
            models.Index(fields=["status", "submitted_at", "id"], name="application_queue_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(requested_amount__isnull=True) | Q(requested_amount__gt=0),
                name="application_requested_amount_positive",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("grants:application", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    def state_names(self) -> list[str]:
        from organizations.geo import MexicanState

        names = dict(MexicanState.choices)
        return [str(names.get(code, code)) for code in self.states]


class BudgetLine(models.Model):
    application = models.ForeignKey(
        GrantApplication,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="budget_lines",
    )
    category = models.CharField(_("category"), max_length=16, choices=BudgetCategory.choices)
    description = models.CharField(_("description"), max_length=200)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["application_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="budget_line_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.description}"


class StoredAttachment(models.Model):
    """A file someone attached. It is stored under our own random name in MEDIA_ROOT/grants/;
    the uploaded name is only shown, never used for a path."""

    file = models.CharField(_("stored file"), max_length=64)
    name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class ApplicationAttachment(StoredAttachment):
    application = models.ForeignKey(
        GrantApplication,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )

    class Meta(StoredAttachment.Meta):
        verbose_name = _("application attachment")
        verbose_name_plural = _("application attachments")


class Review(models.Model):
    """One reviewer's private assessment: never shown to the CSO."""

    class Recommendation(models.TextChoices):
        FUND = "fund", _("Fund")
        FUND_WITH_CHANGES = "fund_with_changes", _("Fund with changes")
        DO_NOT_FUND = "do_not_fund", _("Do not fund")

    application = models.ForeignKey(
        GrantApplication,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="grant_reviews",
    )
    # {criterion code: 0-5} for every code of CRITERIA; the review form validates it.
    scores = models.JSONField(_("scores"), default=dict)
    recommendation = models.CharField(
        _("recommendation"), max_length=24, choices=Recommendation.choices
    )
    comments = models.TextField(_("comments"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed on"), auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["reviewed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="review_one_per_reviewer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.reviewer}"

    @property
    def total(self) -> int:
        return sum(int(v) for v in self.scores.values())

    def score_rows(self) -> list[tuple[str, int | None]]:
        return [(str(label), self.scores.get(code)) for code, label in CRITERIA]
