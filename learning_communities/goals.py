"""A shared goal's status from its latest progress entry.

- met: the latest value reached the target (in the goal's direction: up or down);
- at risk: past the due date and not met, or behind schedule: the share of the way from
  baseline to target covered is more than TOLERANCE behind the share of time elapsed
  between the day the goal was agreed and its due date;
- on track: otherwise.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .models import SharedGoal

TOLERANCE = Decimal("0.25")


def reached(goal: SharedGoal, value: Decimal) -> bool:
    return value >= goal.target if goal.target > goal.baseline else value <= goal.target


def covered(goal: SharedGoal, value: Decimal | None) -> Decimal:
    """The share (0-1, may pass 1) of the way from baseline to target."""
    if value is None:
        return Decimal(0)
    return (value - goal.baseline) / (goal.target - goal.baseline)


def elapsed(goal: SharedGoal, today: date) -> Decimal:
    span = (goal.due_on - goal.set_on).days
    done = (min(today, goal.due_on) - goal.set_on).days
    return Decimal(max(done, 0)) / Decimal(span)


def goal_status(goal: SharedGoal, latest: Decimal | None, today: date) -> str:
    if latest is not None and reached(goal, latest):
        return SharedGoal.Status.MET
    if today > goal.due_on:
        return SharedGoal.Status.AT_RISK
    if covered(goal, latest) < elapsed(goal, today) - TOLERANCE:
        return SharedGoal.Status.AT_RISK
    return SharedGoal.Status.ON_TRACK
