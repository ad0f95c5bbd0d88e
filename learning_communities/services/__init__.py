"""Every state change of Learning Communities, one module per concern."""

from ..errors import CommunityError
from .communities import add_member, create_community, end_membership, update_community
from .events import (
    AttendanceEntry,
    add_facilitator,
    add_follow_up,
    add_note,
    create_event,
    decide_agenda_item,
    propose_agenda_item,
    record_attendance,
    remove_facilitator,
    set_follow_up_status,
    suggest_facilitators,
)
from .reports import (
    compute_network_snapshot,
    start_community_report,
    start_network_job,
    start_program_report,
)
from .results import (
    add_progress,
    create_alliance,
    create_goal,
    record_collaboration,
    record_outcome,
    share_resource,
)

__all__ = [
    "AttendanceEntry",
    "CommunityError",
    "add_facilitator",
    "add_follow_up",
    "add_member",
    "add_note",
    "add_progress",
    "compute_network_snapshot",
    "create_alliance",
    "create_community",
    "create_event",
    "create_goal",
    "decide_agenda_item",
    "end_membership",
    "propose_agenda_item",
    "record_attendance",
    "record_collaboration",
    "record_outcome",
    "remove_facilitator",
    "set_follow_up_status",
    "share_resource",
    "start_community_report",
    "start_network_job",
    "start_program_report",
    "suggest_facilitators",
    "update_community",
]
