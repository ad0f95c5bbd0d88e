"""The learning communities' part of the privacy registries (csa_portal.privacy).

What they show: a member organization's profile page lists the people of that organization
who consented to COMMUNITY_DIRECTORY (name, position, email), and nobody else.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from csa_portal.models import User
from csa_portal.privacy import (
    COMMUNITY_DIRECTORY,
    Kept,
    register_anonymizer,
    register_personal_data,
)
from csa_portal.privacy_services import consenting_users
from organizations.models import Organization, Person

from .models import AgendaItem, Attendance, EventNote, Facilitator, FollowUpAction


def listed_people(organization: Organization) -> QuerySet[Person]:
    """The organization's people who agreed to be listed on community pages (one query)."""
    return (
        Person.objects.filter(
            organization=organization,
            user__is_active=True,
            user__in=consenting_users(COMMUNITY_DIRECTORY),
        )
        .only("name", "position", "email")
        .order_by("name")
    )


def collect(user: User) -> dict[str, list[dict]]:
    people = Person.objects.filter(user=user).values("pk")
    return {
        "attendance": list(
            Attendance.objects.filter(person__in=people).values(
                "event__title", "event__date", "organization__name", "name", "level"
            )
        ),
        "facilitations": list(
            Facilitator.objects.filter(person__in=people).values(
                "event__title", "event__date", "name"
            )
        ),
        "agenda_items_proposed": list(
            AgendaItem.objects.filter(proposed_by=user).values(
                "event__title", "title", "description", "proposed_on", "status"
            )
        ),
        "event_notes_written": list(
            EventNote.objects.filter(written_by=user).values("event__title", "text", "created_at")
        ),
        "follow_ups_owned": list(
            FollowUpAction.objects.filter(owner__in=people).values(
                "event__title", "description", "owner_name", "due_on", "status"
            )
        ),
    }


def anonymize(*, user: User, token: str) -> list[Kept]:
    people = Person.objects.filter(user=user).values("pk")
    attendance = Attendance.objects.filter(person__in=people).update(name=token)
    facilitations = Facilitator.objects.filter(person__in=people).update(name=token)
    follow_ups = FollowUpAction.objects.filter(owner__in=people).update(owner_name=token)
    proposed = AgendaItem.objects.filter(proposed_by=user).update(proposed_by=None)
    notes = EventNote.objects.filter(written_by=user).count()
    return [
        Kept(
            section=_("Event attendance"),
            records=attendance,
            action=Kept.ANONYMIZED,
            reason=_(
                "The name was replaced by a code; organization and level are kept for the "
                "program's attendance figures."
            ),
        ),
        Kept(
            section=_("Event facilitation"),
            records=facilitations,
            action=Kept.ANONYMIZED,
            reason=_("The name was replaced by a code; kept for the facilitation rotation."),
        ),
        Kept(
            section=_("Follow-up actions"),
            records=follow_ups,
            action=Kept.ANONYMIZED,
            reason=_("The owner's name was replaced by a code."),
        ),
        Kept(
            section=_("Agenda items proposed"),
            records=proposed,
            action=Kept.DETACHED,
            reason=_(
                "Kept without the login that proposed them: they belong to the community's "
                "agenda and count for the share of items proposed by CSOs."
            ),
        ),
        Kept(
            section=_("Event notes written"),
            records=notes,
            action=Kept.DETACHED,
            reason=_(
                "The community's record of its events is kept; its author now shows as a code."
            ),
        ),
    ]


def register() -> None:
    register_personal_data(name="learning_communities", collect=collect, order=20)
    register_anonymizer(name="learning_communities", anonymize=anonymize, order=20)
