"""Improvement plans agreed between a CSO and the program.

A plan is agreed when a CSO leader and program staff have both accepted its current content.
Changing goals or actions is a proposal: the side that changes it agrees to its own change and
the other side's agreement is cleared until it accepts. Progress (an action's status) is not a
change of the plan and needs no new agreement.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from csa_portal import audit
from csa_portal.models import User

from ..models import Action, Area, Assessment, Goal, ImprovementPlan, Person

CSO, STAFF = "cso", "staff"
# What the two sides agree on about an action; its status and start date are progress.
PLANNED_FIELDS = ("description", "goal_id", "responsible_id", "due_date", "support")
# What the audit trail keeps of each record of a plan.
PLAN_FIELDS = ("title", "assessment")
AGREEMENT_FIELDS = ("cso_agreed_by", "staff_agreed_by")
GOAL_FIELDS = ("area", "target_score", "due_date")
ACTION_FIELDS = (
    "description",
    "goal",
    "responsible",
    "due_date",
    "support",
    "status",
    "started_on",
)


class PlanError(Exception):
    """A refused change; the message says why, for the person who tried."""


def side_of(user: User) -> str:
    """Which side of the agreement a user speaks for (views check they may edit at all)."""
    return STAFF if user.is_program_staff else CSO


def _propose(plan: ImprovementPlan, *, by: User) -> None:
    """Record a change of content: the changer's side agrees, the other side must accept."""
    now = timezone.now()
    if side_of(by) == STAFF:
        plan.staff_agreed_by, plan.staff_agreed_at = by, now
        plan.cso_agreed_by, plan.cso_agreed_at = None, None
    else:
        plan.cso_agreed_by, plan.cso_agreed_at = by, now
        plan.staff_agreed_by, plan.staff_agreed_at = None, None
    plan.last_change_by_side = side_of(by)
    plan.save(
        update_fields=[
            "staff_agreed_by",
            "staff_agreed_at",
            "cso_agreed_by",
            "cso_agreed_at",
            "last_change_by_side",
        ]
    )


def _check_goal(plan: ImprovementPlan, area: Area, target_score: Decimal) -> None:
    if area.framework_id != plan.assessment.framework_id:
        raise PlanError(_("Goals must be about an area of the plan's instrument."))
    if not Decimal(0) <= target_score <= Decimal(100):
        raise PlanError(_("A target score is between 0 and 100."))


def _check_action(plan: ImprovementPlan, goal: Goal | None, responsible: Person | None) -> None:
    if goal is not None and goal.plan_id != plan.pk:
        raise PlanError(_("That goal belongs to another plan."))
    if responsible is not None and responsible.organization_id != plan.organization_id:
        raise PlanError(_("The responsible person must be one of the organization's people."))


@transaction.atomic
def create_plan(*, assessment: Assessment, title: str, created_by: User) -> ImprovementPlan:
    if assessment.status != Assessment.Status.VALIDATED:
        raise PlanError(_("An improvement plan starts from a validated assessment."))
    plan = ImprovementPlan.objects.create(
        organization=assessment.organization, assessment=assessment, title=title.strip()
    )
    _propose(plan, by=created_by)
    audit.record_change(
        obj=plan,
        actor=created_by,
        action=audit.Action.CREATE,
        after=audit.snapshot(plan, PLAN_FIELDS),
    )
    return plan


@transaction.atomic
def save_goal(
    *,
    plan: ImprovementPlan,
    goal: Goal | None,
    area: Area,
    target_score: Decimal,
    due_date: date,
    by: User,
) -> Goal:
    """Add a goal (goal=None) or change one; either is a proposal to the other side."""
    if goal is not None and goal.plan_id != plan.pk:
        raise PlanError(_("That goal belongs to another plan."))
    _check_goal(plan, area, target_score)
    # Compare with the stored row: a form may have copied the new values onto `goal` already.
    stored = Goal.objects.select_related("area").filter(pk=goal.pk).first() if goal else None
    goal = goal or Goal(plan=plan)
    goal.area, goal.target_score, goal.due_date = area, target_score, due_date
    goal.save()
    _propose(plan, by=by)
    audit.record_change(
        obj=goal,
        actor=by,
        action=audit.Action.UPDATE if stored else audit.Action.CREATE,
        before=audit.snapshot(stored, GOAL_FIELDS),
        after=audit.snapshot(goal, GOAL_FIELDS),
        root=plan,
    )
    return goal


