"""This app's part of the synthetic benchmark program (see csa_portal.scale).

One CSO in ten applied for a project serving its plan's grant action and was awarded: a grant
with three tranches (two paid) and two reports (one accepted); another one in twenty has an
application waiting for review.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from csa_portal.models import ProgramRole, User
from csa_portal.scale import ScaleContext
from organizations.models import Action, Membership, ThematicArea
from organizations.scale import scale_csos

from .models import BudgetLine, Grant, GrantApplication, GrantReport, Tranche


def build(ctx: ScaleContext) -> None:
    staff = User.objects.filter(program_role=ProgramRole.STAFF).order_by("id").first()
    now = timezone.now()
    theme = ThematicArea.objects.order_by("pk").first()
    csos = list(scale_csos().order_by("pk").values_list("pk", "state"))
    awarded = csos[::10]
    waiting = csos[5::20]
    leaders = dict(
        Membership.objects.filter(
            organization_id__in=[pk for pk, _ in csos], role=Membership.Role.LEADER
        ).values_list("organization_id", "user_id")
    )
    grant_actions = dict(
        Action.objects.filter(
            plan__organization_id__in=[pk for pk, _ in awarded], support=Action.Support.GRANT
        ).values_list("plan__organization_id", "pk")
    )

    def application(org_id: int, state: str, status: str) -> GrantApplication:
        return GrantApplication(
            organization_id=org_id,
            kind=GrantApplication._meta.get_field("kind").choices[0][0],
            theme=theme,
            title=f"Community violence prevention project {org_id}",
            problem="Synthetic problem statement.",
            objectives="Synthetic objectives.",
            activities="Synthetic activities.",
            expected_results="Synthetic expected results.",
            states=[state],
            requested_amount=Decimal("450000"),
            duration_months=18,
            status=status,
            created_by_id=leaders.get(org_id),
            submitted_by_id=leaders.get(org_id),
            submitted_at=now,
            decided_by=staff if status == "awarded" else None,
            decided_at=now if status == "awarded" else None,
        )

    applications = GrantApplication.objects.bulk_create(
        [application(pk, state, "awarded") for pk, state in awarded]
        + [application(pk, state, "submitted") for pk, state in waiting],
        batch_size=ctx.batch_size,
    )
    BudgetLine.objects.bulk_create(
        [
            BudgetLine(application=app, category=category, description=category, amount=amount)
            for app in applications
            for category, amount in [
                ("personnel", Decimal("250000")),
                ("events", Decimal("120000")),
                ("materials", Decimal("80000")),
            ]
        ],
        batch_size=ctx.batch_size,
    )
    ServesLink = GrantApplication.serves_actions.through
    ServesLink.objects.bulk_create(
        [
            ServesLink(grantapplication_id=app.pk, action_id=grant_actions[app.organization_id])
            for app in applications
            if app.status == "awarded" and app.organization_id in grant_actions
        ],
        batch_size=ctx.batch_size,
    )
    grants = Grant.objects.bulk_create(
        [
            Grant(
                application=app,
                organization_id=app.organization_id,
                amount=Decimal("450000"),
                start_date=date(2024, 1, 15),
                end_date=date(2025, 7, 15),
                awarded_by=staff,
                awarded_at=now,
            )
            for app in applications
            if app.status == "awarded"
        ],
        batch_size=ctx.batch_size,
    )
    Tranche.objects.bulk_create(
        [
            Tranche(
                grant=grant,
                number=n,
                amount=Decimal("150000"),
                planned_date=planned,
                released_on=planned if n < 3 else None,
                paid_on=planned if n < 3 else None,
            )
            for grant in grants
            for n, planned in [
                (1, date(2024, 1, 31)),
                (2, date(2024, 8, 31)),
                (3, date(2025, 3, 31)),
            ]
        ],
        batch_size=ctx.batch_size,
    )
    GrantReport.objects.bulk_create(
        [
            GrantReport(
                grant=grant,
                kind=kind,
                due_date=due,
                status=status,
                narrative="Synthetic report." if status != "pending" else "",
                submitted_by_id=leaders.get(grant.organization_id) if status != "pending" else None,
                submitted_at=now if status != "pending" else None,
                reviewed_by=staff if status == "accepted" else None,
                reviewed_at=now if status == "accepted" else None,
            )
            for grant in grants
            for kind, due, status in [
                ("narrative", date(2024, 7, 31), "accepted"),
                ("financial", date(2025, 8, 31), "pending"),
            ]
        ],
        batch_size=ctx.batch_size,
    )
    ctx.say(
        f"{len(applications)} applications, {len(grants)} grants, "
        f"{3 * len(grants)} tranches, {2 * len(grants)} reports"
    )
