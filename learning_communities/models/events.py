"""Community events and what happens at them: co-designed agendas, rotating facilitators,
attendance, notes, decisions and follow-up actions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.geo import MexicanState
from organizations.models import Organization, Person, Sector

from .communities import LearningCommunity


class Event(models.Model):
    class Kind(models.TextChoices):
        SESSION = "session", _("Session")
        SITE_VISIT = "site_visit", _("Joint site visit")
        STUDY_TOUR = "study_tour", _("Study tour")
        WORKSHOP = "workshop", _("Workshop")
        ONLINE_FORUM = "online_forum", _("Online forum")

    community = models.ForeignKey(
        LearningCommunity,
        verbose_name=_("community"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.SESSION)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    # In Mexico: state and municipality. Abroad (study tours only): country and city.
    state = models.CharField(_("state"), max_length=8, choices=MexicanState.choices, blank=True)
    municipality = models.CharField(_("municipality"), max_length=120, blank=True)
    country = models.CharField(
        _("country"), max_length=80, blank=True, help_text=_("Only for study tours abroad.")
    )
    city = models.CharField(_("city"), max_length=120, blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    host = models.ForeignKey(
        Organization,
        verbose_name=_("host organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_events",
        help_text=_("For a joint site visit: the member whose activity is visited."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["community", "date"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.date})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("learning_communities:event", args=[self.pk])

    @property
    def is_abroad(self) -> bool:
        return bool(self.country)

    def place(self) -> str:
        if self.country:
            return ", ".join(p for p in (self.city, self.country) if p)
        if self.state:
            return ", ".join(p for p in (self.municipality, self.get_state_display()) if p)
        return ""


class AgendaItem(models.Model):
    """A proposed agenda point; staff or the event's facilitators accept or decline it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    class Source(models.TextChoices):
        CSO = "cso", _("A CSO")
        OTHER_MEMBER = "other_member", _("Another member")
        PROGRAM = "program", _("The program")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # Who proposed it: an organization (its sector gives the source) or the program (none).
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by (login)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_on = models.DateField(_("proposed on"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["event_id", "proposed_on", "id"]
        indexes = [models.Index(fields=["status", "source"])]

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def source_for(organization: Organization | None) -> str:
        if organization is None:
            return AgendaItem.Source.PROGRAM
        if organization.sector == Sector.CSO:
            return AgendaItem.Source.CSO
        return AgendaItem.Source.OTHER_MEMBER


class Facilitator(models.Model):
    """A person of a member organization who facilitates (or co-facilitates) an event."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="facilitators"
    )
    # The name is kept so the rotation history survives removing the person from the
    # organization's contacts (the link is then cleared).
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="facilitations",
    )
    name = models.CharField(_("name"), max_length=150)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="facilitations",
    )

    class Meta:
        verbose_name = _("facilitator")
        verbose_name_plural = _("facilitators")
        ordering = ["event_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="facilitator_once_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organization})"


class Attendance(models.Model):
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="attendance"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="attendance",
    )
    name = models.CharField(_("name"), max_length=150)  # kept if the person is removed
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="event_attendance",
    )
    # The level at the time of the event (a person's level may change later).
    level = models.CharField(_("level"), max_length=16, choices=Person.Level.choices)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["event_id", "organization_id", "person_id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="attendance_once_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.event}"


class EventNote(models.Model):
    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        DECISION = "decision", _("Decision")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="notes"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.NOTE)
    text = models.TextField(_("text"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("note or decision")
        verbose_name_plural = _("notes and decisions")
        ordering = ["event_id", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class FollowUpAction(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    description = models.TextField(_("description"))
    owner = models.ForeignKey(
        Person,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="follow_ups",
    )
    owner_name = models.CharField(_("owner"), max_length=150)  # kept if the person is removed
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["event_id", "due_on", "id"]

    def __str__(self) -> str:
        return self.description[:60]
