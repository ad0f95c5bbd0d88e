"""Legal cases and everything recorded on them; the confidential parts are logged when seen."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from organizations.models import Action, Organization

from .network import LawFirm, Lawyer, LegalArea


class CaseStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    MORE_INFO = "more_info", _("More information asked")
    DECLINED = "declined", _("Declined")
    ACCEPTED = "accepted", _("Accepted, to match")
    MATCHED = "matched", _("Matched, awaiting the firm")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", pgettext_lazy("legal case", "Closed")


OPEN_STATUSES = (
    CaseStatus.REQUESTED,
    CaseStatus.MORE_INFO,
    CaseStatus.ACCEPTED,
    CaseStatus.MATCHED,
    CaseStatus.IN_PROGRESS,
)
# A firm's current load: cases it holds and has not finished.
FIRM_LOAD_STATUSES = (CaseStatus.MATCHED, CaseStatus.IN_PROGRESS)


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High: a deadline within a month")
    URGENT = "urgent", _("Urgent: a deadline within a week")


class LegalCaseQuerySet(models.QuerySet["LegalCase"]):
    def open(self) -> LegalCaseQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def of_firm(self, firm_id: int) -> LegalCaseQuerySet:
        return self.filter(firm_id=firm_id)

    def for_lists(self) -> LegalCaseQuerySet:
        return self.select_related("organization__tier", "firm")

    def count_by_status(self) -> dict[str, int]:
        """{status: number of cases}, in one grouped query."""
        return dict(self.order_by().values_list("status").annotate(n=models.Count("pk")))


class LegalCase(models.Model):
    """A CSO's request for pro bono help, from triage to a matched firm and an outcome.

    The need, messages, notes and documents are confidential (see legal_assistance.access);
    area, status and dates are not.
    """

    # Shown on the case's History page to its insiders only (csa_portal.audit).
    audit_confidential_fields = ("subject", "need", "urgency", "decline_reason", "firm", "outcome")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="legal_cases",
        verbose_name=_("organization"),
    )
    area = models.CharField(_("area"), max_length=16, choices=LegalArea.choices)
    subject = models.CharField(_("subject"), max_length=200)
    need = models.TextField(_("what the organization needs"))
    urgency = models.CharField(
        _("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    serves_action = models.ForeignKey(
        Action,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="legal_cases",
        verbose_name=_("improvement plan action it serves"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.REQUESTED
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    firm = models.ForeignKey(
        LawFirm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("law firm"),
    )
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    triaged_at = models.DateTimeField(_("triaged"), null=True, blank=True)
    matched_at = models.DateTimeField(_("matched"), null=True, blank=True)
    conflict_confirmed_at = models.DateTimeField(_("no conflict confirmed"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = LegalCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("legal case")
        verbose_name_plural = _("legal cases")
        ordering = ["-opened_on", "-id"]
        indexes = [
            models.Index(fields=["status", "opened_on"]),
            models.Index(fields=["firm", "status"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} · {self.get_area_display()}"

    @property
    def reference(self) -> str:
        return f"L-{self.pk:05d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class FirmMatch(models.Model):
    """One firm matched to a case and its answer: a conflict of interest is kept here, so the
    firm is not matched to the case again and the history shows who declined."""

    class Response(models.TextChoices):
        PENDING = "pending", _("Awaiting the firm")
        CONFIRMED = "confirmed", _("No conflict: accepted")
        DECLINED_CONFLICT = "declined_conflict", _("Declined: conflict of interest")

    case = models.ForeignKey(
        LegalCase, on_delete=models.CASCADE, related_name="matches", verbose_name=_("case")
    )
    firm = models.ForeignKey(
        LawFirm, on_delete=models.PROTECT, related_name="matches", verbose_name=_("law firm")
    )
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("matched by"),
    )
    matched_at = models.DateTimeField(_("matched"), default=timezone.now)
    response = models.CharField(
        _("response"), max_length=20, choices=Response.choices, default=Response.PENDING
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("firm match")
        verbose_name_plural = _("firm matches")
        ordering = ["matched_at", "id"]

    def __str__(self) -> str:
        return f"{self.case} → {self.firm}"


class HoursEntry(models.Model):
    """Pro bono hours a lawyer worked on a case, valued at the firm's rate of that moment."""

    case = models.ForeignKey(
        LegalCase, on_delete=models.CASCADE, related_name="hours", verbose_name=_("case")
    )
    lawyer = models.ForeignKey(
        Lawyer, on_delete=models.PROTECT, related_name="hours", verbose_name=_("lawyer")
    )
    firm = models.ForeignKey(
        LawFirm, on_delete=models.PROTECT, related_name="hours", verbose_name=_("law firm")
    )
    worked_on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)
    # Copied from the firm when logged: a later change of rate does not revalue past work.
    hourly_rate = models.DecimalField(_("hourly rate"), max_digits=10, decimal_places=2)
    description = models.CharField(_("description"), max_length=300)
    created_at = models.DateTimeField(_("logged"), auto_now_add=True)

    class Meta:
        verbose_name = _("hours entry")
        verbose_name_plural = _("hours entries")
        ordering = ["-worked_on", "-id"]
        indexes = [models.Index(fields=["lawyer", "worked_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0) & models.Q(hours__lte=24),
                name="hours_entry_between_0_and_24",
            )
        ]

    def __str__(self) -> str:
        return f"{self.lawyer} · {self.worked_on} · {self.hours}"

    @property
    def value(self):
        return self.hours * self.hourly_rate


class CaseEntry(models.Model):
    """What notes and messages share: a case, an author, a text and a time."""

    case = models.ForeignKey(LegalCase, on_delete=models.CASCADE, verbose_name=_("case"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class CaseNote(CaseEntry):
    """A working note of the firm's lawyers or the coordinators."""

    class Meta(CaseEntry.Meta):
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        default_related_name = "notes"


class CaseMessage(CaseEntry):
    """A message between the organization's leaders, the coordinators and the firm."""

    class Meta(CaseEntry.Meta):
        verbose_name = _("case message")
        verbose_name_plural = _("case messages")
        default_related_name = "messages"


class CaseDocument(models.Model):
    """An uploaded file, checked by content and stored under a name of ours."""

    case = models.ForeignKey(
        LegalCase, on_delete=models.CASCADE, related_name="documents", verbose_name=_("case")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    stored_name = models.CharField(max_length=64, editable=False)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Milestone(models.Model):
    case = models.ForeignKey(
        LegalCase, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("case")
    )
    title = models.CharField(_("milestone"), max_length=200)
    reached_on = models.DateField(_("reached on"))
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("marked by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["reached_on", "id"]

    def __str__(self) -> str:
        return self.title


class ConfidentialAccess(models.Model):
    """One view of a case's confidential details: who, which case, what, when.

    Written by the views that show them, one row per view; never changed afterwards.
    """

    class What(models.TextChoices):
        CASE = "case", _("Case details, notes and messages")
        DOCUMENT = "document", _("A document")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("who"),
    )
    case = models.ForeignKey(
        LegalCase, on_delete=models.CASCADE, related_name="accesses", verbose_name=_("case")
    )
    what = models.CharField(_("what"), max_length=16, choices=What.choices)
    document = models.ForeignKey(
        CaseDocument,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("document"),
    )
    viewed_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("confidential access")
        verbose_name_plural = _("confidential accesses")
        ordering = ["-viewed_at", "-id"]
        indexes = [
            models.Index(fields=["case", "-viewed_at"]),
            # The coordinators' log, newest first: read from the index, not sorted each time.
            models.Index(fields=["-viewed_at", "-id"], name="access_latest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.case} · {self.viewed_at:%Y-%m-%d %H:%M}"
