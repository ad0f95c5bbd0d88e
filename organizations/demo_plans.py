"""Improvement plans of the demo: agreed after the 2016 performance baseline, pursued 2017-2020.

Plans are built through the services, then their agreement and start dates are set to when
they happened in the program (the services stamp "now"). Three organizations in ten never
got past a proposal, so CBLD-9's denominator is smaller than the program.
"""

import random
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from csa_portal.models import User

from .models import Action, Assessment, ImprovementPlan, Membership, Organization
from .services.plans import accept_plan, create_plan, save_action, save_goal

MEXICO = ZoneInfo("America/Mexico_City")
ACTIONS = [
    ("Actualizar el manual de procedimientos administrativos.", Action.Support.COACHING),
    ("Diseñar un sistema de indicadores de resultados con la comunidad.", Action.Support.COMMUNITY),
    ("Regularizar obligaciones fiscales y laborales.", Action.Support.LEGAL),
    ("Ejecutar el proyecto piloto financiado por el programa.", Action.Support.GRANT),
]


def build(say: Callable[[str], None]) -> None:
    if ImprovementPlan.objects.exists():
        say("improvement plans already loaded")
        return
    rng = random.Random(2017)  # noqa: S311 - demo data
    staff = User.objects.get(email="staff@demo.csa.mx")
    leaders = {
        m.organization_id: m.user
        for m in Membership.objects.filter(role=Membership.Role.LEADER).select_related("user")
    }
    baselines = {
        a.organization_id: a
        for a in Assessment.objects.validated()
        .filter(framework__code="opi", kind=Assessment.Kind.BASELINE)
        .select_related("framework")
    }
    organizations = Organization.objects.csos().participating().order_by("pk")
    agreed = 0
    for index, organization in enumerate(organizations):
        baseline = baselines.get(organization.pk)
        if baseline is None:
            continue
        plan = _plan(organization, baseline, staff, leaders.get(organization.pk), rng)
        if index % 10 in {2, 5, 8}:
            continue  # a proposal the organization never agreed to
        agreed += 1
        _agree(plan, staff, leaders.get(organization.pk), baseline.assessed_on)
    say(f"{ImprovementPlan.objects.count()} improvement plans, {agreed} agreed")


def _plan(organization, baseline, staff, leader, rng) -> ImprovementPlan:
    plan = create_plan(
        assessment=baseline, title="Plan de mejora del desempeño 2017-2020", created_by=staff
    )
    areas = list(baseline.framework.areas.order_by("position"))
    goals = [
        save_goal(
            plan=plan,
            goal=None,
            area=area,
            target_score=Decimal(rng.choice([55, 60, 65, 70, 75])),
            due_date=date(2020, 6, 30),
            by=staff,
        )
        for area in rng.sample(areas, 2)
    ]
    responsible = organization.people.order_by("pk").first()
    for number, (description, support) in enumerate(rng.sample(ACTIONS, 3)):
        save_action(
            plan=plan,
            action=None,
            fields={
                "description": description,
                "goal": goals[number % 2],
                "responsible": responsible,
                "due_date": date(2018 + number, 9, 30),
                "status": Action.Status.PLANNED,
                "support": support,
            },
            by=staff,
        )
    return plan


def _agree(plan, staff, leader, baseline_on: date) -> None:
    if leader is not None:
        accept_plan(plan=plan, accepted_by=leader)
    when = datetime(baseline_on.year + 1, 1, 20, 10, tzinfo=MEXICO)
    ImprovementPlan.objects.filter(pk=plan.pk).update(
        staff_agreed_by=staff, staff_agreed_at=when, cso_agreed_at=when
    )
    # History: the first two actions started in 2017 and one finished; the rest are planned.
    actions = list(plan.actions.order_by("due_date", "id"))
    Action.objects.filter(pk=actions[0].pk).update(
        status=Action.Status.DONE, started_on=date(2017, 2, 15)
    )
    Action.objects.filter(pk=actions[1].pk).update(
        status=Action.Status.STARTED, started_on=date(2017, 5, 10)
    )
