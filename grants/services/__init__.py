"""Every state change of the grants app: keyword-only, transactional, never taking a request.

Each refusal raises GrantError with a translated message and saves nothing.
"""

from .applications import (
    BudgetLineInput,
    decline_application,
    record_review,
    remove_application_attachment,
    return_for_changes,
    save_application,
    submit_application,
)
from .awards import (
    ReportInput,
    TrancheInput,
    award_application,
    close_grant,
    record_tranche_payment,
    record_tranche_release,
    terminate_grant,
)
from .errors import GrantError
from .reports import (
    SpendingInput,
    accept_report,
    reschedule_report,
    return_report,
    submit_report,
)

__all__ = [
    "BudgetLineInput",
    "GrantError",
    "ReportInput",
    "SpendingInput",
    "TrancheInput",
    "accept_report",
    "award_application",
    "close_grant",
    "decline_application",
    "record_review",
    "record_tranche_payment",
    "record_tranche_release",
    "reschedule_report",
    "return_for_changes",
    "return_report",
    "remove_application_attachment",
    "save_application",
    "submit_application",
    "submit_report",
    "terminate_grant",
]
