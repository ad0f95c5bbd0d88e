"""Learning Communities and the organizations that take part in them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from organizations.geo import MexicanState
from organizations.models import Membership, Organization, ThematicArea, Tier


class CommunityQuerySet(models.QuerySet["LearningCommunity"]):
    def visible_to(self, user) -> CommunityQuerySet:
        """Staff see every community; a CSO person those their organizations belong to now."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_program_staff:
            return self
        return self.filter(pk__in=CommunityMembership.objects.for_user(user).values("community"))

    def active(self) -> CommunityQuerySet:
        return self.filter(status=LearningCommunity.Status.ACTIVE)

    def with_next_event(self, today) -> CommunityQuerySet:
        """next_event: the date of each community's first event from today on, read from the
        (community, date) index for the rows kept (a MIN over a join of the events grouped
        every event of the program before a LIMIT could keep ten communities)."""
        from .events import Event  # events.py imports this module

        upcoming = Event.objects.filter(community=OuterRef("pk"), date__gte=today)
        return self.annotate(next_event=Subquery(upcoming.order_by("date").values("date")[:1]))

    def with_counts(self) -> CommunityQuerySet:
        """members_count (current members) and events_count, one counting subquery each:
        joining memberships and events together multiplied their rows before DISTINCT counts
        (490 ms for the community list at 10,000 organizations). COUNT(*), not of the ids:
        PostgreSQL then counts from an index alone (the open-membership unique index, the
        events' (community, date) index) without reading the rows."""
        from .events import Event  # events.py imports this module

        def count_of(rows) -> Coalesce:
            rows = rows.order_by().values("community").annotate(n=Count("*")).values("n")
            return Coalesce(Subquery(rows), 0)

        return self.annotate(
            members_count=count_of(
                CommunityMembership.objects.filter(community=OuterRef("pk"), left_on__isnull=True)
            ),
            events_count=count_of(Event.objects.filter(community=OuterRef("pk"))),
        )


class LearningCommunity(models.Model):
    """CSOs and other local actors who set an agenda together, visit and learn from each other."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    tier = models.ForeignKey(
        Tier,
        verbose_name=_("tier focus"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="learning_communities",
    )
    # MexicanState codes: a community usually spans a few states.
    states = models.JSONField(_("states"), default=list, blank=True)
    theme = models.ForeignKey(
        ThematicArea,
        verbose_name=_("theme"),
        on_delete=models.PROTECT,
        related_name="learning_communities",
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("learning community")
        verbose_name_plural = _("learning communities")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="community_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("learning_communities:detail", args=[self.pk])

    def state_names(self) -> list[str]:
        names = dict(MexicanState.choices)
        return [str(names.get(code, code)) for code in self.states]

    def covers(self, day) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


class CommunityMembershipQuerySet(models.QuerySet["CommunityMembership"]):
    def current(self) -> CommunityMembershipQuerySet:
        return self.filter(left_on__isnull=True)

    def on(self, day) -> CommunityMembershipQuerySet:
        """Memberships in force on a day: joined by then and not yet left."""
        return self.filter(Q(left_on__isnull=True) | Q(left_on__gt=day), joined_on__lte=day)

    def for_user(self, user, *, leaders_only: bool = False) -> CommunityMembershipQuerySet:
        """Current memberships of the organizations this user belongs to in the portal."""
        portal = Membership.objects.active().filter(user=user)
        if leaders_only:
            portal = portal.leaders()
        return self.current().filter(organization__in=portal.values("organization"))


class CommunityMembership(models.Model):
    """An organization of any sector taking part in a community, with its role and dates."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        CO_FACILITATOR = "co_facilitator", _("Co-facilitator")
        EXPERT = "expert", _("Expert")
        OBSERVER = "observer", _("Observer")

    community = models.ForeignKey(
        LearningCommunity,
        verbose_name=_("community"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="community_memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField(_("joined"))
    left_on = models.DateField(_("left"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CommunityMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("community member")
        verbose_name_plural = _("community members")
        ordering = ["community_id", "organization__name"]
        constraints = [
            # Rejoining after leaving is a new row; two open rows at once are not allowed.
            models.UniqueConstraint(
                fields=["community", "organization"],
                condition=Q(left_on__isnull=True),
                name="community_membership_one_active",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="community_membership_dates_ordered",
            ),
        ]
        indexes = [models.Index(fields=["organization", "left_on"])]

    def __str__(self) -> str:
        return f"{self.organization} · {self.community} ({self.get_role_display()})"

    @property
    def is_current(self) -> bool:
        return self.left_on is None
