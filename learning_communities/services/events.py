"""Events: scheduling, co-designed agendas, rotating facilitation, attendance and follow-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Max, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from csa_portal.models import User
from organizations.models import Organization, Person

from ..errors import CommunityError
from ..models import (
    AgendaItem,
    Attendance,
    Event,
    EventNote,
    Facilitator,
    FollowUpAction,
    LearningCommunity,
)

EVENT_FIELDS = (
    "kind",
    "title",
    "date",
    "state",
    "municipality",
    "country",
    "city",
    "purpose",
    "host",
)


def _check_event(community: LearningCommunity, values: dict) -> None:
    day = values["date"]
    if not community.covers(day):
        raise CommunityError(
            _("The event must fall within the community's dates (%(start)s to %(end)s).")
            % {"start": community.start, "end": community.end or _("open-ended")}
        )
    kind = values["kind"]
    if values.get("country") and kind != Event.Kind.STUDY_TOUR:
        raise CommunityError(_("Only study tours take place abroad."))
    if values.get("country") and values.get("state"):
        raise CommunityError(_("An event abroad has a country and a city, not a Mexican state."))
    if kind != Event.Kind.ONLINE_FORUM and not (values.get("country") or values.get("state")):
        raise CommunityError(_("Say where the event takes place: a state, or a country abroad."))
    host = values.get("host")
    if kind == Event.Kind.SITE_VISIT:
        if host is None:
            raise CommunityError(
                _("A joint site visit needs the member whose activity is visited.")
            )
        if not community.memberships.on(day).filter(organization=host).exists():
            raise CommunityError(_("The host of a site visit must be a member of the community."))


def _event_values(fields: dict) -> dict:
    values = {name: fields.get(name) for name in EVENT_FIELDS}
    for name in ("state", "municipality", "country", "city", "purpose"):
        values[name] = (values[name] or "").strip()
    if values["kind"] != Event.Kind.SITE_VISIT:
        values["host"] = None
    if values["kind"] == Event.Kind.ONLINE_FORUM and not values["country"]:
        # An online forum takes place nowhere in particular; a state left over from an
        # edit would otherwise show as its place.
        values["state"] = values["municipality"] = ""
    return values


@transaction.atomic
def create_event(*, community: LearningCommunity, fields: dict, created_by: User | None) -> Event:
    values = _event_values(fields)
    _check_event(community, values)
    return Event.objects.create(community=community, created_by=created_by, **values)


@transaction.atomic
def update_event(*, event: Event, fields: dict) -> Event:
    """Change an event's details under the same checks as scheduling it."""
    values = _event_values(fields)
    _check_event(event.community, values)
    if values["date"] != event.date:
        members = set(
            event.community.memberships.on(values["date"]).values_list("organization_id", flat=True)
        )
        people = list(event.facilitators.values_list("organization_id", flat=True)) + list(
            event.attendance.values_list("organization_id", flat=True)
        )
        if any(org not in members for org in people):
            raise CommunityError(
                _(
                    "On that date some facilitators or attendees were not of member "
                    "organizations; change them first."
                )
            )
    for name, value in values.items():
        setattr(event, name, value)
    event.save(update_fields=list(values))
    return event


@transaction.atomic
def delete_event(*, event: Event) -> None:
    """Cancel an event: it goes with its agenda, facilitators, attendance, notes and actions."""
    event.delete()


# --- Agenda ----------------------------------------------------------------------------------


@transaction.atomic
def propose_agenda_item(
    *,
    event: Event,
    title: str,
    description: str = "",
    organization: Organization | None,
    proposed_by: User | None,
    today: date | None = None,
) -> AgendaItem:
    """`organization` None means the program proposes it. `today` is for back-dated records."""
    today = today or timezone.localdate()
    if today >= event.date:
        raise CommunityError(_("Agenda items are proposed before the event."))
    if (
        organization is not None
        and not event.community.memberships.on(today).filter(organization=organization).exists()
    ):
        raise CommunityError(_("Only member organizations propose agenda items."))
    return AgendaItem.objects.create(
        event=event,
        title=title.strip(),
        description=description.strip(),
        organization=organization,
        source=AgendaItem.source_for(organization),
        proposed_by=proposed_by,
        proposed_on=today,
    )


