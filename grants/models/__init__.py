"""The grants app's models, one module per concern; import them from here."""

from .applications import (
    CRITERIA,
    ApplicationAttachment,
    ApplicationQuerySet,
    BudgetCategory,
    BudgetLine,
    Currency,
    GrantApplication,
    Review,
)
from .awards import (
    Grant,
    GrantQuerySet,
    GrantReport,
    ReportAttachment,
    ReportQuerySet,
    SpendingLine,
    Tranche,
    TrancheQuerySet,
)

__all__ = [
    "CRITERIA",
    "ApplicationAttachment",
    "ApplicationQuerySet",
    "BudgetCategory",
    "BudgetLine",
    "Currency",
    "Grant",
    "GrantApplication",
    "GrantQuerySet",
    "GrantReport",
    "ReportAttachment",
    "ReportQuerySet",
    "Review",
    "SpendingLine",
    "Tranche",
    "TrancheQuerySet",
]
