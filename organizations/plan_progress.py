"""Reads for improvement plan pages: each goal's baseline, target and latest score.

A fixed number of queries per plan whatever its size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, Subquery
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
    baseline, latest_by_code = _baseline_and_latest_scores(plan)
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


def _baseline_and_latest_scores(plan: ImprovementPlan) -> tuple[dict, dict]:
    """The area scores of the plan's assessment, by area, and of the organization's latest
    scored assessment on the same instrument (any version: by area code), in one query rather
    than three (scores, latest assessment, its scores). Both are the same rows when the plan's
    assessment is still the latest."""
    latest = (
        Assessment.objects.validated()
        .filter(
            scored_at__isnull=False,
            organization_id=plan.organization_id,
            framework__code=plan.assessment.framework.code,
        )
        .order_by("-assessed_on", "-id")
        .values("pk")[:1]
    )
    rows = (
        AreaScore.objects.filter(
            Q(assessment_id=plan.assessment_id) | Q(assessment=Subquery(latest))
        )
        .annotate(latest_id=Subquery(latest))
        .values_list("assessment_id", "latest_id", "area_id", "area__code", "score")
    )
    baseline, latest_by_code = {}, {}
    for assessment_id, latest_id, area_id, area_code, score in rows:
        if assessment_id == plan.assessment_id:
            baseline[area_id] = score
        if assessment_id == latest_id:
            latest_by_code[area_code] = score
    return baseline, latest_by_code


def plan_actions(plan: ImprovementPlan) -> list[Action]:
    """The plan's actions, each with `served_by`: the grants, cases ... that serve it."""
    actions = list(
        plan.actions.select_related("goal__area", "responsible").order_by("due_date", "id")
    )
    links = support_links([action.pk for action in actions])
    for action in actions:
        action.served_by = links.get(action.pk, [])
    return actions