@transaction.atomic
def decide_agenda_item(
    *, item: AgendaItem, accept: bool, reason: str = "", decided_by: User | None
) -> AgendaItem:
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if item.status != AgendaItem.Status.PROPOSED:
        raise CommunityError(_("This agenda item was already decided."))
    if not accept and not reason.strip():
        raise CommunityError(_("Say why the item is declined."))
    item.status = AgendaItem.Status.ACCEPTED if accept else AgendaItem.Status.DECLINED
    item.decline_reason = "" if accept else reason.strip()
    item.decided_by = decided_by
    item.decided_at = timezone.now()
    item.save(update_fields=["status", "decline_reason", "decided_by", "decided_at"])
    return item


# --- Facilitation ----------------------------------------------------------------------------


def previous_facilitators(event: Event) -> set[int]:
    """Ids of the people who facilitated the community's event just before this one."""
    previous = (
        Event.objects.filter(community_id=event.community_id, facilitators__isnull=False)
        .filter(date__lt=event.date)
        .order_by("-date", "-id")
        .first()
    )
    if previous is None:
        return set()
    return set(previous.facilitators.values_list("person_id", flat=True))


@transaction.atomic
def add_facilitator(*, event: Event, person: Person) -> Facilitator:
    community = event.community
    if not (
        community.memberships.on(event.date).filter(organization_id=person.organization_id).exists()
    ):
        raise CommunityError(
            _("%(person)s's organization is not a member of the community.")
            % {"person": person.name}
        )
    if event.facilitators.filter(person=person).exists():
        raise CommunityError(_("%(person)s already facilitates this event.") % {"person": person})
    if person.pk in previous_facilitators(event):
        raise CommunityError(
            _("%(person)s facilitated the previous event: facilitation rotates.")
            % {"person": person.name}
        )
    return Facilitator.objects.create(
        event=event, person=person, name=person.name, organization_id=person.organization_id
    )


@transaction.atomic
def remove_facilitator(*, facilitator: Facilitator) -> None:
    facilitator.delete()


@dataclass(frozen=True)
class Suggestion:
    person: Person
    organization_last: date | None  # when the person's organization last facilitated
    person_last: date | None  # when the person last facilitated


