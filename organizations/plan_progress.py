"""Reads for improvement plan pages: each goal's baseline, target and latest score.

A fixed number of queries per plan whatever its size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

from .action_support import support_links
from .models import Action, AreaScore, Assessment, Goal, ImprovementPlan


@dataclass
class GoalProgress:
    goal: Goal
    baseline: Decimal | None
    latest: Decimal | None
    today: date

    @property
    def met(self) -> bool:
        return self.latest is not None and self.latest >= self.goal.target_score

    @property
    def overdue(self) -> bool:
        return not self.met and self.goal.due_date < self.today


def goal_progress(plan: ImprovementPlan) -> list[GoalProgress]:
    goals = list(plan.goals.select_related("area").order_by("due_date", "id"))
    if not goals:
        return []
    baseline = dict(
        AreaScore.objects.filter(assessment_id=plan.assessment_id).values_list("area_id", "score")
    )
    latest_assessment = (
        Assessment.objects.validated()
        .filter(
            scored_at__isnull=False,
            organization_id=plan.organization_id,
            framework__code=plan.assessment.framework.code,
        )
        .order_by("-assessed_on", "-id")
        .first()
    )
    latest_by_code = {}
    if latest_assessment is not None:
        latest_by_code = dict(
            AreaScore.objects.filter(assessment=latest_assessment).values_list(
                "area__code", "score"
            )
        )
    today = timezone.localdate()
    return [
        GoalProgress(
            goal=goal,
            baseline=baseline.get(goal.area_id),
            latest=latest_by_code.get(goal.area.code),
            today=today,
        )
        for goal in goals
    ]


def plan_actions(plan: ImprovementPlan) -> list[Action]:
    """The plan's actions, each with `served_by`: the grants, cases ... that serve it."""
    actions = list(
        plan.actions.select_related("goal__area", "responsible").order_by("due_date", "id")
    )
    links = support_links([action.pk for action in actions])
    for action in actions:
        action.served_by = links.get(action.pk, [])
    return actions
