"""Confidentiality: who sees a case's details, notes, messages and documents, on every legal
view, and the access log that every view of them writes.

Full: legal coordinators (superusers too), the assigned firm's lawyers, the organization's
leaders. Limited (area, status, dates): program staff without the coordinator role and the
organization's members. Nothing (404): everyone else, e.g. another firm's lawyer. Notes are the
firm's and the coordinators' working notes: leaders see the messages, not the notes.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from legal_assistance.models import ConfidentialAccess
from legal_assistance.services.cases import add_document, add_message, add_note

from .helpers import pdf, working_case

SUBJECT = "Asunto-secreto-del-caso"
NEED = "Necesidad-confidencial-de-la-organizacion"
MESSAGE = "Mensaje-confidencial-entre-las-partes"
NOTE = "Nota-de-trabajo-del-despacho"
DOCUMENT = "expediente-confidencial.pdf"
SECRETS = (SUBJECT, NEED, MESSAGE, NOTE, DOCUMENT)

FULL = ("legal_coordinator", "admin", "leader", "lawyer")
LIMITED = ("staff", "member")
NOTHING = ("other_leader", "other_lawyer")


@pytest.fixture
def secret_case(cast, network):
    from legal_assistance.services.cases import request_assistance

    case = request_assistance(
        organization=cast.org,
        area="corporate",
        subject=SUBJECT,
        need=NEED,
        urgency="normal",
        requested_by=cast.leader,
    )
    from legal_assistance.services.cases import ACCEPT, match_firm, respond_to_match, triage

    triage(case=case, decision=ACCEPT, by=cast.legal_coordinator)
    match_firm(case=case, firm=network.firm, by=cast.legal_coordinator)
    respond_to_match(case=case, lawyer=network.lawyer, conflict=False)
    add_message(case=case, author=cast.leader, text=MESSAGE)
    add_note(case=case, author=cast.lawyer, text=NOTE)
    add_document(case=case, upload=pdf(DOCUMENT), description="", by=cast.leader)
    return case


def persona(cast, network, name):
    return network.other_lawyer.user if name == "other_lawyer" else getattr(cast, name)


def test_the_case_page_shows_details_only_to_the_three_confidential_roles(
    cast, network, secret_case, client_for
):
    url = reverse("legal_assistance:case", args=[secret_case.pk])
    seen = {}
    for name in FULL + LIMITED + NOTHING:
        response = client_for(persona(cast, network, name)).get(url)
        html = response.content.decode()
        seen[name] = (response.status_code, [s for s in SECRETS if s in html])

    assert seen == {
        "legal_coordinator": (200, list(SECRETS)),
        "admin": (200, list(SECRETS)),
        "leader": (200, [SUBJECT, NEED, MESSAGE, DOCUMENT]),  # no working notes
        "lawyer": (200, list(SECRETS)),
        "staff": (200, []),
        "member": (200, []),
        "other_leader": (404, []),
        "other_lawyer": (404, []),
    }


def test_the_limited_page_shows_area_status_and_dates(cast, network, secret_case, client_for):
    for name in LIMITED:
        html = (
            client_for(getattr(cast, name))
            .get(reverse("legal_assistance:case", args=[secret_case.pk]))
            .content.decode()
        )
        assert 'data-testid="limited-view"' in html
        assert "Corporate" in html and "In progress" in html
        assert network.firm.name not in html  # who works the case is a detail too
        assert "hours-form" not in html and "Upload" not in html


def legal_get_urls(cast, case, document) -> list[str]:
    """Every legal page a GET can open (the case page and the document are checked above)."""
    org = cast.org.pk
    return [
        reverse("legal_assistance:desk"),
        reverse("legal_assistance:case_list"),
        reverse("legal_assistance:my_cases"),
        reverse("legal_assistance:access_log"),
        reverse("legal_assistance:organization_cases", args=[org]),
        reverse("legal_assistance:request", args=[org]),
        reverse("legal_assistance:firms"),
        reverse("legal_assistance:firm", args=[case.firm_id]),
        reverse("legal_assistance:reports"),
        reverse("legal_assistance:report_export"),
        reverse("legal_assistance:compliance_overview"),
        reverse("legal_assistance:checklist", args=[org]),
        reverse("organizations:detail", args=[org]),
        reverse("home"),
    ]


@pytest.mark.parametrize("name", FULL + LIMITED + NOTHING)
def test_no_list_panel_or_report_shows_confidential_details(
    cast, network, secret_case, client_for, name
):
    client = client_for(persona(cast, network, name))
    document = secret_case.documents.get()
    leaks = []
    for url in legal_get_urls(cast, secret_case, document):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", errors="replace")
        leaks += [(url, s) for s in SECRETS if s in text]

    assert leaks == []
    # Lists show no details, so they log nothing; only the case page and documents do.
    assert not ConfidentialAccess.objects.exists()


def test_every_view_of_the_details_is_logged_once_with_who_what_and_when(
    cast, network, secret_case, client_for
):
    url = reverse("legal_assistance:case", args=[secret_case.pk])
    for name in FULL + LIMITED + NOTHING:
        client_for(persona(cast, network, name)).get(url)
    client_for(cast.leader).get(url)  # a second view is a second row

    rows = list(
        ConfidentialAccess.objects.order_by("id").values_list("user__email", "case_id", "what")
    )
    assert rows == [
        ("legal@test.mx", secret_case.pk, "case"),
        ("admin@test.mx", secret_case.pk, "case"),
        ("leader@test.mx", secret_case.pk, "case"),
        ("lawyer@test.mx", secret_case.pk, "case"),
        ("leader@test.mx", secret_case.pk, "case"),
    ]
    assert all(a.viewed_at is not None for a in ConfidentialAccess.objects.all())


def test_document_downloads_are_checked_and_logged(cast, network, secret_case, client_for):
    document = secret_case.documents.get()
    url = reverse("legal_assistance:document", args=[secret_case.pk, document.pk])
    statuses = {}
    for name in FULL + LIMITED + NOTHING:
        response = client_for(persona(cast, network, name)).get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        statuses[name] = response.status_code

    assert statuses == {
        "legal_coordinator": 200,
        "admin": 200,
        "leader": 200,
        "lawyer": 200,
        "staff": 403,
        "member": 403,
        "other_leader": 404,
        "other_lawyer": 404,
    }
    logged = ConfidentialAccess.objects.filter(what="document")
    assert logged.count() == 4 and {a.document_id for a in logged} == {document.pk}


def test_the_admin_pages_of_a_case_its_hours_and_documents_are_logged(
    cast, network, secret_case, client_for
):
    """The admin shows the need, the hours and the document: each view of them is logged as
    the case page's are; the lists and a POST log nothing more."""
    from legal_assistance.services.cases import log_hours

    entry = log_hours(
        case=secret_case,
        lawyer=network.lawyer,
        worked_on=secret_case.opened_on,
        hours=Decimal(2),
        description="Revisión",
    )
    document = secret_case.documents.get()
    admin = client_for(cast.admin)
    pages = {
        "case": reverse("admin:legal_assistance_legalcase_change", args=[secret_case.pk]),
        "hours": reverse("admin:legal_assistance_hoursentry_change", args=[entry.pk]),
        "document": reverse("admin:legal_assistance_casedocument_change", args=[document.pk]),
    }
    ConfidentialAccess.objects.all().delete()

    case_page = admin.get(pages["case"])
    assert case_page.status_code == 200 and NEED in case_page.text
    assert admin.get(pages["hours"]).status_code == 200
    assert admin.get(pages["document"]).status_code == 200
    assert admin.get(reverse("admin:legal_assistance_legalcase_changelist")).status_code == 200

    logged = list(ConfidentialAccess.objects.order_by("id").values_list("what", "document_id"))
    assert logged == [("case", None), ("case", None), ("document", document.pk)]
    assert {a.user_id for a in ConfidentialAccess.objects.all()} == {cast.admin.pk}
    assert {a.case_id for a in ConfidentialAccess.objects.all()} == {secret_case.pk}


