"""The legal assistance app's models, one module per concern; import them from here."""

from .cases import (
    FIRM_LOAD_STATUSES,
    OPEN_STATUSES,
    CaseDocument,
    CaseMessage,
    CaseNote,
    CaseStatus,
    ConfidentialAccess,
    FirmMatch,
    HoursEntry,
    LegalCase,
    Milestone,
    Urgency,
)
from .compliance import (
    ComplianceChange,
    ComplianceItem,
    ComplianceStatus,
    OrganizationCompliance,
)
from .network import FirmPracticeArea, LawFirm, Lawyer, LegalArea

__all__ = [
    "FIRM_LOAD_STATUSES",
    "OPEN_STATUSES",
    "CaseDocument",
    "CaseMessage",
    "CaseNote",
    "CaseStatus",
    "ComplianceChange",
    "ComplianceItem",
    "ComplianceStatus",
    "ConfidentialAccess",
    "FirmMatch",
    "FirmPracticeArea",
    "HoursEntry",
    "LawFirm",
    "Lawyer",
    "LegalArea",
    "LegalCase",
    "Milestone",
    "OrganizationCompliance",
    "Urgency",
]
