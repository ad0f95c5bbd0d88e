"""The learning_communities app's models, one module per concern; import them from here."""

from .communities import (
    CommunityMembership,
    CommunityMembershipQuerySet,
    CommunityQuerySet,
    LearningCommunity,
)
from .events import AgendaItem, Attendance, Event, EventNote, Facilitator, FollowUpAction
from .reports import NetworkPosition, NetworkSnapshot, Report
from .results import (
    Alliance,
    Collaboration,
    GoalProgress,
    KeyIssue,
    Outcome,
    SharedGoal,
    SharedResource,
)

__all__ = [
    "AgendaItem",
    "Alliance",
    "Attendance",
    "Collaboration",
    "CommunityMembership",
    "CommunityMembershipQuerySet",
    "CommunityQuerySet",
    "Event",
    "EventNote",
    "Facilitator",
    "FollowUpAction",
    "GoalProgress",
    "KeyIssue",
    "LearningCommunity",
    "NetworkPosition",
    "NetworkSnapshot",
    "Outcome",
    "Report",
    "SharedGoal",
    "SharedResource",
]
