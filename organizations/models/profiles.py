from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from csa_portal.languages import in_spanish

from ..geo import MexicanState
from ..validators import validate_cluni, validate_rfc


class BilingualName(models.Model):
    """Reference rows named in both languages; str() follows the active language."""

    name_en = models.CharField(_("name (English)"), max_length=120)
    name_es = models.CharField(_("name (Spanish)"), max_length=120)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name_es if in_spanish() else self.name_en


class Tier(BilingualName):
    """A configurable group of participating CSOs (the program had Tiers 1-3)."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        ordering = ["number"]


class ThematicArea(BilingualName):
    """A theme (crime and violence prevention, justice reform, human rights) or a sub-theme."""

    code = models.SlugField(_("code"), unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("theme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subthemes",
    )

    class Meta:
        verbose_name = _("thematic area")
        verbose_name_plural = _("thematic areas")
        # Each theme followed by its sub-themes.
        ordering = [Coalesce("parent_id", "id").asc(), F("parent_id").asc(nulls_first=True), "code"]


class Population(BilingualName):
    code = models.SlugField(_("code"), unique=True)

    class Meta:
        verbose_name = _("population served")
        verbose_name_plural = _("populations served")
        ordering = ["code"]


class Sector(models.TextChoices):
    CSO = "cso", _("Civil society organization")
    GOVERNMENT = "government", _("Government")
    PRIVATE = "private", _("Private sector")
    UNIVERSITY = "university", _("University")
    MEDIA = "media", _("Media")
    DONOR = "donor", _("Donor")
    OTHER = "other", _("Other")


class ParticipationStatus(models.TextChoices):
    PROSPECTIVE = "prospective", _("Prospective")
    ACTIVE = "active", _("Active")
    GRADUATED = "graduated", _("Graduated")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    NOT_PARTICIPATING = "none", _("Not a participant")


class LegalForm(models.TextChoices):
    AC = "ac", _("Civil association (A.C.)")
    IAP = "iap", _("Private assistance institution (I.A.P.)")
    ABP = "abp", _("Private welfare association (A.B.P.)")
    SC = "sc", _("Civil society (S.C.)")
    OTHER = "other", _("Other")
    NONE = "none", _("Not incorporated")


class StaffRange(models.TextChoices):
    R0 = "0-5", _("0 to 5 people")
    R1 = "6-20", _("6 to 20 people")
    R2 = "21-50", _("21 to 50 people")
    R3 = "51+", _("More than 50 people")


class BudgetRange(models.TextChoices):
    B0 = "<1m", _("Under MXN 1 million")
    B1 = "1-5m", _("MXN 1 to 5 million")
    B2 = "5-20m", _("MXN 5 to 20 million")
    B3 = "20m+", _("Over MXN 20 million")


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def csos(self) -> OrganizationQuerySet:
        return self.filter(sector=Sector.CSO)

    def participating(self) -> OrganizationQuerySet:
        return self.filter(tier__isnull=False)

    def matching(self, text: str) -> OrganizationQuerySet:
        """A person's search: part of the name, acronym or municipality, or the exact RFC."""
        text = text.strip()
        if not text:
            return self
        return self.filter(
            models.Q(name__icontains=text)
            | models.Q(acronym__icontains=text)
            | models.Q(municipality__icontains=text)
            | models.Q(rfc__iexact=text)
        )

    def visible_to(self, user) -> OrganizationQuerySet:
        """Staff see every organization; everyone else only those they belong to."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_program_staff:
            return self
        return self.filter(memberships__user=user, memberships__is_active=True).distinct()

    def for_directory(self) -> OrganizationQuerySet:
        # A correlated count, not a grouped join: PostgreSQL evaluates it only for the page's
        # rows after LIMIT, and the paginator's COUNT(*) drops it (a grouped join over every
        # organization and person cost 200-400 ms per page at 10,000 organizations).
        people = (
            Person.objects.filter(organization=OuterRef("pk"))
            .order_by()
            .values("organization")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return self.select_related("tier").annotate(
            people_count=Coalesce(Subquery(people, output_field=IntegerField()), 0)
        )

    def with_membership_of(self, user) -> OrganizationQuerySet:
        leader = Membership.objects.filter(
            organization=OuterRef("pk"), user=user, role=Membership.Role.LEADER, is_active=True
        )
        return self.annotate(user_is_leader=Exists(leader))


class Organization(models.Model):
    """Any actor of the local system: a CSO or a stakeholder, told apart by sector."""

    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    sector = models.CharField(
        _("sector"), max_length=16, choices=Sector.choices, default=Sector.CSO
    )

    # Program-controlled: only staff change these.
    tier = models.ForeignKey(
        Tier,
        verbose_name=_("tier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
    )
    status = models.CharField(
        _("participation status"),
        max_length=16,
        choices=ParticipationStatus.choices,
        default=ParticipationStatus.NOT_PARTICIPATING,
    )
    participation_start = models.DateField(_("participation start"), null=True, blank=True)
    participation_end = models.DateField(_("participation end"), null=True, blank=True)

    legal_form = models.CharField(
        _("legal form"), max_length=8, choices=LegalForm.choices, default=LegalForm.AC
    )
    rfc = models.CharField(
        _("RFC"),
        max_length=13,
        blank=True,
        validators=[validate_rfc],
        help_text=_("Federal taxpayer registry code, e.g. ABC010203XY1."),
    )
    cluni = models.CharField(_("CLUNI"), max_length=20, blank=True, validators=[validate_cluni])
    authorized_donee = models.BooleanField(_("authorized donee"), default=False)
    founded = models.PositiveSmallIntegerField(_("year founded"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=MexicanState.choices)
    municipality = models.CharField(_("municipality"), max_length=120, blank=True)
    thematic_areas = models.ManyToManyField(
        ThematicArea, verbose_name=_("thematic areas"), blank=True, related_name="organizations"
    )
    populations = models.ManyToManyField(
        Population, verbose_name=_("populations served"), blank=True, related_name="organizations"
    )
    staff_range = models.CharField(_("staff"), max_length=8, choices=StaffRange.choices, blank=True)
    budget_range = models.CharField(
        _("annual budget"), max_length=8, choices=BudgetRange.choices, blank=True
    )
    mission = models.TextField(_("mission"), blank=True)
    email = models.EmailField(_("contact email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    PROGRAM_FIELDS = ("tier", "status", "participation_start", "participation_end")

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["sector", "state"]),
            models.Index(fields=["status"]),
            # The directory's default order: its first page reads 50 index entries instead of
            # sorting every organization.
            models.Index(fields=["name", "id"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["rfc"], condition=~Q(rfc=""), name="organization_rfc_unique"
            ),
            models.CheckConstraint(
                condition=Q(participation_end__isnull=True)
                | Q(participation_start__isnull=True)
                | Q(participation_end__gte=models.F("participation_start")),
                name="organization_participation_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("organizations:detail", args=[self.pk])

    def missing_profile_fields(self) -> list[str]:
        """Profile fields a leader should fill in; shown as 'needs your attention'."""
        wanted = ["mission", "email", "municipality", "staff_range", "budget_range"]
        if self.sector == Sector.CSO:
            wanted += ["rfc"]
        return [str(self._meta.get_field(f).verbose_name) for f in wanted if not getattr(self, f)]


class Person(models.Model):
    """A contact of an organization, optionally linked to a login."""

    class Level(models.TextChoices):
        LEADERSHIP = "leadership", _("Leadership")
        MANAGEMENT = "management", _("Management")
        STAFF = "staff", _("Staff")
        VOLUNTEER = "volunteer", _("Volunteer")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="people",
    )
    name = models.CharField(_("name"), max_length=150)
    position = models.CharField(_("position"), max_length=120, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.STAFF)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person_records",
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["organization_id", "name"]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True)

    def leaders(self) -> MembershipQuerySet:
        return self.filter(role=Membership.Role.LEADER)


class Membership(models.Model):
    """Ties a login to an organization with a role."""

    class Role(models.TextChoices):
        LEADER = "leader", _("CSO leader")
        MEMBER = "member", _("CSO member")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization} ({self.get_role_display()})"


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def usable(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """A single-use, expiring link that lets an invited person join an organization."""

    email = models.EmailField(_("email"))
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    role = models.CharField(_("role"), max_length=16, choices=Membership.Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"

    @staticmethod
    def hash_token(token: str) -> str:
        # Only the hash is stored, so a database leak does not leak usable links.
        return hashlib.sha256(token.encode()).hexdigest()


class OrganizationChange(models.Model):
    """One saved edit of an organization's profile: who, when, and each field's old and new value.

    Written explicitly by the services (not by signals), so set-based and imported changes are
    recorded the same way as edits in the browser.
    """

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="changes",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    # {field_name: [old, new]} with JSON values: ids for relations, ISO text for dates.
    changes = models.JSONField(_("changes"), default=dict)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("profile change")
        verbose_name_plural = _("profile changes")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["organization", "-changed_at"])]

    def __str__(self) -> str:
        return f"{self.organization} · {self.changed_at:%Y-%m-%d %H:%M}"
