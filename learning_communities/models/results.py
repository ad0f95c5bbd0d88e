"""What communities produce: shared goals, alliances, shared resources, outcomes and the
explicit collaboration records that, with the rest, form the local-system network."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.models import BilingualName, Organization, ThematicArea, Tier

from .communities import LearningCommunity


class SharedGoal(models.Model):
    """A goal the members defined together, measured by progress entries over time."""

    class Status(models.TextChoices):
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        MET = "met", _("Met")

    community = models.ForeignKey(
        LearningCommunity,
        verbose_name=_("community"),
        on_delete=models.CASCADE,
        related_name="goals",
    )
    statement = models.CharField(_("goal"), max_length=300)
    metric = models.CharField(_("metric"), max_length=200)
    baseline = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    set_on = models.DateField(_("agreed on"))
    due_on = models.DateField(_("due date"))
    co_defined_by = models.ManyToManyField(
        Organization,
        verbose_name=_("co-defined by"),
        related_name="co_defined_goals",
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("shared goal")
        verbose_name_plural = _("shared goals")
        ordering = ["community_id", "due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(target=models.F("baseline")), name="shared_goal_target_not_baseline"
            ),
            models.CheckConstraint(
                condition=Q(due_on__gt=models.F("set_on")), name="shared_goal_due_after_set"
            ),
        ]

    def __str__(self) -> str:
        return self.statement

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("learning_communities:goal", args=[self.pk])


class GoalProgress(models.Model):
    goal = models.ForeignKey(
        SharedGoal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="progress"
    )
    measured_on = models.DateField(_("measured on"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")
        ordering = ["goal_id", "measured_on", "id"]

    def __str__(self) -> str:
        return f"{self.goal}: {self.value} ({self.measured_on})"


class Alliance(models.Model):
    """An alliance or joint project of organizations of any sector, often grown from a community."""

    class Status(models.TextChoices):
        FORMING = "forming", _("Forming")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    name = models.CharField(_("name"), max_length=200, unique=True)
    objective = models.TextField(_("objective"))
    theme = models.ForeignKey(
        ThematicArea, verbose_name=_("theme"), on_delete=models.PROTECT, related_name="alliances"
    )
    states = models.JSONField(_("states"), default=list, blank=True)
    members = models.ManyToManyField(
        Organization, verbose_name=_("members"), related_name="alliances"
    )
    started_on = models.DateField(_("start"))
    ended_on = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    grew_from = models.ForeignKey(
        LearningCommunity,
        verbose_name=_("grew from community"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alliances",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("alliance or joint project")
        verbose_name_plural = _("alliances and joint projects")
        ordering = ["started_on", "name"]

    def __str__(self) -> str:
        return self.name

    def state_names(self) -> list[str]:
        from organizations.geo import MexicanState

        names = dict(MexicanState.choices)
        return [str(names.get(code, code)) for code in self.states]


class SharedResource(models.Model):
    """A methodology, data set, contact list … a member shares with its community.

    Only the community's members (and staff) see it; the file is served by a checked view.
    """

    class Kind(models.TextChoices):
        METHODOLOGY = "methodology", _("Methodology")
        DATA_SET = "data_set", _("Data set")
        CONTACT_LIST = "contact_list", _("Contact list")
        GUIDELINE = "guideline", _("Guideline")
        BEST_PRACTICE = "best_practice", _("Best practice")

    community = models.ForeignKey(
        LearningCommunity,
        verbose_name=_("community"),
        on_delete=models.CASCADE,
        related_name="resources",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("shared by"),
        on_delete=models.PROTECT,
        related_name="shared_resources",
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("shared by (login)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    shared_on = models.DateField(_("shared on"))
    file = models.CharField(_("file"), max_length=64, blank=True)  # our stored name
    file_name = models.CharField(_("file name"), max_length=255, blank=True)  # the uploaded name
    link = models.URLField(_("link"), blank=True)

    class Meta:
        verbose_name = _("shared resource")
        verbose_name_plural = _("shared resources")
        ordering = ["community_id", "-shared_on", "id"]
        constraints = [
            # A file or a link, never both nor neither.
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(link="")) | (~Q(file="") & Q(link="")),
                name="shared_resource_file_or_link",
            )
        ]

    def __str__(self) -> str:
        return self.title


class KeyIssue(BilingualName):
    """An issue outcomes are reported under (configurable in the admin)."""

    code = models.SlugField(_("code"), unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("key issue")
        verbose_name_plural = _("key issues")
        ordering = ["position", "code"]


class Outcome(models.Model):
    key_issue = models.ForeignKey(
        KeyIssue, verbose_name=_("key issue"), on_delete=models.PROTECT, related_name="outcomes"
    )
    tier = models.ForeignKey(
        Tier,
        verbose_name=_("tier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="community_outcomes",
    )
    community = models.ForeignKey(
        LearningCommunity,
        verbose_name=_("community"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outcomes",
    )
    alliance = models.ForeignKey(
        Alliance,
        verbose_name=_("alliance or joint project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outcomes",
    )
    organizations = models.ManyToManyField(
        Organization, verbose_name=_("organizations involved"), related_name="community_outcomes"
    )
    description = models.TextField(_("description"))
    occurred_on = models.DateField(_("date"))
    evidence = models.TextField(_("evidence"), blank=True)
    # Optional evidence beyond the text: a checked file (our stored name) or a link.
    evidence_file = models.CharField(_("evidence file"), max_length=64, blank=True)
    evidence_file_name = models.CharField(_("evidence file name"), max_length=255, blank=True)
    evidence_link = models.URLField(_("evidence link"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["key_issue__position", "tier__number", "occurred_on", "id"]

    def __str__(self) -> str:
        return self.description[:80]


class Collaboration(models.Model):
    """An explicit tie between two actors of the local system.

    Stored with the lower organization id first, so a pair has one row per kind.
    """

    class Kind(models.TextChoices):
        INFORMATION = "information", _("Information sharing")
        JOINT_WORK = "joint_work", _("Joint work")
        CHANNEL = "channel", _("Communication channel")
        REFERRAL = "referral", _("Referral")

    first = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    second = models.ForeignKey(
        Organization,
        verbose_name=_("other organization"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    community = models.ForeignKey(
        LearningCommunity,
        verbose_name=_("community"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="collaborations",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("collaboration")
        verbose_name_plural = _("collaborations")
        ordering = ["since", "id"]
        # The program page shows the latest ones: read from the index, not sorted each time.
        indexes = [models.Index(fields=["since", "id"], name="collaboration_since_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(first__lt=models.F("second")), name="collaboration_pair_ordered"
            ),
            models.UniqueConstraint(
                fields=["first", "second", "kind"], name="collaboration_once_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first} — {self.second} ({self.get_kind_display()})"
