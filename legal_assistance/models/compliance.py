"""The compliance checklist: items we wrote for Mexican CSOs and each organization's status."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from csa_portal.languages import in_spanish
from organizations.models import Organization

from .cases import LegalCase
from .network import LegalArea


class ComplianceItem(models.Model):
    """One obligation, shipped as data (legal_assistance/compliance_items.json)."""

    class AppliesTo(models.TextChoices):
        ALL = "all", _("Every organization")
        AUTHORIZED_DONEE = "authorized_donee", _("Authorized donees")

    code = models.SlugField(_("code"), unique=True)
    area = models.CharField(_("area"), max_length=16, choices=LegalArea.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text_en = models.CharField(_("item (English)"), max_length=300)
    text_es = models.CharField(_("item (Spanish)"), max_length=300)
    guidance_en = models.TextField(_("guidance (English)"), blank=True)
    guidance_es = models.TextField(_("guidance (Spanish)"), blank=True)
    applies_to = models.CharField(
        _("applies to"), max_length=20, choices=AppliesTo.choices, default=AppliesTo.ALL
    )

    class Meta:
        verbose_name = _("compliance item")
        verbose_name_plural = _("compliance items")
        ordering = ["area", "position", "code"]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return self.text_es if in_spanish() else self.text_en

    @property
    def guidance(self) -> str:
        return self.guidance_es if in_spanish() else self.guidance_en

    def applies_by_default(self, organization: Organization) -> bool:
        if self.applies_to == self.AppliesTo.AUTHORIZED_DONEE:
            return organization.authorized_donee
        return True


class ComplianceStatus(models.TextChoices):
    COMPLIANT = "compliant", _("Compliant")
    IN_PROGRESS = "in_progress", _("In progress")
    NOT_COMPLIANT = "not_compliant", _("Not compliant")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class OrganizationCompliance(models.Model):
    """An organization's current status on one item; every change is kept in ComplianceChange."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="compliance",
        verbose_name=_("organization"),
    )
    item = models.ForeignKey(
        ComplianceItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    status = models.CharField(_("status"), max_length=16, choices=ComplianceStatus.choices)
    evidence = models.TextField(_("evidence"), blank=True)
    checked_on = models.DateField(_("checked on"), default=timezone.localdate)
    case = models.ForeignKey(
        LegalCase,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="compliance_items",
        verbose_name=_("linked case"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("compliance status")
        verbose_name_plural = _("compliance statuses")
        ordering = ["organization_id", "item_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "item"], name="organization_compliance_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.item.code}: {self.status}"


class ComplianceChange(models.Model):
    """One status an organization reported for an item, dated: the checklist's history."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    item = models.ForeignKey(
        ComplianceItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    status = models.CharField(_("status"), max_length=16, choices=ComplianceStatus.choices)
    checked_on = models.DateField(_("checked on"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("compliance change")
        verbose_name_plural = _("compliance changes")
        ordering = ["organization_id", "checked_on", "id"]
        indexes = [
            models.Index(fields=["organization", "checked_on"]),
            # Each item's series of changes in order: the compliance overview finds each
            # change's successor by walking it (checklist.yearly_history).
            models.Index(
                fields=["organization", "item", "checked_on", "id"], name="compliance_series_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.item.code}: {self.status} ({self.checked_on})"