def test_a_document_of_another_case_is_not_found_through_this_case(
    cast, network, secret_case, client_for
):
    other = working_case(cast.org, cast.leader, cast.legal_coordinator, network.lawyer)
    document = secret_case.documents.get()

    response = client_for(cast.leader).get(
        reverse("legal_assistance:document", args=[other.pk, document.pk])
    )

    assert response.status_code == 404
    assert not ConfidentialAccess.objects.filter(what="document").exists()


def test_the_document_downloads_with_its_name_and_never_renders(
    cast, network, secret_case, client_for
):
    document = secret_case.documents.get()
    response = client_for(cast.lawyer).get(
        reverse("legal_assistance:document", args=[secret_case.pk, document.pk])
    )
    body = b"".join(response.streaming_content)

    assert body == b"%PDF-1.4 documento de prueba"
    assert response["Content-Disposition"].startswith("attachment")
    assert DOCUMENT in response["Content-Disposition"]


def test_a_lawyer_opening_another_firms_case_gets_404_everywhere(
    cast, network, secret_case, client_for
):
    client = client_for(network.other_lawyer.user)
    pk = secret_case.pk
    responses = [
        client.get(reverse("legal_assistance:case", args=[pk])),
        client.post(
            reverse("legal_assistance:log_hours", args=[pk]),
            {"worked_on": "2026-01-05", "hours": "1", "description": "x"},
        ),
        client.post(reverse("legal_assistance:add_note", args=[pk]), {"text": "x"}),
        client.post(reverse("legal_assistance:respond", args=[pk]), {"conflict": "no"}),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert secret_case.hours.count() == 0 and secret_case.notes.count() == 1


def test_a_firm_that_declined_for_a_conflict_loses_access(cast, network, client_for):
    from legal_assistance.services.cases import respond_to_match

    from .helpers import matched_case

    case = matched_case(cast.org, cast.leader, cast.legal_coordinator, network.firm)
    url = reverse("legal_assistance:case", args=[case.pk])
    assert client_for(cast.lawyer).get(url).status_code == 200

    respond_to_match(case=case, lawyer=network.lawyer, conflict=True, reason="Conflicto")

    assert client_for(cast.lawyer).get(url).status_code == 404


def test_coordinators_read_the_access_log(cast, network, secret_case, client_for):
    client_for(cast.leader).get(reverse("legal_assistance:case", args=[secret_case.pk]))
    client = client_for(cast.legal_coordinator)

    html = client.get(reverse("legal_assistance:access_log")).content.decode()
    filtered = client.get(
        reverse("legal_assistance:access_log"), {"case": secret_case.pk + 1}
    ).content.decode()

    assert "leader@test.mx" in html and secret_case.reference in html
    assert "Case details, notes and messages" in html
    assert "leader@test.mx" not in filtered
    assert client.get(reverse("legal_assistance:access_log"), {"case": "²"}).status_code == 200


@pytest.mark.parametrize(
    ("language", "newest", "newer", "older"),
    [
        ("en", "Newest", "Newer", "Older"),
        ("es", "Lo más reciente", "Más recientes", "Más antiguos"),
    ],
)
def test_the_access_log_pages_back_from_a_row_keeping_its_case_filter(
    cast, secret_case, client_for, language, newest, newer, older
):
    """A log that gains a row on every view is paged from a row, not counted (60 rows here:
    two pages of 50)."""
    ConfidentialAccess.objects.bulk_create(
        ConfidentialAccess(case=secret_case, user=cast.leader, what="case") for _ in range(60)
    )
    cast.legal_coordinator.preferred_language = language
    cast.legal_coordinator.save(update_fields=["preferred_language"])
    client = client_for(cast.legal_coordinator)
    log_url = reverse("legal_assistance:access_log")
    ids = list(
        ConfidentialAccess.objects.order_by("-viewed_at", "-id").values_list("id", flat=True)
    )

    first = client.get(log_url, {"case": secret_case.pk})
    second = client.get(log_url, {"case": secret_case.pk, "before": ids[49]})

    assert first.context["page"].older == ids[49]
    assert f"?case={secret_case.pk}&amp;before={ids[49]}" in first.content.decode()
    assert f">{older}<" in first.content.decode() and f">{newer}<" not in first.content.decode()
    assert [row.pk for row in second.context["page"]] == ids[50:]
    html = second.content.decode()
    assert f"?case={secret_case.pk}&amp;after={ids[50]}" in html
    assert f">{newest}<" in html and f">{newer}<" in html and f">{older}<" not in html
