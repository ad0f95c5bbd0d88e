"""Firms, lawyers and cases at each step of the workflow, built through the real services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from csa_portal.models import User
from legal_assistance.models import LawFirm, Lawyer, LegalCase
from legal_assistance.services.cases import (
    ACCEPT,
    ASK_FOR_MORE,
    add_document,
    log_hours,
    match_firm,
    request_assistance,
    respond_to_match,
    triage,
)
from legal_assistance.services.network import add_lawyer, save_firm
from organizations.models import Organization

TODAY = timezone.localdate()


def make_firm(
    name: str = "Bufete Uno",
    *,
    state: str = "SON",
    areas: tuple[str, ...] = ("corporate", "fiscal", "labor"),
    rate: str = "2000",
    pledged: int = 100,
    active: bool = True,
) -> LawFirm:
    return save_firm(
        firm=None,
        fields={
            "name": name,
            "city": "Ciudad",
            "state": state,
            "reference_hourly_rate": Decimal(rate),
            "yearly_pledged_hours": pledged,
            "is_active": active,
        },
        areas=list(areas),
    )


def make_lawyer(firm: LawFirm, user: User) -> Lawyer:
    return add_lawyer(
        firm=firm, email=user.email, display_name=str(user), practice_areas=["fiscal"]
    )


def requested_case(
    organization: Organization,
    by: User,
    *,
    area: str = "fiscal",
    opened_on: date | None = None,
    subject: str = "Declaraciones pendientes",
) -> LegalCase:
    return request_assistance(
        organization=organization,
        area=area,
        subject=subject,
        need="Tenemos declaraciones anuales pendientes desde 2019.",
        urgency="normal",
        requested_by=by,
        opened_on=opened_on,
    )


def more_info_case(organization: Organization, leader: User, coordinator: User, **kw) -> LegalCase:
    case = requested_case(organization, leader, **kw)
    return triage(case=case, decision=ASK_FOR_MORE, by=coordinator, message="¿Qué años faltan?")


def accepted_case(organization: Organization, leader: User, coordinator: User, **kw) -> LegalCase:
    case = requested_case(organization, leader, **kw)
    return triage(case=case, decision=ACCEPT, by=coordinator)


def matched_case(
    organization: Organization, leader: User, coordinator: User, firm: LawFirm, **kw
) -> LegalCase:
    case = accepted_case(organization, leader, coordinator, **kw)
    match_firm(case=case, firm=firm, by=coordinator)
    return case


def working_case(
    organization: Organization, leader: User, coordinator: User, lawyer: Lawyer, **kw
) -> LegalCase:
    """In progress with the lawyer's firm (which confirmed it has no conflict)."""
    case = matched_case(organization, leader, coordinator, lawyer.firm, **kw)
    return respond_to_match(case=case, lawyer=lawyer, conflict=False)


def pdf(name: str = "acta.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 documento de prueba", "application/pdf")


def with_document_and_hours(case: LegalCase, lawyer: Lawyer, by: User) -> LegalCase:
    add_document(case=case, upload=pdf(), description="Acta", by=by)
    log_hours(
        case=case,
        lawyer=lawyer,
        worked_on=TODAY,
        hours=Decimal("2.5"),
        description="Revisión del acta",
    )
    return case
