"""This app's panels on the home and organization pages (see csa_portal.panels)."""

from __future__ import annotations

from csa_portal.panels import register_panel
from organizations.models import Membership

from .access import lawyer_for
from .checklist import organization_checklist
from .models import CaseStatus, LegalCase

OPEN_SHOWN = 5


def organization_legal(request, organization) -> dict | None:
    """Cases (area, status, dates only) and the compliance summary of one organization."""
    user = request.user
    cases = list(
        organization.legal_cases.filter(
            status__in=[
                CaseStatus.REQUESTED,
                CaseStatus.MORE_INFO,
                CaseStatus.ACCEPTED,
                CaseStatus.MATCHED,
                CaseStatus.IN_PROGRESS,
            ]
        ).order_by("-opened_on", "-id")[: OPEN_SHOWN + 1]
    )
    counts = organization.legal_cases.count_by_status()
    checklist = organization_checklist(organization)
    return {
        "cases": cases[:OPEN_SHOWN],
        "more": len(cases) > OPEN_SHOWN,
        "total": sum(counts.values()),
        "resolved": counts.get(CaseStatus.RESOLVED, 0) + counts.get(CaseStatus.CLOSED, 0),
        "summaries": checklist.summaries,
        "overall": checklist.overall,
        "can_request": user.has_perm("legal_assistance.request_assistance", organization),
    }


def lawyer_cases(request) -> dict | None:
    """A lawyer's firm's open cases: those awaiting the conflict check first."""
    if request.user.is_program_staff:
        return None  # staff cannot be lawyers; spares the query
    lawyer = lawyer_for(request.user)
    if lawyer is None:
        return None
    cases = list(
        LegalCase.objects.of_firm(lawyer.firm_id)
        .filter(status__in=[CaseStatus.MATCHED, CaseStatus.IN_PROGRESS])
        .select_related("organization")
        .order_by("status", "-opened_on")[:20]
    )
    return {"lawyer": lawyer, "cases": cases}


def leader_cases(request) -> dict | None:
    """Cases of the organizations a user leads that wait for them (more information asked)."""
    if request.user.is_program_staff:
        return None
    led = Membership.objects.active().leaders().filter(user=request.user)
    cases = list(
        LegalCase.objects.filter(
            organization_id__in=led.values("organization_id"), status=CaseStatus.MORE_INFO
        )
        .select_related("organization")
        .order_by("opened_on")[:20]
    )
    return {"cases": cases} if cases else None


def coordinator_desk(request) -> dict | None:
    if not request.user.is_legal_coordinator:
        return None
    counts = LegalCase.objects.filter(
        status__in=[CaseStatus.REQUESTED, CaseStatus.ACCEPTED, CaseStatus.MATCHED]
    ).count_by_status()
    return {
        "to_triage": counts.get(CaseStatus.REQUESTED, 0),
        "to_match": counts.get(CaseStatus.ACCEPTED, 0),
        "awaiting_firm": counts.get(CaseStatus.MATCHED, 0),
    }


def register() -> None:
    register_panel(
        page="organization",
        name="legal_assistance",
        order=40,
        template="legal_assistance/panels/organization.html",
        load=organization_legal,
    )
    register_panel(
        page="home",
        name="legal_desk",
        order=30,
        template="legal_assistance/panels/desk.html",
        load=coordinator_desk,
    )
    register_panel(
        page="home",
        name="legal_lawyer",
        order=31,
        template="legal_assistance/panels/lawyer.html",
        load=lawyer_cases,
    )
    register_panel(
        page="home",
        name="legal_leader",
        order=32,
        template="legal_assistance/panels/leader.html",
        load=leader_cases,
    )
