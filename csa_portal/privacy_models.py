"""Records of Mexico's 2025 federal personal-data law (LFPDPPP): the privacy notice and who
accepted which version, per-purpose consents, and data-subject (ARCO) requests.

Imported by csa_portal.models so Django finds them; no domain app is imported here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .languages import in_spanish


class PrivacyNoticeQuerySet(models.QuerySet["PrivacyNotice"]):
    def current(self) -> PrivacyNotice | None:
        """The latest version: publishing one makes it current for everyone at once."""
        return self.order_by("-version").first()


class PrivacyNotice(models.Model):
    """One version of the aviso de privacidad, in its full (integral) and short (simplificado)
    forms, in Spanish and English. A new version is a new row: what each person accepted stays
    readable."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    published_on = models.DateField(_("published on"))
    summary_of_changes = models.TextField(_("summary of changes"), blank=True)
    full_es = models.TextField(_("full notice (Spanish)"))
    full_en = models.TextField(_("full notice (English)"))
    short_es = models.TextField(_("short notice (Spanish)"))
    short_en = models.TextField(_("short notice (English)"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PrivacyNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version} ({self.published_on:%Y-%m-%d})"

    @property
    def full_text(self) -> str:
        return self.full_es if in_spanish() else self.full_en

    @property
    def short_text(self) -> str:
        return self.short_es if in_spanish() else self.short_en


class NoticeAcceptance(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notice_acceptances",
    )
    notice = models.ForeignKey(
        PrivacyNotice,
        verbose_name=_("privacy notice"),
        on_delete=models.PROTECT,
        related_name="acceptances",
    )
    accepted_at = models.DateTimeField(_("accepted at"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("privacy notice acceptance")
        verbose_name_plural = _("privacy notice acceptances")
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "notice"], name="notice_accepted_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · v{self.notice_id}"


class ConsentQuerySet(models.QuerySet["Consent"]):
    def active(self) -> ConsentQuerySet:
        return self.filter(revoked_at__isnull=True)

    def for_purpose(self, purpose: str) -> ConsentQuerySet:
        return self.filter(purpose=purpose)


class Consent(models.Model):
    """A consent for one voluntary purpose: granted, and revoked when the person says so.
    Granting again opens a new row, so the rows are the history."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="consents",
    )
    purpose = models.CharField(_("purpose"), max_length=64)
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-granted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "purpose"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_open_consent_per_purpose",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.purpose}"


class DataRequestQuerySet(models.QuerySet["DataRequest"]):
    def open(self) -> DataRequestQuerySet:
        return self.filter(status__in=DataRequest.OPEN_STATUSES)

    def closed(self) -> DataRequestQuerySet:
        return self.exclude(status__in=DataRequest.OPEN_STATUSES)


class DataRequest(models.Model):
    """A data-subject request (derechos ARCO): access, rectification, cancellation, opposition."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("Access")
        RECTIFICATION = "rectification", _("Rectification")
        CANCELLATION = "cancellation", _("Cancellation")
        OPPOSITION = "opposition", _("Opposition")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        APPROVED = "approved", _("Approved, to be carried out")
        RESPONDED = "responded", _("Answered")
        REJECTED = "rejected", _("Rejected")
        COMPLETED = "completed", _("Carried out")

    OPEN_STATUSES = (Status.RECEIVED, Status.APPROVED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="data_requests",
    )
    kind = models.CharField(_("kind of request"), max_length=16, choices=Kind.choices)
    details = models.TextField(_("details"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    # Computed once at filing, from the business days the law gives (ARCO_RESPONSE_BUSINESS_DAYS).
    due_on = models.DateField(_("answer due"))
    # A granted cancellation is carried out within ARCO_EXECUTION_BUSINESS_DAYS of the answer.
    carry_out_by = models.DateField(_("carry out by"), null=True, blank=True)
    response = models.TextField(_("response"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    # What a cancellation kept and why: [{"section", "records", "action", "reason"}, ...].
    statement = models.JSONField(_("what was kept and why"), default=list, blank=True)

    objects = DataRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")
        ordering = ["due_on", "received_at"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def waits_to_be_carried_out(self) -> bool:
        """A granted cancellation: the answer is given, carrying it out is due."""
        return self.status == self.Status.APPROVED and self.carry_out_by is not None

    @property
    def deadline(self):
        """The legal deadline of the step the request waits for: the answer, or, once a
        cancellation is granted, carrying it out."""
        return self.carry_out_by if self.waits_to_be_carried_out else self.due_on

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES
