"""The grants app's rows of the authorization matrix (see tests/matrix_support.py).

Reading: the organization's people and staff; outsiders (another CSO's leader, a lawyer) 404.
Writing an application or a report: the organization's leaders (members 403, staff 403: the
CSO writes in its own words). Reviewing, deciding and managing grants: staff (CSO people 403).
The admin is a superuser, whom Django grants every permission.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants.models import (
    ApplicationAttachment,
    BudgetLine,
    Grant,
    GrantApplication,
    GrantReport,
    ReportAttachment,
    Review,
    SpendingLine,
    Tranche,
)
from grants.services import SpendingInput, record_tranche_release, save_application, submit_report
from tests.grants.helpers import BUDGET, application_fields, awarded, reviewed
from tests.matrix_support import LOGIN, Row


def build(world) -> dict[str, Any]:
    cast = world.cast
    draft = save_application(
        organization=cast.org,
        application=None,
        fields=application_fields(title="Borrador"),
        budget_lines=BUDGET,
        attachments=[SimpleUploadedFile("carta.pdf", b"%PDF-1.4 carta", "application/pdf")],
        by=cast.leader,
    )
    under_review = reviewed(cast.org, cast.leader, cast.staff, title="En revisión")
    grant = awarded(cast.org, cast.leader, cast.staff, title="Otorgado")
    first, second = grant.tranches.order_by("number")
    record_tranche_release(tranche=first, on=date(2025, 2, 1), by=cast.staff)
    narrative, financial = grant.reports.order_by("due_date")
    line = grant.application.budget_lines.first()
    submit_report(
        report=financial,
        narrative="",
        spending=[SpendingInput(line.pk, Decimal("1000.00"))],
        attachments=[SimpleUploadedFile("gastos.pdf", b"%PDF-1.4 gastos", "application/pdf")],
        by=cast.leader,
    )
    return {
        "draft": draft,
        "draft_file": draft.attachments.get(),
        "under_review": under_review,
        "grant": grant,
        "released": first,
        "unreleased": second,
        "pending_report": narrative,
        "submitted_report": financial,
        "report_file": financial.attachments.get(),
    }


def _o(w) -> dict[str, Any]:
    return w.extra["grants"]


def _application_form(title: str) -> dict[str, Any]:
    return {
        "kind": "thematic_project",
        "title": title,
        "currency": "MXN",
        "budget-TOTAL_FORMS": "1",
        "budget-INITIAL_FORMS": "0",
        "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "1000",
        "budget-0-category": "materials",
        "budget-0-description": "Papelería",
        "budget-0-amount": "1500.00",
    }


def _award(w) -> dict[str, Any]:
    return {
        "amount": "90000.00",
        "currency": "MXN",
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "tranches-TOTAL_FORMS": "2",
        "tranches-INITIAL_FORMS": "0",
        "tranches-0-amount": "50000.00",
        "tranches-0-planned_date": "2026-01-15",
        "tranches-1-amount": "40000.00",
        "tranches-1-planned_date": "2026-07-15",
        "reports-TOTAL_FORMS": "1",
        "reports-INITIAL_FORMS": "0",
        "reports-0-kind": "narrative",
        "reports-0-due_date": "2026-12-31",
    }


SCORES = {
    f"score_{c}": "3" for c in ("relevance", "design", "capacity", "budget", "sustainability")
}

URLS = {
    ("grants:portfolio", ""): lambda w: reverse("grants:portfolio"),
    ("grants:portfolio_export", ""): lambda w: reverse("grants:portfolio_export"),
    ("grants:queue", ""): lambda w: reverse("grants:queue"),
    ("grants:organization", ""): lambda w: reverse("grants:organization", args=[w.cast.org.pk]),
    ("grants:apply", ""): lambda w: reverse("grants:apply", args=[w.cast.org.pk]),
    ("grants:application", ""): lambda w: reverse("grants:application", args=[_o(w)["draft"].pk]),
    ("grants:application_edit", ""): lambda w: reverse(
        "grants:application_edit", args=[_o(w)["draft"].pk]
    ),
    ("grants:application_submit", ""): lambda w: reverse(
        "grants:application_submit", args=[_o(w)["draft"].pk]
    ),
    ("grants:application_file", ""): lambda w: reverse(
        "grants:application_file", args=[_o(w)["draft"].pk, _o(w)["draft_file"].pk]
    ),
    ("grants:application_file_delete", ""): lambda w: reverse(
        "grants:application_file_delete", args=[_o(w)["draft"].pk, _o(w)["draft_file"].pk]
    ),
    ("grants:review", ""): lambda w: reverse("grants:review", args=[_o(w)["under_review"].pk]),
    ("grants:return", ""): lambda w: reverse("grants:return", args=[_o(w)["under_review"].pk]),
    ("grants:decline", ""): lambda w: reverse("grants:decline", args=[_o(w)["under_review"].pk]),
    ("grants:award", ""): lambda w: reverse("grants:award", args=[_o(w)["under_review"].pk]),
    ("grants:grant", ""): lambda w: reverse("grants:grant", args=[_o(w)["grant"].pk]),
    ("grants:grant_history", ""): lambda w: reverse(
        "grants:grant_history", args=[_o(w)["grant"].pk]
    ),
    ("grants:close", "reports pending"): lambda w: reverse(
        "grants:close", args=[_o(w)["grant"].pk]
    ),
    ("grants:terminate", ""): lambda w: reverse("grants:terminate", args=[_o(w)["grant"].pk]),
    ("grants:tranche_release", ""): lambda w: reverse(
        "grants:tranche_release", args=[_o(w)["grant"].pk, _o(w)["unreleased"].pk]
    ),
    ("grants:tranche_pay", ""): lambda w: reverse(
        "grants:tranche_pay", args=[_o(w)["grant"].pk, _o(w)["released"].pk]
    ),
    ("grants:report", ""): lambda w: reverse(
        "grants:report", args=[_o(w)["grant"].pk, _o(w)["pending_report"].pk]
    ),
    ("grants:report_review", ""): lambda w: reverse(
        "grants:report_review", args=[_o(w)["grant"].pk, _o(w)["submitted_report"].pk]
    ),
    ("grants:report_reschedule", ""): lambda w: reverse(
        "grants:report_reschedule", args=[_o(w)["grant"].pk, _o(w)["pending_report"].pk]
    ),
    ("grants:report_file", ""): lambda w: reverse(
        "grants:report_file",
        args=[_o(w)["grant"].pk, _o(w)["submitted_report"].pk, _o(w)["report_file"].pk],
    ),
}

PAYLOADS = {
    "grants:apply": lambda w: _application_form("Nueva solicitud"),
    "grants:application_edit": lambda w: _application_form("Borrador cambiado"),
    "grants:review": lambda w: {**SCORES, "recommendation": "fund_with_changes"},
    "grants:return": lambda w: {"message": "Detallen el presupuesto de viajes."},
    "grants:decline": lambda w: {"reason": "Fuera de las prioridades de este año."},
    "grants:award": _award,
    "grants:terminate": lambda w: {"reason": "La organización se disolvió."},
    "grants:tranche_release": lambda w: {"on": "2025-08-01"},
    "grants:tranche_pay": lambda w: {"on": "2025-02-20"},
    "grants:report": lambda w: {"narrative": "Realizamos doce talleres."},
    "grants:report_review": lambda w: {"decision": "accept"},
    "grants:report_reschedule": lambda w: {"due_date": "2025-09-30"},
}

M405 = (405,) * 10
# fmt: off
#            anon   staff legal admin leader member other lawyer lawyer2 deact
STAFF_PAGE = (LOGIN, 200,  200,  200,  403,   403,   403,  403,   403,   LOGIN)
READ       = (LOGIN, 200,  200,  200,  200,   200,   404,  404,   404,   LOGIN)
CSO_FORM   = (LOGIN, 403,  403,  200,  200,   403,   404,  404,   404,   LOGIN)
CSO_WRITE  = (LOGIN, 403,  403,  302,  302,   403,   404,  404,   404,   LOGIN)
STAFF_FORM = (LOGIN, 200,  200,  200,  403,   403,   404,  404,   404,   LOGIN)
STAFF_WRITE = (LOGIN, 302, 302,  302,  403,   403,   404,  404,   404,   LOGIN)
HISTORY    = (LOGIN, 200,  200,  200,  200,   403,   404,  404,   404,   LOGIN)

MATRIX = [
    Row("grants:portfolio", "GET", STAFF_PAGE),
    Row("grants:portfolio", "POST", M405),
    Row("grants:portfolio_export", "GET", STAFF_PAGE),
    Row("grants:portfolio_export", "POST", M405),
    Row("grants:queue", "GET", STAFF_PAGE),
    Row("grants:queue", "POST", M405),
    Row("grants:organization", "GET", READ),
    Row("grants:organization", "POST", M405),
    Row("grants:apply", "GET", CSO_FORM),
    Row("grants:apply", "POST", CSO_WRITE, writes=True),
    Row("grants:application", "GET", READ),
    Row("grants:application", "POST", M405),
    Row("grants:application_edit", "GET", CSO_FORM),
    Row("grants:application_edit", "POST", CSO_WRITE, writes=True),
    Row("grants:application_submit", "GET", M405),
    Row("grants:application_submit", "POST", CSO_WRITE, writes=True),
    Row("grants:application_file", "GET", READ),
    Row("grants:application_file", "POST", M405),
    Row("grants:application_file_delete", "GET", M405),
    Row("grants:application_file_delete", "POST", CSO_WRITE, writes=True),
    Row("grants:review", "GET", M405),
    Row("grants:review", "POST", STAFF_WRITE, writes=True),
    Row("grants:return", "GET", M405),
    Row("grants:return", "POST", STAFF_WRITE, writes=True),
    Row("grants:decline", "GET", M405),
    Row("grants:decline", "POST", STAFF_WRITE, writes=True),
    Row("grants:award", "GET", STAFF_FORM),
    Row("grants:award", "POST", STAFF_WRITE, writes=True),
    Row("grants:grant", "GET", READ),
    Row("grants:grant", "POST", M405),
    Row("grants:grant_history", "GET", HISTORY),
    Row("grants:grant_history", "POST", M405),
    # Refused by the workflow (reports not accepted yet): a message, a redirect, nothing written.
    Row("grants:close", "GET", M405, "reports pending"),
    Row("grants:close", "POST", STAFF_WRITE, "reports pending"),
    Row("grants:terminate", "GET", M405),
    Row("grants:terminate", "POST", STAFF_WRITE, writes=True),
    Row("grants:tranche_release", "GET", M405),
    Row("grants:tranche_release", "POST", STAFF_WRITE, writes=True),
    Row("grants:tranche_pay", "GET", M405),
    Row("grants:tranche_pay", "POST", STAFF_WRITE, writes=True),
    Row("grants:report", "GET", READ),
    Row("grants:report", "POST", CSO_WRITE, writes=True),
    Row("grants:report_review", "GET", M405),
    Row("grants:report_review", "POST", STAFF_WRITE, writes=True),
    Row("grants:report_reschedule", "GET", M405),
    Row("grants:report_reschedule", "POST", STAFF_WRITE, writes=True),
    Row("grants:report_file", "GET", READ),
    Row("grants:report_file", "POST", M405),
]
# fmt: on

MODELS = [
    GrantApplication,
    BudgetLine,
    ApplicationAttachment,
    Review,
    Grant,
    Tranche,
    GrantReport,
    SpendingLine,
    ReportAttachment,
]