@transaction.atomic
def remove_goal(*, goal: Goal, by: User) -> None:
    plan = goal.plan
    audit.record_change(
        obj=goal,
        actor=by,
        action=audit.Action.DELETE,
        before=audit.snapshot(goal, GOAL_FIELDS),
        root=plan,
    )
    goal.delete()
    _propose(plan, by=by)


@transaction.atomic
def save_action(
    *,
    plan: ImprovementPlan,
    action: Action | None,
    fields: dict,
    by: User,
) -> Action:
    """Add an action (action=None) or change one. `fields` are the action form's fields.

    A save that changes only the status is progress, not a new proposal (see set_action_status).
    """
    if action is not None and action.plan_id != plan.pk:
        raise PlanError(_("That action belongs to another plan."))
    _check_action(plan, fields.get("goal"), fields.get("responsible"))
    # Compare with the stored row: a ModelForm has already copied the new values onto `action`.
    stored = (
        Action.objects.select_related("goal__area", "responsible").filter(pk=action.pk).first()
        if action is not None
        else None
    )
    action = action or Action(plan=plan)
    for name, value in fields.items():
        setattr(action, name, value)
    _stamp_start(action)
    action.save()
    audit.record_change(
        obj=action,
        actor=by,
        action=audit.Action.UPDATE if stored else audit.Action.CREATE,
        before=audit.snapshot(stored, ACTION_FIELDS),
        after=audit.snapshot(action, ACTION_FIELDS),
        root=plan,
    )
    if stored is None or any(
        getattr(stored, name) != getattr(action, name) for name in PLANNED_FIELDS
    ):
        _propose(plan, by=by)
    return action


@transaction.atomic
def remove_action(*, action: Action, by: User) -> None:
    plan = action.plan
    audit.record_change(
        obj=action,
        actor=by,
        action=audit.Action.DELETE,
        before=audit.snapshot(action, ACTION_FIELDS),
        root=plan,
    )
    action.delete()
    _propose(plan, by=by)


def _stamp_start(action: Action) -> None:
    if action.status in {Action.Status.STARTED, Action.Status.DONE} and not action.started_on:
        action.started_on = timezone.localdate()


@transaction.atomic
def set_action_status(*, action: Action, status: str, by: User) -> Action:
    """Report progress on an action; the plan's agreement stands."""
    if status not in Action.Status.values:
        raise PlanError(_("Unknown status."))
    before = audit.snapshot(action, ("status", "started_on"))
    action.status = status
    _stamp_start(action)
    action.save(update_fields=["status", "started_on"])
    audit.record_change(
        obj=action,
        actor=by,
        action=audit.Action.UPDATE,
        before=before,
        after=audit.snapshot(action, ("status", "started_on")),
        root=action.plan,
    )
    return action


@transaction.atomic
def accept_plan(*, plan: ImprovementPlan, accepted_by: User) -> ImprovementPlan:
    """The accepting user's side agrees to the plan as it stands now."""
    plan = ImprovementPlan.objects.select_for_update().get(pk=plan.pk)
    if not plan.goals.exists():
        raise PlanError(_("Add at least one goal before agreeing on the plan."))
    before = audit.snapshot(plan, AGREEMENT_FIELDS)
    now = timezone.now()
    if side_of(accepted_by) == STAFF and plan.staff_agreed_at is None:
        plan.staff_agreed_by, plan.staff_agreed_at = accepted_by, now
    elif side_of(accepted_by) == CSO and plan.cso_agreed_at is None:
        plan.cso_agreed_by, plan.cso_agreed_at = accepted_by, now
    plan.save(
        update_fields=["staff_agreed_by", "staff_agreed_at", "cso_agreed_by", "cso_agreed_at"]
    )
    audit.record_change(
        obj=plan,
        actor=accepted_by,
        action=audit.Action.TRANSITION,
        before=before,
        after=audit.snapshot(plan, AGREEMENT_FIELDS),
    )
    return plan
