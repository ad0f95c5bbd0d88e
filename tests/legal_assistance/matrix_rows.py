"""Legal assistance in the authorization matrix (see tests/matrix_support.py).

cast.lawyer is a lawyer of "Bufete Uno" (Sonora), cast.other_lawyer of "Despacho Dos"; cast.org has a case at each step, the
working one assigned to that firm. ConfidentialAccess is left out of MODELS on purpose: the
pages that show confidential details must write it on GET (the access log).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from legal_assistance.models import (
    CaseDocument,
    CaseMessage,
    CaseNote,
    ComplianceChange,
    ComplianceItem,
    FirmMatch,
    FirmPracticeArea,
    HoursEntry,
    LawFirm,
    Lawyer,
    LegalCase,
    Milestone,
    OrganizationCompliance,
)
from tests.matrix_support import LOGIN, Row

from .helpers import (
    TODAY,
    accepted_case,
    make_firm,
    make_lawyer,
    matched_case,
    more_info_case,
    pdf,
    requested_case,
    with_document_and_hours,
    working_case,
)


@dataclass
class Legal:
    firm: LawFirm
    lawyer: Lawyer
    requested: LegalCase
    more_info: LegalCase
    accepted: LegalCase
    matched: LegalCase
    working: LegalCase
    document: CaseDocument
    item: ComplianceItem


def build(world) -> Legal:
    cast = world.cast
    firm = make_firm("Bufete Uno", state="SON", areas=("corporate", "fiscal", "labor"))
    lawyer = make_lawyer(firm, cast.lawyer)
    other = make_firm("Despacho Dos", state="NL", areas=("fiscal", "aml"))
    make_lawyer(other, cast.other_lawyer)
    coordinator = cast.legal_coordinator
    working = working_case(cast.org, cast.leader, coordinator, lawyer, area="corporate")
    with_document_and_hours(working, lawyer, cast.leader)
    return Legal(
        firm=firm,
        lawyer=lawyer,
        requested=requested_case(cast.org, cast.leader),
        more_info=more_info_case(cast.org, cast.leader, coordinator),
        accepted=accepted_case(cast.org, cast.leader, coordinator),
        matched=matched_case(cast.org, cast.leader, coordinator, firm, area="labor"),
        working=working,
        document=working.documents.get(),
        item=ComplianceItem.objects.get(code="corporate-bylaws"),
    )


def _legal(w) -> Legal:
    return w.extra["legal_assistance"]


def _page(name: str):
    return lambda w: reverse(f"legal_assistance:{name}")


def _org(name: str):
    return lambda w: reverse(f"legal_assistance:{name}", args=[w.cast.org.pk])


def _case(name: str, which: str):
    return lambda w: reverse(f"legal_assistance:{name}", args=[getattr(_legal(w), which).pk])


URLS = {
    ("legal_assistance:desk", ""): _page("desk"),
    ("legal_assistance:case_list", ""): _page("case_list"),
    ("legal_assistance:my_cases", ""): _page("my_cases"),
    ("legal_assistance:access_log", ""): _page("access_log"),
    ("legal_assistance:organization_cases", ""): _org("organization_cases"),
    ("legal_assistance:request", ""): _org("request"),
    ("legal_assistance:case", "in progress"): _case("case", "working"),
    ("legal_assistance:case_history", "in progress"): _case("case_history", "working"),
    ("legal_assistance:triage", "requested"): _case("triage", "requested"),
    ("legal_assistance:more_info", "more info asked"): _case("more_info", "more_info"),
    ("legal_assistance:match", "accepted"): _case("match", "accepted"),
    ("legal_assistance:respond", "matched"): _case("respond", "matched"),
    ("legal_assistance:log_hours", "in progress"): _case("log_hours", "working"),
    ("legal_assistance:add_note", "in progress"): _case("add_note", "working"),
    ("legal_assistance:add_message", "in progress"): _case("add_message", "working"),
    ("legal_assistance:add_document", "in progress"): _case("add_document", "working"),
    ("legal_assistance:document", ""): lambda w: reverse(
        "legal_assistance:document", args=[_legal(w).working.pk, _legal(w).document.pk]
    ),
    ("legal_assistance:add_milestone", "in progress"): _case("add_milestone", "working"),
    ("legal_assistance:resolve", "in progress"): _case("resolve", "working"),
    ("legal_assistance:close", "in progress"): _case("close", "working"),
    ("legal_assistance:firms", ""): _page("firms"),
    ("legal_assistance:firm_create", ""): _page("firm_create"),
    ("legal_assistance:firm", ""): lambda w: reverse(
        "legal_assistance:firm", args=[_legal(w).firm.pk]
    ),
    ("legal_assistance:firm_edit", ""): lambda w: reverse(
        "legal_assistance:firm_edit", args=[_legal(w).firm.pk]
    ),
    ("legal_assistance:lawyer_add", ""): lambda w: reverse(
        "legal_assistance:lawyer_add", args=[_legal(w).firm.pk]
    ),
    ("legal_assistance:lawyer_edit", ""): lambda w: reverse(
        "legal_assistance:lawyer_edit", args=[_legal(w).lawyer.pk]
    ),
    ("legal_assistance:reports", ""): _page("reports"),
    ("legal_assistance:report_export", ""): _page("report_export"),
    ("legal_assistance:compliance_overview", ""): _page("compliance_overview"),
    ("legal_assistance:checklist", ""): _org("checklist"),
    ("legal_assistance:checklist_item", ""): lambda w: reverse(
        "legal_assistance:checklist_item", args=[w.cast.org.pk, _legal(w).item.pk]
    ),
}


def _firm_fields(name: str):
    return lambda w: {
        "name": name,
        "city": "Hermosillo",
        "state": "SON",
        "reference_hourly_rate": "1900",
        "yearly_pledged_hours": "120",
        "areas": ["labor", "corporate"],
        "is_active": "on",
    }


PAYLOADS = {
    "legal_assistance:request": lambda w: {
        "area": "labor",
        "subject": "Contratos",
        "need": "Necesitamos contratos para el equipo.",
        "urgency": "normal",
    },
    "legal_assistance:triage": lambda w: {"decision": "accept", "message": ""},
    "legal_assistance:more_info": lambda w: {"text": "Faltan 2019 y 2020."},
    "legal_assistance:match": lambda w: {"firm": _legal(w).firm.pk},
    "legal_assistance:respond": lambda w: {"conflict": "no", "reason": ""},
    "legal_assistance:log_hours": lambda w: {
        "worked_on": TODAY.isoformat(),
        "hours": "1.5",
        "description": "Llamada con la organización",
    },
    "legal_assistance:add_note": lambda w: {"text": "Revisar el poder notarial."},
    "legal_assistance:add_message": lambda w: {"text": "¿Pueden enviar el acta?"},
    "legal_assistance:add_document": lambda w: {"file": pdf(), "description": "Poder"},
    "legal_assistance:add_milestone": lambda w: {
        "title": "Acta protocolizada",
        "reached_on": TODAY.isoformat(),
    },
    "legal_assistance:resolve": lambda w: {"outcome": "Estatutos inscritos."},
    "legal_assistance:close": lambda w: {"note": "La organización desistió."},
    "legal_assistance:firm_create": _firm_fields("Bufete Nuevo"),
    "legal_assistance:firm_edit": _firm_fields("Bufete Uno Renombrado"),
    "legal_assistance:lawyer_add": lambda w: {
        "email": "nueva@bufete.test",
        "display_name": "Abogada Nueva",
        "practice_areas": ["labor"],
    },
    "legal_assistance:lawyer_edit": lambda w: {"practice_areas": ["corporate"], "is_active": "on"},
    "legal_assistance:checklist_item": lambda w: {
        "status": "compliant",
        "evidence": "Acta inscrita en 2024.",
        "checked_on": TODAY.isoformat(),
        "case": "",
    },
}

ALL_405 = (405,) * 10
# fmt: off
MATRIX = [
    #                                                         anon   staff legal admin leader member other lawyer lawyer2 deact
    # The coordinators' desk and the access log: legal coordinators (and superusers) only.
    Row("legal_assistance:desk", "GET",                      (LOGIN, 403,  200,  200,  403,   403,   403,  403,   403,   LOGIN)),
    Row("legal_assistance:desk", "POST",                     ALL_405),
    Row("legal_assistance:access_log", "GET",                (LOGIN, 403,  200,  200,  403,   403,   403,  403,   403,   LOGIN)),
    Row("legal_assistance:access_log", "POST",               ALL_405),
    # Program-wide pages (no confidential details): all program staff.
    Row("legal_assistance:case_list", "GET",                 (LOGIN, 200,  200,  200,  403,   403,   403,  403,   403,   LOGIN)),
    Row("legal_assistance:case_list", "POST",                ALL_405),
    Row("legal_assistance:firms", "GET",                     (LOGIN, 200,  200,  200,  403,   403,   403,  403,   403,   LOGIN)),
    Row("legal_assistance:firms", "POST",                    ALL_405),
    Row("legal_assistance:firm_create", "GET",               (LOGIN, 200,  200,  200,  403,   403,   403,  403,   403,   LOGIN)),
    Row("legal_assistance:firm_create", "POST",              (LOGIN, 302,  302,  302,  403,   403,   403,  403,   403,   LOGIN), writes=True),
    Row("legal_assistance:firm", "GET",                      (LOGIN, 200,  200,  200,  403,   403,   403,  403,   403,   LOGIN)),
    Row("legal_assistance:firm", "POST",                     ALL_405),
    Row("legal_assistance:firm_edit", "GET",                 (LOGIN, 200,  200,  200,  403,   403,   403,  403,   403,   LOGIN)),
    Row("legal_assistance:firm_edit", "POST",                (LOGIN, 302,  302,  302,  403,   403,   403,  403,   403,   LOGIN), writes=True),
    Row("legal_assistance:lawyer_add", "GET",                (LOGIN, 200,  200,  200,  403,   403,   403,  403,   403,   LOGIN)),
    Row("legal_assistance:lawyer_add", "POST",               (LOGIN, 302,  302,  302,  403,   403,   403,  403,   403,   LOGIN), writes=True),
    Row("legal_assistance:lawyer_edit", "GET",               (LOGIN, 200,  200,  200,  403,   403,   403,  403,   403,   LOGIN)),
    Row("legal_assistance:lawyer_edit", "POST",              (LOGIN, 302,  302,  302,  403,   403,   403,  403,   403,   LOGIN), writes=True),
    Row("legal_assistance:reports", "GET",                   (LOGIN, 200,  200,  200,  403,   403,   403,  403,   403,   LOGIN)),
    Row("legal_assistance:reports", "POST",                  ALL_405),
    Row("legal_assistance:report_export", "GET",             (LOGIN, 200,  200,  200,  403,   403,   403,  403,   403,   LOGIN)),
    Row("legal_assistance:report_export", "POST",            ALL_405),
    Row("legal_assistance:compliance_overview", "GET",       (LOGIN, 200,  200,  200,  403,   403,   403,  403,   403,   LOGIN)),
    Row("legal_assistance:compliance_overview", "POST",      ALL_405),
    # The lawyer's own list.
    Row("legal_assistance:my_cases", "GET",                  (LOGIN, 403,  403,  403,  403,   403,   403,  200,   200,   LOGIN)),
    Row("legal_assistance:my_cases", "POST",                 ALL_405),
    # One organization: its people and staff see it; its leaders (and coordinators) request help.
    Row("legal_assistance:organization_cases", "GET",        (LOGIN, 200,  200,  200,  200,   200,   404,  404,   404,   LOGIN)),
    Row("legal_assistance:organization_cases", "POST",       ALL_405),
    Row("legal_assistance:request", "GET",                   (LOGIN, 403,  200,  200,  200,   403,   404,  404,   404,   LOGIN)),
    Row("legal_assistance:request", "POST",                  (LOGIN, 403,  302,  302,  302,   403,   404,  404,   404,   LOGIN), writes=True),
    Row("legal_assistance:checklist", "GET",                 (LOGIN, 200,  200,  200,  200,   200,   404,  404,   404,   LOGIN)),
    Row("legal_assistance:checklist", "POST",                ALL_405),
    Row("legal_assistance:checklist_item", "GET",            (LOGIN, 200,  200,  200,  200,   403,   404,  404,   404,   LOGIN)),
    Row("legal_assistance:checklist_item", "POST",           (LOGIN, 302,  302,  302,  302,   403,   404,  404,   404,   LOGIN), writes=True),
    # A case: full for coordinators, the assigned firm's lawyers and the leaders; limited (area,
    # status, dates) for other staff and members; 404 for everyone else.
    Row("legal_assistance:case", "GET",                      (LOGIN, 200,  200,  200,  200,   200,   404,  200,   404,   LOGIN), "in progress"),
    Row("legal_assistance:case", "POST",                     ALL_405, "in progress"),
    Row("legal_assistance:case_history", "GET",              (LOGIN, 200,  200,  200,  200,   403,   404,  403,   404,   LOGIN), "in progress"),
    Row("legal_assistance:case_history", "POST",             ALL_405, "in progress"),
    Row("legal_assistance:document", "GET",                  (LOGIN, 403,  200,  200,  200,   403,   404,  200,   404,   LOGIN)),
    Row("legal_assistance:document", "POST",                 ALL_405),
    Row("legal_assistance:triage", "GET",                    ALL_405, "requested"),
    Row("legal_assistance:triage", "POST",                   (LOGIN, 403,  302,  302,  403,   403,   404,  404,   404,   LOGIN), "requested", writes=True),
    Row("legal_assistance:more_info", "GET",                 ALL_405, "more info asked"),
    Row("legal_assistance:more_info", "POST",                (LOGIN, 403,  403,  403,  302,   403,   404,  404,   404,   LOGIN), "more info asked", writes=True),
    Row("legal_assistance:match", "GET",                     ALL_405, "accepted"),
    Row("legal_assistance:match", "POST",                    (LOGIN, 403,  302,  302,  403,   403,   404,  404,   404,   LOGIN), "accepted", writes=True),
    Row("legal_assistance:respond", "GET",                   ALL_405, "matched"),
    Row("legal_assistance:respond", "POST",                  (LOGIN, 403,  403,  403,  403,   403,   404,  302,   404,   LOGIN), "matched", writes=True),
    Row("legal_assistance:log_hours", "GET",                 ALL_405, "in progress"),
    Row("legal_assistance:log_hours", "POST",                (LOGIN, 403,  403,  403,  403,   403,   404,  302,   404,   LOGIN), "in progress", writes=True),
    Row("legal_assistance:add_note", "GET",                  ALL_405, "in progress"),
    Row("legal_assistance:add_note", "POST",                 (LOGIN, 403,  302,  302,  403,   403,   404,  302,   404,   LOGIN), "in progress", writes=True),
    Row("legal_assistance:add_message", "GET",               ALL_405, "in progress"),
    Row("legal_assistance:add_message", "POST",              (LOGIN, 403,  302,  302,  302,   403,   404,  302,   404,   LOGIN), "in progress", writes=True),
    Row("legal_assistance:add_document", "GET",              ALL_405, "in progress"),
    Row("legal_assistance:add_document", "POST",             (LOGIN, 403,  302,  302,  302,   403,   404,  302,   404,   LOGIN), "in progress", writes=True),
    Row("legal_assistance:add_milestone", "GET",             ALL_405, "in progress"),
    Row("legal_assistance:add_milestone", "POST",            (LOGIN, 403,  302,  302,  403,   403,   404,  302,   404,   LOGIN), "in progress", writes=True),
    Row("legal_assistance:resolve", "GET",                   ALL_405, "in progress"),
    Row("legal_assistance:resolve", "POST",                  (LOGIN, 403,  302,  302,  403,   403,   404,  302,   404,   LOGIN), "in progress", writes=True),
    Row("legal_assistance:close", "GET",                     ALL_405, "in progress"),
    Row("legal_assistance:close", "POST",                    (LOGIN, 403,  302,  302,  403,   403,   404,  403,   404,   LOGIN), "in progress", writes=True),
]
# fmt: on

MODELS = [
    LawFirm,
    FirmPracticeArea,
    Lawyer,
    LegalCase,
    FirmMatch,
    HoursEntry,
    CaseNote,
    CaseMessage,
    CaseDocument,
    Milestone,
    OrganizationCompliance,
    ComplianceChange,
]
