"""The content of the community report and of the program results report.

Built by the report jobs in the language of whoever asked, stored as JSON with the report (so
a report reads the same later, whatever changed since), and rendered as a page, a PDF and an
XLSX workbook. Every section is read with a fixed number of queries.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.geo import MexicanState
from organizations.models import Assessment, Organization, Person, Sector, Tier

from . import network
from .goals import goal_status
from .models import (
    AgendaItem,
    Alliance,
    Attendance,
    Event,
    GoalProgress,
    LearningCommunity,
    Outcome,
    SharedGoal,
    SharedResource,
)
from .power import power_shift

Progress = Callable[[int, str], None]


def _no_progress(percent: int, message: str = "") -> None:
    return None


def _text(value) -> str:
    return "" if value is None else str(value)


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _state_names(codes: list[str]) -> list[str]:
    names = dict(MexicanState.choices)
    return [str(names.get(code, code)) for code in codes]


def _power_rows(rows: list[dict]) -> list[dict]:
    return [
        {
            **row,
            "agenda_share": _text(row["agenda_share"]),
            "facilitation_share": _text(row["facilitation_share"]),
        }
        for row in rows
    ]


TOP_ACTORS = 10


def _network_section(community: LearningCommunity | None, start: date, end: date) -> dict:
    # Only the end date's actors are listed with their betweenness: the start date gives
    # counts, components and the drawing, so its (costly) betweenness is not computed.
    before = network.compute(start, community, with_betweenness=False)
    after = network.compute(end, community)
    union = {a["id"] for a in before["actors"] + after["actors"]}
    layout_actors = network.drawing_layout(after, before)
    sectors = dict(Sector.choices)
    return {
        "start": before["summary"],
        "end": after["summary"],
        "comparison": network.compare(before, after),
        "svg_start": network.draw_svg(before, layout_actors=layout_actors),
        "svg_end": network.draw_svg(after, layout_actors=layout_actors),
        "drawn_actors": len(layout_actors),
        "all_actors": len(union),
        "betweenness_pivots": after["betweenness_pivots"],
        # The page and the PDF show the first TOP_ACTORS; the workbook lists every actor.
        "top_actors": [
            {
                **{k: a[k] for k in ("name", "degree", "betweenness")},
                "sector": str(sectors[a["sector"]]),
            }
            for a in after["actors"][:TOP_ACTORS]
        ],
        "actors": [
            [a["name"], str(sectors[a["sector"]]), a["degree"], a["betweenness"]]
            for a in after["actors"]
        ],
    }


# --- Community report ------------------------------------------------------------------------


def community_report(
    community: LearningCommunity, start: date, end: date, progress: Progress = _no_progress
) -> dict:
    sectors = dict(Sector.choices)
    progress(5, _("Members"))
    memberships = list(
        community.memberships.filter(
            Q(left_on__isnull=True) | Q(left_on__gte=start), joined_on__lte=end
        )
        .select_related("organization")
        .order_by("organization__name")
    )
    sector_counts = Counter(m.organization.sector for m in memberships)

    progress(15, _("Events and attendance"))
    events = community.events.filter(date__gte=start, date__lte=end)
    event_rows = list(
        events.annotate(
            attendees=Count("attendance", distinct=True),
            accepted_items=Count(
                "agenda_items",
                filter=Q(agenda_items__status=AgendaItem.Status.ACCEPTED),
                distinct=True,
            ),
        )
        .prefetch_related("facilitators__organization")
        .order_by("date", "id")
    )
    kinds = Counter(e.kind for e in event_rows)
    attendance = defaultdict(Counter)
    for name, level, total in (
        Attendance.objects.filter(event__in=events)
        .values_list("organization__name", "level")
        .annotate(total=Count("id"))
    ):
        attendance[name][level] += total

    progress(30, _("Goals, alliances, resources and outcomes"))
    as_of = min(end, timezone.localdate())
    goals = []
    progress_rows = defaultdict(list)
    for entry in GoalProgress.objects.filter(
        goal__community=community, measured_on__lte=end
    ).order_by("measured_on", "id"):
        progress_rows[entry.goal_id].append(entry)
    for goal in community.goals.filter(set_on__lte=end).order_by("due_on", "id"):
        entries = progress_rows[goal.pk]
        latest = entries[-1].value if entries else None
        goals.append(
            {
                "statement": goal.statement,
                "metric": goal.metric,
                "baseline": str(goal.baseline),
                "target": str(goal.target),
                "latest": _text(latest),
                "due": _day(goal.due_on),
                "status": str(SharedGoal.Status(goal_status(goal, latest, as_of)).label),
                "progress": [[_day(e.measured_on), str(e.value)] for e in entries],
            }
        )
    alliances = _alliance_rows(
        community.alliances.filter(started_on__gte=start, started_on__lte=end)
    )
    resources = list(
        community.resources.filter(shared_on__gte=start, shared_on__lte=end)
        .select_related("organization")
        .order_by("shared_on", "id")
    )
    resource_kinds = dict(SharedResource.Kind.choices)
    outcomes = _outcome_rows(
        community.outcomes.filter(occurred_on__gte=start, occurred_on__lte=end)
    )

    progress(50, _("Network at the start and the end of the period"))
    network_section = _network_section(community, start, end)

    progress(70, _("Capacity scores"))
    capacity = capacity_change([m.organization_id for m in memberships], end)

    levels = Person.Level.values
    return {
        "kind": "community",
        "community": {
            "id": community.pk,
            "name": community.name,
            "tier": _text(community.tier),
            "theme": _text(community.theme),
            "states": community.state_names(),
            "start": _day(community.start),
            "end": _day(community.end),
            "status": str(community.get_status_display()),
        },
        "period": {"start": _day(start), "end": _day(end)},
        "members": [
            {
                "name": m.organization.name,
                "sector": str(sectors[m.organization.sector]),
                "role": str(m.get_role_display()),
                "joined": _day(m.joined_on),
                "left": _day(m.left_on),
            }
            for m in memberships
        ],
        "sectors": [[str(sectors[s]), sector_counts[s]] for s in Sector.values if sector_counts[s]],
        "events_by_kind": [
            [str(label), kinds[value]] for value, label in Event.Kind.choices if kinds[value]
        ],
        "events": [
            {
                "date": _day(e.date),
                "title": e.title,
                "kind": str(e.get_kind_display()),
                "place": e.place(),
                "facilitators": [f"{f.name} ({f.organization.name})" for f in e.facilitators.all()],
                "attendees": e.attendees,
                "accepted_items": e.accepted_items,
            }
            for e in event_rows
        ],
        "attendance_levels": [str(Person.Level(level).label) for level in levels],
        "attendance": [
            {
                "organization": name,
                "levels": [counts[level] for level in levels],
                "total": sum(counts.values()),
            }
            for name, counts in sorted(attendance.items())
        ],
        "power_shift": _power_rows(power_shift(events)),
        "goals": goals,
        "alliances": alliances,
        "resources": [
            {
                "title": r.title,
                "kind": str(resource_kinds[r.kind]),
                "organization": r.organization.name,
                "shared_on": _day(r.shared_on),
            }
            for r in resources
        ],
        "resources_by_kind": [
            [str(label), sum(1 for r in resources if r.kind == value)]
            for value, label in SharedResource.Kind.choices
            if any(r.kind == value for r in resources)
        ],
        "outcomes": outcomes,
        "network": network_section,
        "capacity": capacity,
    }


def _alliance_rows(queryset) -> list[dict]:
    sectors = dict(Sector.choices)
    alliances = list(
        queryset.select_related("theme", "grew_from")
        .prefetch_related("members")
        .order_by("started_on", "name")
    )
    return [
        {
            "name": a.name,
            "objective": a.objective,
            "theme": _text(a.theme),
            "states": a.state_names(),
            "started": _day(a.started_on),
            "status": str(a.get_status_display()),
            "grew_from": a.grew_from.name if a.grew_from else "",
            "members": sorted(m.name for m in a.members.all()),
            "sectors": [
                [str(sectors[s]), n]
                for s, n in sorted(
                    Counter(m.sector for m in a.members.all()).items(),
                    key=lambda item: Sector.values.index(item[0]),
                )
            ],
        }
        for a in alliances
    ]


def _outcome_rows(queryset) -> list[dict]:
    rows = list(
        queryset.select_related("key_issue", "tier", "community", "alliance")
        .prefetch_related("organizations")
        .order_by("key_issue__position", "tier__number", "occurred_on", "id")
    )
    return [
        {
            "key_issue": str(o.key_issue),
            "tier": _text(o.tier),
            "community": o.community.name if o.community else "",
            "alliance": o.alliance.name if o.alliance else "",
            "description": o.description,
            "date": _day(o.occurred_on),
            "organizations": sorted(org.name for org in o.organizations.all()),
        }
        for o in rows
    ]


def capacity_change(organization_ids: list[int], end: date) -> list[dict]:
    """Per organization and instrument: the first and the latest validated overall score up
    to `end`, where both exist and differ in date. One query."""
    rows = (
        Assessment.objects.validated()
        .filter(
            organization_id__in=organization_ids, assessed_on__lte=end, overall_score__isnull=False
        )
        .select_related("organization", "framework")
        .order_by("organization__name", "framework__code", "assessed_on", "id")
    )
    first_last: dict[tuple, list[Assessment]] = {}
    for assessment in rows:
        key = (assessment.organization.name, assessment.framework.code)
        first_last.setdefault(key, [assessment, assessment])[1] = assessment
    result = []
    for (name, _code), (first, last) in first_last.items():
        if first.pk == last.pk:
            continue
        result.append(
            {
                "organization": name,
                "instrument": str(last.framework.name),
                "baseline": str(first.overall_score),
                "latest": str(last.overall_score),
                "change": str(last.overall_score - first.overall_score),
                "from": _day(first.assessed_on),
                "to": _day(last.assessed_on),
            }
        )
    return result


# --- Program results report ------------------------------------------------------------------


def default_program_period() -> tuple[date, date]:
    bounds = LearningCommunity.objects.aggregate(start=Min("start"), end=Max("end"))
    today = timezone.localdate()
    return bounds["start"] or today, bounds["end"] or today


def program_report(start: date, end: date, progress: Progress = _no_progress) -> dict:
    sectors = dict(Sector.choices)
    progress(5, _("Organizations strengthened"))
    participants = Organization.objects.csos().participating()
    strengthened = participants.aggregate(
        total=Count("id"), first=Min("participation_start"), last=Max("participation_end")
    )
    tiers = list(
        participants.values("tier__number", "tier__name_en", "tier__name_es")
        .annotate(total=Count("id"))
        .order_by("tier__number")
    )
    progress(15, _("Communities"))
    communities = list(
        LearningCommunity.objects.filter(start__lte=end)
        .filter(Q(end__isnull=True) | Q(end__gte=start))
        .select_related("tier", "theme")
        .annotate(
            members_count=Count("memberships__organization", distinct=True),
            csos=Count(
                "memberships__organization",
                filter=Q(memberships__organization__sector=Sector.CSO),
                distinct=True,
            ),
        )
        .order_by(F("tier__number").asc(nulls_last=True), "name")
    )
    events = Event.objects.filter(date__gte=start, date__lte=end)
    event_counts = dict(events.values_list("community_id").annotate(n=Count("id")))

    progress(30, _("Study tours"))
    tours = list(
        events.filter(kind=Event.Kind.STUDY_TOUR)
        .select_related("community")
        .annotate(participants=Count("attendance", distinct=True))
        .order_by("date", "id")
    )
    tour_states = defaultdict(set)
    tour_organizations = defaultdict(set)
    for event_id, organization_id, state in Attendance.objects.filter(event__in=tours).values_list(
        "event_id", "organization_id", "organization__state"
    ):
        tour_states[event_id].add(state)
        tour_organizations[event_id].add(organization_id)

    progress(45, _("Outcomes by key issue and tier"))
    outcome_rows = list(
        Outcome.objects.filter(occurred_on__gte=start, occurred_on__lte=end)
        .select_related("key_issue", "tier", "community", "alliance")
        .prefetch_related("organizations")
        .order_by("key_issue__position", "tier__number", "occurred_on", "id")
    )
    by_issue: dict[str, dict[str, list]] = {}
    for outcome in outcome_rows:
        tier_label = _text(outcome.tier) or _("Across tiers")
        by_issue.setdefault(str(outcome.key_issue), {}).setdefault(tier_label, []).append(outcome)

    progress(55, _("Alliances"))
    alliances = _alliance_rows(Alliance.objects.filter(started_on__lte=end))

    progress(65, _("Network at the start and the end"))
    network_section = _network_section(None, start, end)

    return {
        "kind": "program",
        "period": {"start": _day(start), "end": _day(end)},
        "strengthened": {
            "organizations": strengthened["total"],
            "from": _day(strengthened["first"]),
            "to": _day(strengthened["last"]),
            "by_tier": [
                [str(Tier(name_en=t["tier__name_en"], name_es=t["tier__name_es"])), t["total"]]
                for t in tiers
            ],
        },
        "communities": [
            {
                "name": c.name,
                "tier": _text(c.tier),
                "theme": _text(c.theme),
                "states": c.state_names(),
                "members": c.members_count,
                "csos": c.csos,
                "events": event_counts.get(c.pk, 0),
                "start": _day(c.start),
                "end": _day(c.end),
            }
            for c in communities
        ],
        "study_tours": [
            {
                "community": t.community.name,
                "title": t.title,
                "date": _day(t.date),
                "place": t.place(),
                "participants": t.participants,
                "organizations": len(tour_organizations[t.pk]),
                "states": sorted(_state_names(sorted(tour_states[t.pk]))),
            }
            for t in tours
        ],
        "outcomes": [
            {
                "key_issue": issue,
                "tiers": [
                    {
                        "tier": tier,
                        "organizations": len(
                            {org.pk for o in items for org in o.organizations.all()}
                        ),
                        "items": [
                            {
                                "description": o.description,
                                "organizations": len(o.organizations.all()),
                                "date": _day(o.occurred_on),
                            }
                            for o in items
                        ],
                    }
                    for tier, items in tiers_of_issue.items()
                ],
            }
            for issue, tiers_of_issue in by_issue.items()
        ],
        "alliances": alliances,
        "alliance_states": sorted({s for a in alliances for s in a["states"]}),
        "power_shift": _power_rows(power_shift(events)),
        "network": network_section,
        "sector_labels": {k: str(v) for k, v in sectors.items()},
    }


def totals(data: dict) -> dict[str, int | Decimal]:
    """Small headline numbers shown at the top of a report page."""
    if data.get("kind") == "program":
        return {
            "organizations": data["strengthened"]["organizations"],
            "communities": len(data["communities"]),
            "study_tours": len(data["study_tours"]),
            "alliances": len(data["alliances"]),
        }
    return {
        "members": len(data["members"]),
        "events": len(data["events"]),
        "resources": len(data["resources"]),
        "outcomes": len(data["outcomes"]),
    }
