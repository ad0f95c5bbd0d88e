"""Capacity and performance instruments, assessments, ratings and their stored scores."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from csa_portal.languages import active_code

from .profiles import Organization, Tier


def _in_language(obj, stem: str) -> str:
    return getattr(obj, f"{stem}_{active_code()}") or getattr(obj, f"{stem}_en")


class FrameworkQuerySet(models.QuerySet["Framework"]):
    def performance(self) -> FrameworkQuerySet:
        return self.filter(measures=Framework.Measures.PERFORMANCE)

    def current(self) -> FrameworkQuerySet:
        """The newest version of each instrument."""
        newest = Framework.objects.filter(code=OuterRef("code")).order_by("-version")
        return self.filter(pk=Subquery(newest.values("pk")[:1]))


class Framework(models.Model):
    """A versioned instrument. Once a validated assessment uses it, changes need a new version."""

    class Measures(models.TextChoices):
        CAPACITY = "capacity", _("Capacity")
        PERFORMANCE = "performance", _("Performance")

    code = models.SlugField(_("code"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_es = models.CharField(_("name (Spanish)"), max_length=200)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    measures = models.CharField(_("measures"), max_length=16, choices=Measures.choices)
    scale_min = models.PositiveSmallIntegerField(_("lowest level"), default=1)
    scale_max = models.PositiveSmallIntegerField(_("highest level"), default=4)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="framework_code_version"),
            models.CheckConstraint(
                condition=Q(scale_max__gt=models.F("scale_min")), name="framework_scale_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{_in_language(self, 'name')} v{self.version}"

    @property
    def name(self) -> str:
        return _in_language(self, "name")

    @property
    def levels(self) -> range:
        return range(self.scale_min, self.scale_max + 1)

    def is_locked(self) -> bool:
        return self.assessments.filter(status=Assessment.Status.VALIDATED).exists()


class Area(models.Model):
    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.CASCADE, related_name="areas"
    )
    code = models.SlugField(_("code"))
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_es = models.CharField(_("name (Spanish)"), max_length=200)
    domain_en = models.CharField(_("domain (English)"), max_length=120, blank=True)
    domain_es = models.CharField(_("domain (Spanish)"), max_length=120, blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["framework_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="area_code_per_framework")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_language(self, "name")

    @property
    def domain(self) -> str:
        return _in_language(self, "domain") if self.domain_en else ""


class Indicator(models.Model):
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.SlugField(_("code"))
    text_en = models.TextField(_("text (English)"))
    text_es = models.TextField(_("text (Spanish)"))
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    required = models.BooleanField(_("required"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # {"1": {"en": "...", "es": "..."}, ...}: one descriptor per level of the framework's scale.
    descriptors = models.JSONField(_("level descriptors"), default=dict)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["area_id", "position", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return _in_language(self, "text")

    def descriptor(self, level: int) -> str:
        entry = self.descriptors.get(str(level)) or {}
        return entry.get(active_code()) or entry.get("en", "")


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def validated(self) -> AssessmentQuerySet:
        return self.filter(status=Assessment.Status.VALIDATED)

    def for_tier(self, tier) -> AssessmentQuerySet:
        return self.filter(organization__tier=tier)

    def performance(self) -> AssessmentQuerySet:
        return self.filter(framework__measures=Framework.Measures.PERFORMANCE)

    def visible_to(self, user) -> AssessmentQuerySet:
        return self.filter(organization__in=Organization.objects.visible_to(user))

    def _first_per_organization(self, order: list[str]) -> AssessmentQuerySet:
        same = Assessment.objects.validated().filter(
            organization=OuterRef("organization"), framework__code=OuterRef("framework__code")
        )
        return self.validated().filter(pk=Subquery(same.order_by(*order).values("pk")[:1]))

    def latest_per_organization(self) -> AssessmentQuerySet:
        """Each organization's newest validated assessment per instrument (any version)."""
        return self._first_per_organization(["-assessed_on", "-id"])

    def baseline_per_organization(self) -> AssessmentQuerySet:
        """Each organization's first validated assessment per instrument."""
        return self._first_per_organization(["assessed_on", "id"])