def _loaded(model, db: str, **values):
    """The instance `.only(*values)` would have read: the other fields deferred (read from
    the database if ever used), not left at their defaults."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(db, names, [values[name] for name in names])


def _last_turns(facilitations) -> tuple[dict[int, date], dict[int, date]]:
    """When each organization and each person last facilitated: one grouped read by
    (organization, person), then the latest date of each organization and of each person."""
    org_last: dict[int, date] = {}
    person_last: dict[int, date] = {}
    rows = (
        facilitations.values("organization_id", "person_id")
        .annotate(last=Max("event__date"))
        .values_list("organization_id", "person_id", "last")
    )
    for organization_id, person_id, last in rows:
        if last > org_last.get(organization_id, date.min):
            org_last[organization_id] = last
        if person_id is not None and last > person_last.get(person_id, date.min):
            person_last[person_id] = last
    return org_last, person_last


def suggest_facilitators(
    *, community: LearningCommunity, on: date, limit: int = 3
) -> list[Suggestion]:
    """People of member organizations, least recent organizations first; one per organization.

    Never the people who facilitated the community's previous event (before `on`), so nobody
    facilitates twice in a row. Organizations that never facilitated come first, then those
    whose last turn is longest ago; within an organization, the person whose turn is oldest.
    Ties go by name, so the order is stable. Three queries.
    """
    earlier = Facilitator.objects.filter(event__community=community, event__date__lt=on)
    org_last, person_last = _last_turns(earlier)
    last_event = (
        Event.objects.filter(community=community, date__lt=on, facilitators__isnull=False)
        .order_by("-date", "-id")
        .values("pk")[:1]
    )
    just_facilitated = set(
        Facilitator.objects.filter(event_id=Subquery(last_event)).values_list(
            "person_id", flat=True
        )
    )
    # Every person of every member organization is ranked to pick a few: read only what the
    # ranking and the suggestion show, as plain rows (whole rows, then a person and an
    # organization instance a row, were most of this function's cost), and make instances
    # of the few suggested. The members by subquery: a list of ids made PostgreSQL hash every
    # organization to join them.
    people = Person.objects.filter(
        organization_id__in=community.memberships.on(on).values("organization_id")
    ).values_list(
        "organization_id", "organization__name", "name", "pk", "user_id", "organization__sector"
    )
    never = date.min

    def rank(row: tuple) -> tuple:
        organization_id, organization_name, name, pk = row[:4]
        return (
            org_last.get(organization_id) or never,
            person_last.get(pk) or never,
            organization_name,
            name,
            pk,
        )

    suggestions: list[Suggestion] = []
    seen: set[int] = set()
    for row in sorted(people, key=rank):
        organization_id, organization_name, name, pk, user_id, sector = row
        if pk in just_facilitated or organization_id in seen:
            continue
        seen.add(organization_id)
        person = _loaded(
            Person, people.db, id=pk, name=name, user_id=user_id, organization_id=organization_id
        )
        person.organization = _loaded(
            Organization, people.db, id=organization_id, name=organization_name, sector=sector
        )
        suggestions.append(
            Suggestion(
                person=person,
                organization_last=org_last.get(organization_id),
                person_last=person_last.get(pk),
            )
        )
        if len(suggestions) == limit:
            break
    return suggestions


# --- Attendance ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceEntry:
    person: Person
    level: str = ""  # empty: the person's current level


@transaction.atomic
def record_attendance(*, event: Event, entries: list[AttendanceEntry]) -> int:
    """Set the whole event's attendance at once (bulk entry): who is not listed did not attend.

    Refused, with nothing saved, when someone is not of an organization that was a member on
    the day of the event.
    """
    members = set(
        event.community.memberships.on(event.date).values_list("organization_id", flat=True)
    )
    outsiders = [e.person.name for e in entries if e.person.organization_id not in members]
    if outsiders:
        raise CommunityError(
            _("Not from a member organization: %(people)s. Nothing was saved.")
            % {"people": ", ".join(sorted(outsiders))}
        )
    levels = set(Person.Level.values)
    Attendance.objects.filter(event=event).delete()
    rows = {
        e.person.pk: Attendance(
            event=event,
            person=e.person,
            name=e.person.name,
            organization_id=e.person.organization_id,
            level=e.level if e.level in levels else e.person.level,
        )
        for e in entries
    }
    Attendance.objects.bulk_create(rows.values())
    return len(rows)


# --- Notes, decisions, follow-up -------------------------------------------------------------


@transaction.atomic
def add_note(*, event: Event, kind: str, text: str, written_by: User | None) -> EventNote:
    if not text.strip():
        raise CommunityError(_("Write the note or decision."))
    return EventNote.objects.create(
        event=event, kind=kind, text=text.strip(), written_by=written_by
    )


@transaction.atomic
def add_follow_up(*, event: Event, description: str, owner: Person, due_on: date) -> FollowUpAction:
    if not (
        event.community.memberships.current().filter(organization_id=owner.organization_id).exists()
    ):
        raise CommunityError(_("The owner must be a person of a member organization."))
    if due_on < event.date:
        raise CommunityError(_("A follow-up action is due after the event."))
    return FollowUpAction.objects.create(
        event=event,
        description=description.strip(),
        owner=owner,
        owner_name=owner.name,
        due_on=due_on,
    )


@transaction.atomic
def set_follow_up_status(*, action: FollowUpAction, status: str) -> FollowUpAction:
    if status not in FollowUpAction.Status.values:
        raise CommunityError(_("Unknown status."))
    action.status = status
    action.save(update_fields=["status"])
    return action
