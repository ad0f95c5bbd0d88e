"""Cross-cutting records: the User and the background Job. No domain app is imported here."""

import uuid

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str) -> "User":
        return self.get(email__iexact=username)


class ProgramRole(models.TextChoices):
    NONE = "", _("No program role")
    STAFF = "staff", _("Program staff")
    LEGAL_COORDINATOR = "legal_coordinator", _("Legal coordinator")


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an email address.

    Program roles live here; CSO roles are per organization (organizations.Membership) and the
    lawyer role per firm (legal_assistance).
    """

    email = models.EmailField(_("email"), unique=True)
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="es"
    )
    program_role = models.CharField(
        _("program role"), max_length=32, choices=ProgramRole.choices, blank=True, default=""
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("admin site access"), default=False, help_text=_("Can log into Django admin.")
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # The current privacy notice, once this person accepted it; publishing a new version clears
    # it for everyone (the history is NoticeAcceptance). Kept on the row the session already
    # loads, so the check on every request costs no query.
    accepted_notice = models.ForeignKey(
        "csa_portal.PrivacyNotice",
        verbose_name=_("accepted privacy notice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return str(self)

    def get_short_name(self) -> str:
        return str(self)

    @property
    def is_program_staff(self) -> bool:
        """Staff of the program: includes legal coordinators and admins."""
        return self.is_active and (self.is_superuser or self.program_role != ProgramRole.NONE)

    @property
    def is_legal_coordinator(self) -> bool:
        return self.is_active and (
            self.is_superuser or self.program_role == ProgramRole.LEGAL_COORDINATOR
        )


class JobQuerySet(models.QuerySet["Job"]):
    def visible_to(self, user: User) -> "JobQuerySet":
        if user.is_superuser:
            return self
        return self.filter(created_by=user)

    def stale(self, older_than: timezone.timedelta) -> "JobQuerySet":
        """Jobs nobody is working on: queued but never picked up, or running without a sign
        of life (their worker died, or the broker lost the message of a late-acked task)."""
        cutoff = timezone.now() - older_than
        return self.filter(
            models.Q(status=Job.Status.QUEUED, queued_at__lt=cutoff)
            | models.Q(status=Job.Status.RUNNING, heartbeat_at__lt=cutoff)
            # Rows from before heartbeats existed: their start is the last sign of life.
            | models.Q(status=Job.Status.RUNNING, heartbeat_at__isnull=True, started_at__lt=cutoff)
        )


class Job(models.Model):
    """Background work the browser can follow: kind, status, progress, result or error."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Finished")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=64)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.CharField(_("message"), max_length=255, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    result_file = models.CharField(_("result file"), max_length=255, blank=True)
    result_url = models.CharField(_("result link"), max_length=255, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="jobs",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    queued_at = models.DateTimeField(_("queued"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    # Stamped when a run starts and at every progress report: a running job whose heartbeat
    # is older than JOB_STALE_AFTER_SECONDS is taken to have lost its worker.
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "queued_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED}


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def for_root(self, *objects: models.Model) -> "AuditEntryQuerySet":
        """Entries shown on the History page of these records (a grant and its application)."""
        from django.contrib.contenttypes.models import ContentType

        condition = models.Q(pk__in=[])
        for obj in objects:
            condition |= models.Q(root_type=ContentType.objects.get_for_model(obj), root_id=obj.pk)
        return self.filter(condition)


class AuditEntry(models.Model):
    """One recorded change of a record of the program: who, when, what, each field before/after.

    Written explicitly by the services that change records (csa_portal.audit), never by signals,
    so bulk and set-based changes are recorded as well as edits of one row. Never changed after.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")
        TRANSITION = "transition", _("Status changed")
        BULK = "bulk", _("Bulk change")

    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_("kind of record"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Empty for a bulk entry about many records (their ids are in affected_ids).
    object_id = models.PositiveBigIntegerField(_("record id"), null=True, blank=True)
    # Kept as text: a deleted record's history still says what it was.
    object_label = models.CharField(_("record"), max_length=200)
    # The record whose History page shows this entry: a rating's assessment, a tranche's grant.
    root_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    root_id = models.PositiveBigIntegerField(null=True, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Who it was when it happened, kept if the user is later deleted.
    actor_label = models.CharField(_("who (as recorded)"), max_length=200, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)
    # {field: [before, after]}: display-friendly JSON (labels for relations, ISO dates, the
    # stored value of a choice, which the page shows in the reader's language).
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    # Fields whose values only the people allowed to see the record's confidential part may read.
    confidential_fields = models.JSONField(default=list, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    affected_ids = models.JSONField(_("affected records"), default=list, blank=True)
    affected_count = models.PositiveIntegerField(_("number of records"), default=1)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["root_type", "root_id", "-at"]),
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["actor", "-at"]),
            models.Index(fields=["-at"]),
        ]

    def __str__(self) -> str:
        return f"{self.object_label} · {self.get_action_display()} · {self.at:%Y-%m-%d %H:%M}"


class SecurityEvent(models.Model):
    """A login, a failed login, a lockout, a logout, a failed second factor or a denied access.

    Written once when it happens (one INSERT), read by admins; never edited.
    """

    class Kind(models.TextChoices):
        LOGIN = "login", _("Login")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOCKOUT = "lockout", _("Lockout")
        LOGOUT = "logout", _("Logout")
        SESSION_EXPIRED = "session_expired", _("Session expired")
        TWO_FACTOR_FAILED = "two_factor_failed", _("Failed second factor")
        TWO_FACTOR_ENROLLED = "two_factor_enrolled", _("Second factor enrolled")
        TWO_FACTOR_RESET = "two_factor_reset", _("Second factor reset")
        PASSWORD_RECHECK_FAILED = "password_recheck_failed", _("Wrong password to change the email")
        EMAIL_CHANGED = "email_changed", _("Login email changed")
        FORBIDDEN = "forbidden", _("Access denied (403)")
        NOT_FOUND = "not_found", _("Not found (404)")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="security_events",
    )
    # What was typed at the login form (or the account's email): kept even for unknown users.
    email = models.CharField(_("email"), max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=255, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-at"]
        indexes = [models.Index(fields=["kind", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.email} {self.at:%Y-%m-%d %H:%M}"


# The privacy records live in their own module; importing them here registers them.
from .privacy_models import (  # noqa: E402
    Consent,
    DataRequest,
    NoticeAcceptance,
    PrivacyNotice,
)

__all__ = [
    "AuditEntry",
    "Consent",
    "DataRequest",
    "Job",
    "NoticeAcceptance",
    "PrivacyNotice",
    "ProgramRole",
    "SecurityEvent",
    "User",
]
