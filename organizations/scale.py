"""This app's part of the synthetic benchmark program (see csa_portal.scale).

Per organization: a profile (85% CSOs with a tier, the rest stakeholders), three people, a
leader login (and a member login every other organization). Per CSO: baseline and follow-up
assessments on the shipped OCA (capacity) and OPI (performance) instruments, each rating every
indicator of its instrument, all validated; an agreed improvement plan with two goals and
three actions. The last step scores everything with the set-based recompute.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone

from csa_portal.models import ProgramRole, User
from csa_portal.scale import LEADER_EMAIL, SCALE_EMAIL_DOMAIN, SCALE_PASSWORD, ScaleContext

from . import scoring
from .geo import MexicanState
from .models import (
    Action,
    Area,
    Assessment,
    Framework,
    Goal,
    ImprovementPlan,
    Indicator,
    LegalForm,
    Membership,
    Organization,
    ParticipationStatus,
    Person,
    Population,
    Rating,
    Sector,
    ThematicArea,
    Tier,
)
from .services.medians import refresh_cohort_medians

SCALE_NAME_PREFIX = "Scale Organization"
STAKEHOLDER_SECTORS = [s for s in Sector.values if s != Sector.CSO]
# (instrument code, kind, date): what every synthetic CSO went through.
ASSESSMENTS = [
    ("oca", Assessment.Kind.BASELINE, date(2023, 3, 15)),
    ("oca", Assessment.Kind.FOLLOW_UP, date(2025, 3, 15)),
    ("opi", Assessment.Kind.BASELINE, date(2023, 4, 15)),
    ("opi", Assessment.Kind.FOLLOW_UP, date(2025, 4, 15)),
]
RATING_BATCH = 20_000  # assessments per INSERT ... SELECT


def scale_organizations():
    return Organization.objects.filter(name__startswith=SCALE_NAME_PREFIX)


def scale_csos():
    return scale_organizations().filter(sector=Sector.CSO)


def _staff() -> User:
    return User.objects.filter(program_role=ProgramRole.STAFF).order_by("id").first()


def build_organizations(ctx: ScaleContext) -> None:
    rng = ctx.rng
    tiers = list(Tier.objects.order_by("number"))
    themes = list(ThematicArea.objects.values_list("pk", flat=True))
    populations = list(Population.objects.values_list("pk", flat=True))
    states = MexicanState.values
    organizations = []
    for i in range(ctx.organizations):
        # The first one is the benchmark leader's: always a participating CSO.
        cso = i == 0 or rng.random() < 0.85
        organizations.append(
            Organization(
                name=f"{SCALE_NAME_PREFIX} {i + 1:06d}",
                acronym=f"SO{i + 1}",
                sector=Sector.CSO if cso else rng.choice(STAKEHOLDER_SECTORS),
                tier=rng.choice(tiers) if cso and tiers else None,
                status=ParticipationStatus.ACTIVE if cso else ParticipationStatus.NOT_PARTICIPATING,
                participation_start=date(2022, 1, 1) + timedelta(days=rng.randrange(365))
                if cso
                else None,
                legal_form=LegalForm.AC if cso else LegalForm.OTHER,
                founded=rng.randrange(1980, 2022),
                state=rng.choice(states),
                municipality=f"Municipio {rng.randrange(1, 200)}",
                mission="Synthetic organization for the benchmarks.",
                email=f"contact{i + 1}@{SCALE_EMAIL_DOMAIN}",
                staff_range="6-20",
                budget_range="1-5m",
            )
        )
    created = Organization.objects.bulk_create(organizations, batch_size=ctx.batch_size)
    ThemeLink = Organization.thematic_areas.through
    PopulationLink = Organization.populations.through
    ThemeLink.objects.bulk_create(
        [
            ThemeLink(organization_id=o.pk, thematicarea_id=t)
            for o in created
            for t in rng.sample(themes, min(2, len(themes)))
        ],
        batch_size=ctx.batch_size,
    )
    PopulationLink.objects.bulk_create(
        [
            PopulationLink(organization_id=o.pk, population_id=rng.choice(populations))
            for o in created
            if populations
        ],
        batch_size=ctx.batch_size,
    )
    ctx.say(f"{len(created)} organizations")

    # Logins: one password hash for the benchmark leader; the others cannot log in.
    unusable = make_password(None)
    users = [
        User(
            email=LEADER_EMAIL if i == 0 else f"leader{i + 1}@{SCALE_EMAIL_DOMAIN}",
            display_name=f"Leader {i + 1}",
            password=make_password(SCALE_PASSWORD) if i == 0 else unusable,
            preferred_language="en" if i == 0 else "es",
        )
        for i in range(len(created))
    ]
    members = [
        User(
            email=f"member{i + 1}@{SCALE_EMAIL_DOMAIN}",
            display_name=f"Member {i + 1}",
            password=unusable,
        )
        for i in range(0, len(created), 2)
    ]
    User.objects.bulk_create(users + members, batch_size=ctx.batch_size)
    leaders = dict(
        User.objects.filter(
            email__endswith=f"@{SCALE_EMAIL_DOMAIN}", display_name__startswith="Leader "
        ).values_list("display_name", "pk")
    )
    member_ids = dict(
        User.objects.filter(
            email__startswith="member", email__endswith=f"@{SCALE_EMAIL_DOMAIN}"
        ).values_list("display_name", "pk")
    )
    memberships, people = [], []
    for i, org in enumerate(created):
        leader_id = leaders[f"Leader {i + 1}"]
        memberships.append(
            Membership(user_id=leader_id, organization=org, role=Membership.Role.LEADER)
        )
        member_id = member_ids.get(f"Member {i + 1}")
        if member_id:
            memberships.append(
                Membership(user_id=member_id, organization=org, role=Membership.Role.MEMBER)
            )
        people += [
            Person(
                organization=org,
                name=f"Leader {i + 1}",
                position="Director",
                level=Person.Level.LEADERSHIP,
                user_id=leader_id,
            ),
            Person(
                organization=org,
                name=f"Manager {i + 1}",
                position="Coordinator",
                level=Person.Level.MANAGEMENT,
                user_id=member_id,
            ),
            Person(organization=org, name=f"Staff {i + 1}", level=Person.Level.STAFF),
        ]
    Membership.objects.bulk_create(memberships, batch_size=ctx.batch_size)
    Person.objects.bulk_create(people, batch_size=ctx.batch_size)
    ctx.say(
        f"{len(users) + len(members)} logins, {len(memberships)} memberships, {len(people)} people"
    )


def build_capacity(ctx: ScaleContext) -> None:
    staff = _staff()
    frameworks = {f.code: f for f in Framework.objects.filter(code__in=["oca", "opi"])}
    now = timezone.now()
    csos = list(scale_csos().order_by("pk").values_list("pk", flat=True))
    leaders = dict(
        Membership.objects.filter(
            organization_id__in=csos, role=Membership.Role.LEADER
        ).values_list("organization_id", "user_id")
    )
    assessments = [
        Assessment(
            organization_id=org_id,
            framework=frameworks[code],
            kind=kind,
            mode=Assessment.Mode.JOINT,
            assessed_on=on,
            status=Assessment.Status.VALIDATED,
            created_by_id=leaders.get(org_id),
            submitted_by_id=leaders.get(org_id),
            submitted_at=now,
            validated_by=staff,
            validated_at=now,
        )
        for org_id in csos
        for code, kind, on in ASSESSMENTS
    ]
    created = Assessment.objects.bulk_create(assessments, batch_size=ctx.batch_size)
    ctx.say(f"{len(created)} assessments")
    if not created:
        return
    ratings = _insert_ratings(ctx, created[0].pk, created[-1].pk, now)
    ctx.say(f"{ratings} ratings")
    _build_plans(ctx, created, staff)


def _insert_ratings(ctx: ScaleContext, first: int, last: int, now) -> int:
    """Every indicator of each assessment's instrument, in one statement per id range.

    Levels are a deterministic hash of (assessment, indicator, seed); follow-ups rate half of
    the indicators one level higher, so programs show improvement.
    """
    t = {
        "rating": Rating._meta.db_table,
        "assessment": Assessment._meta.db_table,
        "framework": Framework._meta.db_table,
        "area": Area._meta.db_table,
        "indicator": Indicator._meta.db_table,
    }
    total = 0
    with connection.cursor() as cursor:
        for lo in range(first, last + 1, RATING_BATCH):
            hi = min(lo + RATING_BATCH - 1, last)
            cursor.execute(
                f"""
                INSERT INTO {t["rating"]} (assessment_id, indicator_id, level, not_applicable,
                    evidence, evidence_file, evidence_file_name, change_reason, updated_at)
                SELECT a.id, i.id,
                       f.scale_min + ((a.id * 7 + i.id * 13 + %s) %% (f.scale_max - f.scale_min))
                       + CASE WHEN a.kind = %s AND (a.id + i.id) %% 2 = 0 THEN 1 ELSE 0 END,
                       %s, '', '', '', '', %s
                FROM {t["assessment"]} a
                JOIN {t["framework"]} f ON f.id = a.framework_id
                JOIN {t["area"]} ar ON ar.framework_id = a.framework_id
                JOIN {t["indicator"]} i ON i.area_id = ar.id
                WHERE a.id BETWEEN %s AND %s
                """,  # noqa: S608 - table names come from our models, values are parameters
                [ctx.seed, Assessment.Kind.FOLLOW_UP, False, now, lo, hi],
            )
            total += cursor.rowcount
    return total


def _build_plans(ctx: ScaleContext, assessments: list[Assessment], staff: User | None) -> None:
    rng = ctx.rng
    # Agreed a month after the OPI baseline, before the actions start: so CBLD-9 counts the
    # plans in fiscal years 2023-2025 (agreed "now", they counted in none of them and its page
    # was measured on four organizations).
    agreed_at = datetime(2023, 5, 15, 10, tzinfo=ZoneInfo(settings.TIME_ZONE))
    opi_areas = list(
        Area.objects.filter(framework__code="opi").order_by("position").values_list("pk", flat=True)
    )
    baselines = [
        a for a in assessments if a.framework.code == "opi" and a.kind == Assessment.Kind.BASELINE
    ]
    org_ids = [a.organization_id for a in baselines]
    leaders = dict(
        Membership.objects.filter(
            organization_id__in=org_ids, role=Membership.Role.LEADER
        ).values_list("organization_id", "user_id")
    )
    responsible = dict(
        Person.objects.filter(
            organization_id__in=org_ids, level=Person.Level.LEADERSHIP
        ).values_list("organization_id", "pk")
    )
    plans = ImprovementPlan.objects.bulk_create(
        [
            ImprovementPlan(
                organization_id=a.organization_id,
                assessment=a,
                title="Performance improvement plan 2023-2025",
                cso_agreed_by_id=leaders.get(a.organization_id),
                cso_agreed_at=agreed_at,
                staff_agreed_by=staff,
                staff_agreed_at=agreed_at,
                last_change_by_side="staff",
            )
            for a in baselines
        ],
        batch_size=ctx.batch_size,
    )
    goals = Goal.objects.bulk_create(
        [
            Goal(plan=plan, area_id=area, target_score=75, due_date=date(2025, 9, 30))
            for plan in plans
            for area in rng.sample(opi_areas, min(2, len(opi_areas)))
        ],
        batch_size=ctx.batch_size,
    )
    supports = [Action.Support.GRANT, Action.Support.LEGAL, Action.Support.COMMUNITY]
    statuses = [Action.Status.DONE, Action.Status.STARTED, Action.Status.PLANNED]
    actions = [
        Action(
            plan=goal.plan,
            goal=goal,
            description=f"Action {n + 1} towards the goal",
            responsible_id=responsible.get(goal.plan.organization_id),
            due_date=date(2024, 6, 30) + timedelta(days=120 * n),
            status=statuses[n],
            support=supports[(goal.pk + n) % len(supports)],
            started_on=date(2023, 6, 1) if statuses[n] != Action.Status.PLANNED else None,
        )
        for goal in goals[::2]  # three actions on each plan's first goal
        for n in range(3)
    ]
    Action.objects.bulk_create(actions, batch_size=ctx.batch_size)
    ctx.say(f"{len(plans)} plans, {len(goals)} goals, {len(actions)} actions")


def build_scores(ctx: ScaleContext) -> None:
    if connection.vendor == "postgresql":
        # Fresh bulk inserts have no planner statistics yet (autovacuum may be off or behind):
        # the planner would take the ratings and assessments for a handful of rows.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Rating._meta.db_table}, {Assessment._meta.db_table}")
    # In the recompute job's batches: one statement over the whole program would join every
    # score with every assessment in one go (quadratic when the estimates are off).
    written = sum(
        scoring.recompute_scores(first_id=lo, last_id=hi)
        for lo, hi in scoring.assessment_id_chunks(settings.SCORES_RECOMPUTE_BATCH)
    )
    refresh_cohort_medians()
    ctx.say(f"{written} area scores")
