"""This app's part of the synthetic benchmark program (see csa_portal.scale).

CSOs in communities of 50 (each CSO in one), active 2022-2025: per community six events a
year (24) with three agenda items (two proposed by CSOs), a rotating facilitator and twenty
attendees each; two shared goals measured yearly; an alliance of five members; two shared
resources; two outcomes; ten explicit collaborations between members. Then the program's
network over those years, computed as staff compute it.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from csa_portal.models import ProgramRole, User
from csa_portal.scale import ScaleContext
from organizations.models import Membership, Person, ThematicArea
from organizations.scale import scale_csos

from .models import (
    AgendaItem,
    Alliance,
    Attendance,
    Collaboration,
    CommunityMembership,
    Event,
    Facilitator,
    GoalProgress,
    KeyIssue,
    LearningCommunity,
    Outcome,
    SharedGoal,
    SharedResource,
)
from .services.reports import compute_network_snapshot

COMMUNITY_SIZE = 50
YEARS = (2022, 2023, 2024, 2025)
EVENT_MONTHS = (2, 4, 6, 8, 10, 12)
ATTENDEES = 20


def _chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def build(ctx: ScaleContext) -> None:
    rng = ctx.rng
    staff = User.objects.filter(program_role=ProgramRole.STAFF).order_by("id").first()
    themes = list(ThematicArea.objects.filter(parent__isnull=True).order_by("pk"))
    key_issues = list(KeyIssue.objects.order_by("pk"))
    csos = list(scale_csos().order_by("pk").values_list("pk", "tier_id", "state"))
    groups = _chunks(csos, COMMUNITY_SIZE)
    people: dict[int, list[tuple[int, str, str]]] = {}
    for pk, org_id, name, level in (
        Person.objects.filter(organization_id__in=[c[0] for c in csos])
        .order_by("pk")
        .values_list("pk", "organization_id", "name", "level")
    ):
        people.setdefault(org_id, []).append((pk, name, level))
    leaders = dict(
        Membership.objects.filter(
            organization_id__in=[c[0] for c in csos], role=Membership.Role.LEADER
        ).values_list("organization_id", "user_id")
    )

    communities = LearningCommunity.objects.bulk_create(
        [
            LearningCommunity(
                name=f"Scale Community {n + 1:05d}",
                description="Synthetic learning community.",
                tier_id=group[0][1],
                states=sorted({state for _, _, state in group})[:5],
                theme=themes[n % len(themes)],
                start=date(2022, 1, 1),
                status="active",
            )
            for n, group in enumerate(groups)
        ],
        batch_size=ctx.batch_size,
    )
    CommunityMembership.objects.bulk_create(
        [
            CommunityMembership(
                community=community,
                organization_id=org_id,
                role="co_facilitator" if k == 0 else "member",
                joined_on=date(2022, 1, 15),
                added_by=staff,
            )
            for community, group in zip(communities, groups, strict=True)
            for k, (org_id, _, _) in enumerate(group)
        ],
        batch_size=ctx.batch_size,
    )

    events = Event.objects.bulk_create(
        [
            Event(
                community=community,
                kind="session",
                title=f"Session {year}-{month:02d}",
                date=date(year, month, 10),
                state=group[0][2],
                purpose="Peer learning session.",
                host_id=group[(year + month) % len(group)][0],
                created_by=staff,
            )
            for community, group in zip(communities, groups, strict=True)
            for year in YEARS
            for month in EVENT_MONTHS
        ],
        batch_size=ctx.batch_size,
    )
    group_of = {community.pk: group for community, group in zip(communities, groups, strict=True)}
    agenda, facilitators, attendance = [], [], []
    for n, event in enumerate(events):
        group = group_of[event.community_id]
        proposer = group[n % len(group)][0]
        agenda += [
            AgendaItem(
                event=event,
                title=f"Topic {k + 1}",
                organization_id=proposer if k < 2 else None,
                source="cso" if k < 2 else "program",
                proposed_by_id=leaders.get(proposer) if k < 2 else (staff.pk if staff else None),
                proposed_on=event.date - timedelta(days=14),
                status="accepted",
                decided_by=staff,
            )
            for k in range(3)
        ]
        facilitating = group[(n * 7) % len(group)][0]
        person_pk, person_name, _ = people[facilitating][0]
        facilitators.append(
            Facilitator(
                event=event, person_id=person_pk, name=person_name, organization_id=facilitating
            )
        )
        start = rng.randrange(len(group))
        for k in range(min(ATTENDEES, len(group))):
            org_id = group[(start + k) % len(group)][0]
            person_pk, person_name, level = people[org_id][k % len(people[org_id])]
            attendance.append(
                Attendance(
                    event=event,
                    person_id=person_pk,
                    name=person_name,
                    organization_id=org_id,
                    level=level,
                )
            )
    AgendaItem.objects.bulk_create(agenda, batch_size=ctx.batch_size)
    Facilitator.objects.bulk_create(facilitators, batch_size=ctx.batch_size)
    Attendance.objects.bulk_create(attendance, batch_size=ctx.batch_size)

    goals = SharedGoal.objects.bulk_create(
        [
            SharedGoal(
                community=community,
                statement=f"Shared goal {k + 1}",
                metric="Joint actions per year",
                baseline=Decimal(2),
                target=Decimal(12),
                set_on=date(2022, 2, 1),
                due_on=date(2025, 12, 31),
                created_by=staff,
            )
            for community in communities
            for k in range(2)
        ],
        batch_size=ctx.batch_size,
    )
    GoalProgress.objects.bulk_create(
        [
            GoalProgress(
                goal=goal, measured_on=date(year, 12, 1), value=Decimal(2 + 2 * (year - 2021))
            )
            for goal in goals
            for year in YEARS
        ],
        batch_size=ctx.batch_size,
    )
    CoDefined = SharedGoal.co_defined_by.through
    CoDefined.objects.bulk_create(
        [
            CoDefined(sharedgoal_id=goal.pk, organization_id=org_id)
            for goal in goals
            for org_id, _, _ in group_of[goal.community_id][:3]
        ],
        batch_size=ctx.batch_size,
    )

    alliances = Alliance.objects.bulk_create(
        [
            Alliance(
                name=f"Scale Alliance {n + 1:05d}",
                objective="Joint advocacy.",
                theme=community.theme,
                states=community.states[:2],
                started_on=date(2023, 3, 1),
                status="active",
                grew_from=community,
            )
            for n, community in enumerate(communities)
        ],
        batch_size=ctx.batch_size,
    )
    AllianceMember = Alliance.members.through
    AllianceMember.objects.bulk_create(
        [
            AllianceMember(alliance_id=alliance.pk, organization_id=org_id)
            for alliance in alliances
            for org_id, _, _ in group_of[alliance.grew_from_id][1:6]
        ],
        batch_size=ctx.batch_size,
    )
    SharedResource.objects.bulk_create(
        [
            SharedResource(
                community=community,
                kind=kind,
                title=f"{kind} {community.pk}",
                organization_id=group_of[community.pk][k][0],
                shared_by_id=leaders.get(group_of[community.pk][k][0]),
                shared_on=date(2023, 5, 1),
                link="https://example.org/resource",
            )
            for community in communities
            for k, kind in enumerate(
                ["methodology", "best_practice"][: len(group_of[community.pk])]
            )
        ],
        batch_size=ctx.batch_size,
    )
    outcomes = Outcome.objects.bulk_create(
        [
            Outcome(
                key_issue=key_issues[(community.pk + k) % len(key_issues)],
                tier_id=community.tier_id,
                community=community,
                alliance=alliance,
                description="Synthetic outcome.",
                occurred_on=date(2024, 6 + k, 1),
                created_by=staff,
            )
            for community, alliance in zip(communities, alliances, strict=True)
            for k in range(2)
        ],
        batch_size=ctx.batch_size,
    )
    OutcomeOrganization = Outcome.organizations.through
    OutcomeOrganization.objects.bulk_create(
        [
            OutcomeOrganization(outcome_id=outcome.pk, organization_id=org_id)
            for outcome in outcomes
            for org_id, _, _ in group_of[outcome.community_id][:3]
        ],
        batch_size=ctx.batch_size,
    )
    collaborations = []
    for community in communities:
        ids = sorted(org_id for org_id, _, _ in group_of[community.pk])
        pairs = {tuple(sorted(rng.sample(ids, 2))) for _ in range(10)} if len(ids) > 1 else set()
        collaborations += [
            Collaboration(
                first_id=a,
                second_id=b,
                kind="joint_work",
                since=date(2023, 1, 1),
                community=community,
                recorded_by=staff,
            )
            for a, b in sorted(pairs)
        ]
    Collaboration.objects.bulk_create(collaborations, batch_size=ctx.batch_size)
    ctx.say(
        f"{len(communities)} communities, {len(events)} events, {len(attendance)} attendances, "
        f"{len(agenda)} agenda items, {len(alliances)} alliances, {len(collaborations)} ties"
    )
    # The program's network over its four years, as staff compute it from the program view:
    # the program view and every organization page show it.
    snapshot = compute_network_snapshot(
        community=None, on=date(2025, 12, 31), compared_to=date(2022, 1, 1)
    )
    ctx.say(f"program network: {snapshot.overview['summary']['actors']} actors")