class Assessment(models.Model):
    class Kind(models.TextChoices):
        BASELINE = "baseline", _("Baseline")
        FOLLOW_UP = "follow_up", _("Follow-up")
        ENDLINE = "endline", _("Endline")

    class Mode(models.TextChoices):
        SELF = "self", _("Self-assessment")
        FACILITATED = "facilitated", _("Facilitated")
        JOINT = "joint", _("Joint")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        VALIDATED = "validated", _("Validated")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.PROTECT, related_name="assessments"
    )
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices, default=Kind.BASELINE)
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices, default=Mode.SELF)
    assessed_on = models.DateField(_("date"), default=timezone.localdate)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("validated by"),
    )
    validated_at = models.DateTimeField(_("validated at"), null=True, blank=True)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    overall_score = models.DecimalField(
        _("overall score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-assessed_on", "-id"]
        indexes = [
            models.Index(fields=["organization", "status", "assessed_on"]),
            # The staff's queue of assessments to validate (home page): a few rows among
            # every assessment of the program, read without scanning the table.
            models.Index(
                fields=["assessed_on", "id"],
                condition=Q(status="submitted"),
                name="assessment_to_validate_idx",
            ),
            # The program's validated assessments by date: the first and last date (CBLD-9's
            # fiscal years) are the index's two ends, and a year's assessments one range of it,
            # instead of a scan of every assessment on each view of CBLD-9.
            models.Index(
                fields=["assessed_on"],
                condition=Q(status="validated"),
                name="assessment_validated_on_idx",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.organization} · {self.framework} · {self.get_kind_display()} {self.assessed_on}"
        )

    @property
    def is_editable_by_cso(self) -> bool:
        return self.status == self.Status.DRAFT


class Rating(models.Model):
    """One indicator's level in an assessment, with its evidence.

    When staff change a self-rating during joint validation, `self_level` keeps what the CSO
    said and `change_reason` why both agreed on `level`.
    """

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="ratings"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="ratings"
    )
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_file = models.CharField(_("evidence file"), max_length=255, blank=True)
    evidence_file_name = models.CharField(_("evidence file name"), max_length=255, blank=True)
    self_level = models.PositiveSmallIntegerField(
        _("level before validation"), null=True, blank=True
    )
    change_reason = models.TextField(_("reason for the change"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator"], name="rating_once_per_indicator"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.level}"

    @property
    def was_changed(self) -> bool:
        return self.self_level is not None and self.self_level != self.level


class AreaScore(models.Model):
    """An area's score in an assessment, 0-100; written set-based by scoring.recompute_scores."""

    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="area_scores",
        verbose_name=_("assessment"),
        # The unique (assessment, area) index serves lookups by assessment: a second index
        # would only cost every scoring write.
        db_index=False,
    )
    area = models.ForeignKey(
        Area, on_delete=models.CASCADE, related_name="scores", verbose_name=_("area")
    )
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("area score")
        verbose_name_plural = _("area scores")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "area"], name="area_score_once"),
        ]

    def __str__(self) -> str:
        return f"{self.area}: {self.score}"


class CohortMedian(models.Model):
    """Median area score over the participants' latest validated assessments, per instrument
    code, for one tier (or all participants when tier is empty).

    Stored by services.medians.refresh_cohort_medians whenever scores are written: the medians
    change only then, and computing them per request sorted every area score of the program
    (1.4 s per scores page at 10,000 organizations).
    """

    framework_code = models.SlugField()
    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, null=True, blank=True)
    area_code = models.SlugField()
    median = models.DecimalField(max_digits=6, decimal_places=2)

    class Meta:
        indexes = [models.Index(fields=["framework_code", "tier"])]

    def __str__(self) -> str:
        return f"{self.framework_code} {self.tier_id or '*'} {self.area_code}: {self.median}"
