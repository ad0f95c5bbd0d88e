"""Builders for grant tests: applications and grants made through the real services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from csa_portal.models import User
from grants.models import Grant, GrantApplication, GrantReport
from grants.services import (
    BudgetLineInput,
    ReportInput,
    TrancheInput,
    award_application,
    record_review,
    save_application,
    submit_application,
)
from organizations.models import Organization, ThematicArea

SCORES = {"relevance": 4, "design": 3, "capacity": 4, "budget": 3, "sustainability": 2}
BUDGET = [
    BudgetLineInput("personnel", "Coordinación del proyecto", Decimal("60000.00")),
    BudgetLineInput("events", "Talleres con jóvenes", Decimal("30000.00")),
    BudgetLineInput("travel", "Traslados a colonias", Decimal("10000.00")),
]


def application_fields(**overrides) -> dict:
    return {
        "kind": GrantApplication.Kind.THEMATIC,
        "theme": ThematicArea.objects.get(code="crime-prevention"),
        "title": "Jóvenes constructores de paz",
        "problem": "La violencia juvenil en colonias de Hermosillo.",
        "objectives": "Prevenir la violencia con mentorías.",
        "activities": "Talleres, mentorías y torneos.",
        "expected_results": "200 jóvenes acompañados.",
        "states": ["SON"],
        "requested_amount": Decimal("100000.00"),
        "currency": "MXN",
        "duration_months": 12,
        **overrides,
    }


def draft(
    organization: Organization, leader: User, *, budget=None, **overrides
) -> GrantApplication:
    return save_application(
        organization=organization,
        application=None,
        fields=application_fields(**overrides),
        budget_lines=BUDGET if budget is None else budget,
        by=leader,
    )


def submitted(organization: Organization, leader: User, **overrides) -> GrantApplication:
    application = draft(organization, leader, **overrides)
    return submit_application(application=application, by=leader)


def reviewed(organization, leader, staff, **overrides) -> GrantApplication:
    application = submitted(organization, leader, **overrides)
    record_review(
        application=application,
        reviewer=staff,
        scores=SCORES,
        recommendation="fund",
        comments="Comentario privado del comité.",
    )
    return application


TRANCHES = [
    TrancheInput(Decimal("60000.00"), date(2025, 2, 1), "Firma del convenio"),
    TrancheInput(Decimal("40000.00"), date(2025, 8, 1), "Informe intermedio aceptado"),
]
REPORTS = [
    ReportInput(GrantReport.Kind.NARRATIVE, date(2025, 7, 15)),
    ReportInput(GrantReport.Kind.FINANCIAL, date(2026, 1, 31)),
]


def awarded(
    organization,
    leader,
    staff,
    *,
    amount=Decimal("100000.00"),
    tranches=None,
    reports=None,
    currency="MXN",
    start=date(2025, 1, 15),
    end=date(2026, 1, 15),
    **overrides,
) -> Grant:
    application = reviewed(organization, leader, staff, currency=currency, **overrides)
    return award_application(
        application=application,
        amount=amount,
        currency=currency,
        start_date=start,
        end_date=end,
        tranches=TRANCHES if tranches is None else tranches,
        reports=REPORTS if reports is None else reports,
        conditions="Entregar listas de asistencia.",
        by=staff,
    )
