"""Reads for the community and event pages, each with a fixed number of queries."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from django.db.models import Count, F, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from organizations.models import Person, Sector

from .goals import goal_status
from .models import (
    AgendaItem,
    Attendance,
    CommunityMembership,
    Event,
    Facilitator,
    GoalProgress,
    LearningCommunity,
    NetworkSnapshot,
    Outcome,
    SharedGoal,
)
from .power import power_shift


def members(community: LearningCommunity) -> list[CommunityMembership]:
    """Current members first, then those who left; by name."""
    return list(
        community.memberships.select_related("organization__tier").order_by(
            F("left_on").asc(nulls_first=True), "organization__name", "joined_on"
        )
    )


def sector_counts(memberships: list[CommunityMembership]) -> list[tuple[str, int]]:
    labels = dict(Sector.choices)
    counts = Counter(m.organization.sector for m in memberships if m.is_current)
    return [(str(labels[s]), counts[s]) for s in Sector.values if counts[s]]


def facilitators_prefetch() -> Prefetch:
    return Prefetch(
        "facilitators",
        queryset=Facilitator.objects.select_related("organization").order_by("id"),
    )


def count_per_event(rows) -> Coalesce:
    """The number of `rows` (filtered on event=OuterRef("pk")) of each event, as a subquery:
    counting two joined relations at once multiplied their rows (agenda items x attendance)
    before DISTINCT counts took them apart again."""
    return Coalesce(Subquery(rows.order_by().values("event").annotate(n=Count("*")).values("n")), 0)


def events(community: LearningCommunity) -> list[Event]:
    """The community's events with their counts and facilitators (the rotation history)."""
    return list(
        community.events.annotate(
            accepted_items=count_per_event(
                AgendaItem.objects.filter(event=OuterRef("pk"), status=AgendaItem.Status.ACCEPTED)
            ),
            attendees=count_per_event(Attendance.objects.filter(event=OuterRef("pk"))),
        )
        .prefetch_related(facilitators_prefetch())
        .order_by("-date", "-id")
    )


def goals_with_status(community: LearningCommunity, today: date | None = None) -> list[dict]:
    today = today or timezone.localdate()
    latest = GoalProgress.objects.filter(goal=OuterRef("pk")).order_by("-measured_on", "-id")
    goals = community.goals.annotate(
        latest_value=Subquery(latest.values("value")[:1]),
        latest_on=Subquery(latest.values("measured_on")[:1]),
    ).order_by("due_on", "id")
    return [{"goal": goal, "status": goal_status(goal, goal.latest_value, today)} for goal in goals]


def outcomes(queryset) -> list[Outcome]:
    return list(
        queryset.select_related("key_issue", "tier", "alliance")
        .annotate(organizations_count=Count("organizations", distinct=True))
        .order_by("-occurred_on", "-id")
    )


def snapshots_newest_first(community: LearningCommunity | None):
    """A community's network snapshots (None: the program's), the newest first."""
    return NetworkSnapshot.objects.filter(community=community).order_by("-computed_at", "-id")


def latest_snapshot(community: LearningCommunity | None) -> NetworkSnapshot | None:
    """The newest snapshot, without its full network and comparison (megabytes for the
    program): the pages show its overview and drawings."""
    return snapshots_newest_first(community).defer("data", "comparison").first()


def community_overview(community: LearningCommunity) -> dict:
    memberships = members(community)
    return {
        "memberships": memberships,
        "sectors": sector_counts(memberships),
        "events": events(community),
        "goals": goals_with_status(community),
        "alliances": list(
            community.alliances.select_related("theme")
            .annotate(members_count=Count("members", distinct=True))
            .order_by("started_on", "name")
        ),
        "resources": list(
            community.resources.select_related("organization").order_by("-shared_on", "-id")
        ),
        "outcomes": outcomes(community.outcomes.all()),
        "power_shift": power_shift(community.events.all()),
        "snapshot": latest_snapshot(community),
    }


def event_page(event: Event) -> dict:
    agenda = list(
        event.agenda_items.select_related("organization", "proposed_by", "decided_by").order_by(
            "status", "proposed_on", "id"
        )
    )
    attendance = list(
        event.attendance.select_related("organization").order_by("organization__name", "name")
    )
    by_organization: dict[str, Counter] = defaultdict(Counter)
    for row in attendance:
        by_organization[row.organization.name][row.level] += 1
    return {
        "agenda": agenda,
        "accepted": [i for i in agenda if i.status == AgendaItem.Status.ACCEPTED],
        "facilitators": list(event.facilitators.select_related("organization").order_by("id")),
        "attendance": attendance,
        "attendance_levels": [
            (Person.Level(level).label, sum(c[level] for c in by_organization.values()))
            for level in Person.Level.values
        ],
        "notes": list(event.notes.select_related("written_by").order_by("created_at", "id")),
        "follow_ups": list(
            event.follow_ups.select_related("owner__organization").order_by("due_on", "id")
        ),
    }


def member_people(event: Event) -> list[Person]:
    """People of the organizations that were members on the event's day (attendance form)."""
    member_ids = event.community.memberships.on(event.date).values("organization_id")
    return list(
        Person.objects.filter(organization_id__in=member_ids)
        .select_related("organization")
        .order_by("organization__name", "name")
    )


def attended_levels(event: Event) -> dict[int, str]:
    return dict(Attendance.objects.filter(event=event).values_list("person_id", "level"))


def goal_chart(goal: SharedGoal, entries: list[GoalProgress], labels: dict[str, str]) -> dict:
    points = [(goal.set_on, goal.baseline)] + [(e.measured_on, e.value) for e in entries]
    return {
        "labels": [d.isoformat() for d, _v in points],
        "series": [
            {"label": labels["value"], "values": [float(v) for _d, v in points]},
            {"label": labels["target"], "values": [float(goal.target)] * len(points)},
        ],
    }
