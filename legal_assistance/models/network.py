"""The pro bono network: law firms, the areas they practise and their lawyers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from organizations.geo import MexicanState


class LegalArea(models.TextChoices):
    """The five areas of law the program helps CSOs comply with."""

    CORPORATE = "corporate", _("Corporate")
    FISCAL = "fiscal", _("Fiscal")
    LABOR = "labor", _("Labor")
    AML = "aml", _("Anti-money-laundering")
    DATA_PRIVACY = "data_privacy", _("Data privacy")


class LawFirmQuerySet(models.QuerySet["LawFirm"]):
    def active(self) -> LawFirmQuerySet:
        return self.filter(is_active=True)

    def practising(self, area: str) -> LawFirmQuerySet:
        return self.filter(
            models.Exists(FirmPracticeArea.objects.filter(firm=models.OuterRef("pk"), area=area))
        )

    def with_workload(self, year: int) -> LawFirmQuerySet:
        """hours_this_year (hours logged in `year`), open_cases (cases in hand) and
        lawyer_count (active lawyers), one subquery each. Joined to the firm's cases and
        lawyers instead, the hours subquery ran once per joined row before grouping (12 ms
        for 20 firms at 10,000 organizations)."""
        from .cases import FIRM_LOAD_STATUSES, HoursEntry, LegalCase  # cases.py imports this

        def total_of(rows, aggregate, output_field) -> Coalesce:
            rows = rows.order_by().values("firm").annotate(total=aggregate).values("total")
            zero = models.Value(output_field.to_python(0))
            return Coalesce(models.Subquery(rows, output_field=output_field), zero)

        decimal = models.DecimalField(max_digits=12, decimal_places=2)
        firm = models.OuterRef("pk")
        return self.annotate(
            hours_this_year=total_of(
                HoursEntry.objects.filter(firm=firm, worked_on__year=year),
                models.Sum("hours"),
                decimal,
            ),
            open_cases=total_of(
                LegalCase.objects.filter(firm=firm, status__in=FIRM_LOAD_STATUSES),
                models.Count("pk"),
                models.IntegerField(),
            ),
            lawyer_count=total_of(
                Lawyer.objects.filter(firm=firm, is_active=True),
                models.Count("pk"),
                models.IntegerField(),
            ),
        )


class LawFirm(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    city = models.CharField(_("city"), max_length=120)
    state = models.CharField(_("state"), max_length=8, choices=MexicanState.choices)
    # Values the pro bono work: pro bono value = hours x this rate (the rate when the hours
    # were logged, see HoursEntry.hourly_rate).
    reference_hourly_rate = models.DecimalField(
        _("reference hourly rate"), max_digits=10, decimal_places=2
    )
    currency = models.CharField(_("currency"), max_length=3, default="MXN", editable=False)
    yearly_pledged_hours = models.PositiveIntegerField(_("pro bono hours pledged per year"))
    contact_name = models.CharField(_("contact name"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = LawFirmQuerySet.as_manager()

    class Meta:
        verbose_name = _("law firm")
        verbose_name_plural = _("law firms")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FirmPracticeArea(models.Model):
    """One area a firm practises: a row per area, so ranking filters in SQL."""

    firm = models.ForeignKey(
        LawFirm, on_delete=models.CASCADE, related_name="areas", verbose_name=_("law firm")
    )
    area = models.CharField(_("area"), max_length=16, choices=LegalArea.choices)

    class Meta:
        verbose_name = _("practice area")
        verbose_name_plural = _("practice areas")
        ordering = ["firm_id", "area"]
        constraints = [
            models.UniqueConstraint(fields=["firm", "area"], name="firm_practice_area_unique")
        ]

    def __str__(self) -> str:
        return self.get_area_display()


class LawyerQuerySet(models.QuerySet["Lawyer"]):
    def active(self) -> LawyerQuerySet:
        return self.filter(is_active=True, firm__is_active=True, user__is_active=True)


class Lawyer(models.Model):
    """A login who works pro bono cases for one firm: the lawyer role."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lawyer",
        verbose_name=_("login"),
    )
    firm = models.ForeignKey(
        LawFirm, on_delete=models.PROTECT, related_name="lawyers", verbose_name=_("law firm")
    )
    # A few of LegalArea's values; shown to coordinators, not used for matching (firms are).
    practice_areas = models.JSONField(_("practice areas"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = LawyerQuerySet.as_manager()

    class Meta:
        verbose_name = _("lawyer")
        verbose_name_plural = _("lawyers")
        ordering = ["firm_id", "user__email"]

    def __str__(self) -> str:
        return str(self.user)

    def practice_area_labels(self) -> list[str]:
        names = dict(LegalArea.choices)
        return [str(names[a]) for a in self.practice_areas if a in names]
