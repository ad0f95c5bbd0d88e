"""The pages: each works for the right person and reports refusals clearly with nothing saved.
Who may call each URL is in the authorization matrix (matrix_rows.py)."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from legal_assistance.models import (
    CaseDocument,
    CaseStatus,
    HoursEntry,
    LawFirm,
    Lawyer,
    LegalCase,
)
from organizations.uploads import EVIDENCE_MAX_BYTES

from .helpers import (
    TODAY,
    accepted_case,
    matched_case,
    more_info_case,
    pdf,
    requested_case,
    working_case,
)


def url(name, *args):
    return reverse(f"legal_assistance:{name}", args=[getattr(a, "pk", a) for a in args])


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def working(cast, network):
    return working_case(cast.org, cast.leader, cast.legal_coordinator, network.lawyer)


# --- Requesting help ---------------------------------------------------------------------


def test_a_leader_requests_help_with_a_document(cast, network, client_for):
    client = client_for(cast.leader)
    page = client.get(url("request", cast.org))
    response = client.post(
        url("request", cast.org),
        {
            "area": "labor",
            "subject": "Contratos",
            "need": "Necesitamos contratos.",
            "urgency": "high",
            "document": pdf("contratos.pdf"),
        },
    )

    case = LegalCase.objects.get()
    assert page.status_code == 200 and "Send the request" in page.content.decode()
    assert response["Location"] == url("case", case)
    assert (case.organization, case.area, case.urgency, case.status, case.created_by) == (
        cast.org,
        "labor",
        "high",
        CaseStatus.REQUESTED,
        cast.leader,
    )
    assert case.documents.get().original_name == "contratos.pdf"
    assert flashed(response) == ["Your request was sent. A legal coordinator will review it."]


@pytest.mark.parametrize(
    ("upload", "error"),
    [
        (lambda: SimpleUploadedFile("x.pdf", b"not a pdf at all"), "Only PDF, office documents"),
        (
            lambda: SimpleUploadedFile("x.pdf", b"%PDF" + b"0" * EVIDENCE_MAX_BYTES),
            "larger than 10 MB",
        ),
    ],
)
def test_a_request_with_a_bad_document_saves_nothing(cast, network, client_for, upload, error):
    response = client_for(cast.leader).post(
        url("request", cast.org),
        {"area": "labor", "subject": "S", "need": "N", "urgency": "normal", "document": upload()},
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not LegalCase.objects.exists() and not CaseDocument.objects.exists()


def test_members_see_the_cases_but_cannot_request(cast, network, client_for):
    case = requested_case(cast.org, cast.leader)
    member_page = client_for(cast.member).get(url("organization_cases", cast.org)).content.decode()
    leader_page = client_for(cast.leader).get(url("organization_cases", cast.org)).content.decode()

    assert case.reference in member_page and "Request legal help" not in member_page
    assert "Request legal help" in leader_page


# --- The coordinator's desk and the case actions ------------------------------------------


def test_the_desk_shows_what_waits_with_the_ranking(cast, network, client_for):
    requested_case(cast.org, cast.leader)
    accepted_case(cast.org, cast.leader, cast.legal_coordinator)
    matched_case(cast.org, cast.leader, cast.legal_coordinator, network.firm, area="labor")

    html = client_for(cast.legal_coordinator).get(url("desk")).content.decode()

    assert 'data-testid="count-triage">1<' in html
    assert 'data-testid="count-match">1<' in html
    assert "Bufete Uno" in html and "In the organization&#x27;s state (Sonora)." in html


def test_each_desk_queue_shows_its_first_cases_and_links_to_the_rest(
    cast, network, client_for, monkeypatch
):
    """The queues grow with the program: each shows DESK_LIMIT cases, urgent ones first, with
    the full count and a link to all of them in the case list."""
    from legal_assistance.models import LegalCase, Urgency

    monkeypatch.setattr("legal_assistance.views.lists.DESK_LIMIT", 2)
    old, newer, urgent = (requested_case(cast.org, cast.leader) for _ in range(3))
    LegalCase.objects.filter(pk=urgent.pk).update(urgency=Urgency.URGENT)
    accepted_case(cast.org, cast.leader, cast.legal_coordinator)

    html = client_for(cast.legal_coordinator).get(url("desk")).content.decode()

    assert 'data-testid="count-triage">3<' in html
    assert urgent.reference in html and old.reference in html
    assert newer.reference not in html
    assert "Showing the first 2 of 3." in html
    assert f"{reverse('legal_assistance:case_list')}?status=requested" in html
    assert 'data-testid="more-accepted"' not in html  # one accepted case: all shown


def test_triage_refusal_is_shown_and_saves_nothing(cast, network, client_for):
    case = requested_case(cast.org, cast.leader)

    response = client_for(cast.legal_coordinator).post(
        url("triage", case), {"decision": "ask_for_more", "message": ""}, follow=True
    )

    assert "Write what the organization should add." in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.REQUESTED


def test_matching_through_the_page(cast, network, client_for):
    case = accepted_case(cast.org, cast.leader, cast.legal_coordinator, area="labor")
    client = client_for(cast.legal_coordinator)

    page = client.get(url("case", case)).content.decode()
    refused = client.post(url("match", case), {"firm": network.other_firm.pk}, follow=True)
    case.refresh_from_db()
    status_after_refusal = case.status
    matched = client.post(url("match", case), {"firm": network.firm.pk})

    assert 'data-testid="ranking"' in page and "Despacho Dos: Does not practise labor law." in page
    assert "Despacho Dos does not practise labor law" in refused.content.decode()
    assert status_after_refusal == CaseStatus.ACCEPTED
    case.refresh_from_db()
    assert matched.status_code == 302 and case.firm == network.firm


def test_the_lawyer_confirms_no_conflict_and_logs_hours(cast, network, client_for):
    case = matched_case(cast.org, cast.leader, cast.legal_coordinator, network.firm)
    client = client_for(cast.lawyer)

    page = client.get(url("case", case)).content.decode()
    client.post(url("respond", case), {"conflict": "no"})
    logged = client.post(
        url("log_hours", case),
        {"worked_on": TODAY.isoformat(), "hours": "2.5", "description": "Revisión"},
        follow=True,
    )

    case.refresh_from_db()
    assert 'data-testid="respond-form"' in page
    assert case.status == CaseStatus.IN_PROGRESS
    assert "The hours were logged." in logged.content.decode()
    assert "2.50 hours, worth 5,000.00 MXN" in logged.content.decode()


def test_a_conflict_sends_the_lawyer_back_to_the_firms_list(cast, network, client_for):
    case = matched_case(cast.org, cast.leader, cast.legal_coordinator, network.firm)

    response = client_for(cast.lawyer).post(
        url("respond", case), {"conflict": "yes", "reason": "Representamos a un donante."}
    )

    assert response["Location"] == url("my_cases")
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("0", "Hours must be more than zero."),
        ("-2", "Hours must be more than zero."),
        ("25", "A day has 24 hours"),
        ("abc", "Enter a number."),
    ],
)
def test_bad_hours_are_refused_on_the_page(cast, network, working, client_for, hours, message):
    response = client_for(cast.lawyer).post(
        url("log_hours", working),
        {"worked_on": TODAY.isoformat(), "hours": hours, "description": "x"},
        follow=True,
    )

    assert message in response.content.decode()
    assert not HoursEntry.objects.exists()


def test_a_disallowed_document_is_refused_on_the_page(cast, network, working, client_for):
    response = client_for(cast.leader).post(
        url("add_document", working),
        {"file": SimpleUploadedFile("x.exe", b"MZ\x90\x00"), "description": ""},
        follow=True,
    )

    assert "Only PDF, office documents and images are accepted." in response.content.decode()
    assert not CaseDocument.objects.exists()


def test_the_leader_answers_a_request_for_more_information(cast, network, client_for):
    case = more_info_case(cast.org, cast.leader, cast.legal_coordinator)
    home = client_for(cast.leader).get(reverse("home")).content.decode()

    client_for(cast.leader).post(url("more_info", case), {"text": "Faltan 2019 y 2020."})

    case.refresh_from_db()
    assert "The coordinators asked for more information" in home
    assert case.status == CaseStatus.REQUESTED
    assert case.messages.last().text == "Faltan 2019 y 2020."


def test_notes_milestones_resolve_and_close(cast, network, working, client_for):
    lawyer = client_for(cast.lawyer)
    lawyer.post(url("add_note", working), {"text": "Pedir el acta."})
    lawyer.post(url("add_milestone", working), {"title": "Acta", "reached_on": TODAY.isoformat()})
    lawyer.post(url("resolve", working), {"outcome": "Estatutos inscritos."})
    closed = client_for(cast.legal_coordinator).post(
        url("close", working), {"note": ""}, follow=True
    )

    working.refresh_from_db()
    assert (working.notes.count(), working.milestones.count()) == (1, 1)
    assert working.status == CaseStatus.CLOSED and working.outcome == "Estatutos inscritos."
    assert "The case was closed." in closed.content.decode()


# --- Home and menu -------------------------------------------------------------------------


def test_home_panels_for_the_lawyer_and_the_coordinator(cast, network, working, client_for):
    matched_case(cast.org, cast.leader, cast.legal_coordinator, network.firm)

    lawyer_home = client_for(cast.lawyer).get(reverse("home")).content.decode()
    desk_home = client_for(cast.legal_coordinator).get(reverse("home")).content.decode()
    other_lawyer_home = client_for(network.other_lawyer.user).get(reverse("home")).content.decode()

    assert 'data-testid="lawyer-panel"' in lawyer_home
    assert lawyer_home.count("Red de Prueba por la Paz") == 2
    assert "confirm there is no conflict" in lawyer_home
    assert "0 to triage · 0 to match · 1 awaiting the firm" in desk_home
    assert "No open case is assigned to your firm." in other_lawyer_home


def test_menu_items(cast, network, client_for):
    coordinator = client_for(cast.legal_coordinator).get(reverse("home")).content.decode()
    staff = client_for(cast.staff).get(reverse("home")).content.decode()
    leader = client_for(cast.leader).get(reverse("home")).content.decode()

    assert 'data-nav="legal_desk"' in coordinator and 'data-nav="legal_cases"' not in coordinator
    assert 'data-nav="legal_cases"' in staff and 'data-nav="legal_desk"' not in staff
    assert 'data-nav="legal' not in leader


def test_the_organization_page_has_the_legal_panel(cast, network, working, client_for):
    html = (
        client_for(cast.leader)
        .get(reverse("organizations:detail", args=[cast.org.pk]))
        .content.decode()
    )

    assert 'data-testid="legal-panel"' in html
    assert working.reference in html and "Request legal help" in html


# --- The network ---------------------------------------------------------------------------


def test_staff_add_a_firm_and_a_lawyer(cast, network, client_for):
    client = client_for(cast.staff)
    created = client.post(
        url("firm_create"),
        {
            "name": "Bufete Nuevo",
            "city": "Saltillo",
            "state": "COAH",
            "reference_hourly_rate": "1750.50",
            "yearly_pledged_hours": "90",
            "areas": ["aml", "data_privacy"],
            "is_active": "on",
        },
    )
    firm = LawFirm.objects.get(name="Bufete Nuevo")
    client.post(
        url("lawyer_add", firm),
        {"email": "Nueva@Bufete.test", "display_name": "Abogada Nueva", "practice_areas": ["aml"]},
    )

    assert created["Location"] == url("firm", firm)
    assert sorted(a.area for a in firm.areas.all()) == ["aml", "data_privacy"]
    lawyer = Lawyer.objects.get(user__email="nueva@bufete.test")
    assert (lawyer.firm, lawyer.practice_areas, lawyer.user.has_usable_password()) == (
        firm,
        ["aml"],
        False,
    )
    page = client.get(url("firm", firm)).content.decode()
    assert "Abogada Nueva" in page and "Anti-money-laundering" in page


def test_a_firm_needs_a_practice_area(cast, network, client_for):
    response = client_for(cast.staff).post(
        url("firm_edit", network.firm),
        {"name": "Bufete Uno", "city": "X", "state": "SON", "reference_hourly_rate": "1",
         "yearly_pledged_hours": "1", "is_active": "on"},
    )  # fmt: skip

    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert network.firm.areas.count() == 3


@pytest.mark.parametrize(
    ("email", "error"),
    [
        ("lawyer2@test.mx", "is already a lawyer of Despacho Dos"),
        ("staff@test.mx", "Program staff cannot be lawyers of a firm."),
    ],
)
def test_a_lawyer_belongs_to_one_firm_and_staff_cannot_be_lawyers(
    cast, network, client_for, email, error
):
    response = client_for(cast.staff).post(
        url("lawyer_add", network.firm), {"email": email, "display_name": "X"}
    )

    assert error in response.content.decode()
    assert Lawyer.objects.count() == 2


def test_a_deactivated_lawyer_loses_the_firms_cases(cast, network, working, client_for):
    client_for(cast.staff).post(url("lawyer_edit", network.lawyer), {"practice_areas": []})

    assert client_for(cast.lawyer).get(url("case", working)).status_code == 404
    assert client_for(cast.lawyer).get(url("my_cases")).status_code == 403


def test_my_cases_lists_the_firms_cases_with_hours(cast, network, working, client_for):
    from decimal import Decimal

    from legal_assistance.services.cases import log_hours

    log_hours(
        case=working,
        lawyer=network.lawyer,
        worked_on=TODAY - timedelta(days=1),
        hours=Decimal("3"),
        description="x",
    )
    other = working_case(
        cast.other_org, cast.other_leader, cast.legal_coordinator, network.other_lawyer
    )

    html = client_for(cast.lawyer).get(url("my_cases")).content.decode()

    assert working.reference in html and "3.00" in html
    assert other.reference not in html


def test_a_lawyer_finds_their_firms_cases_in_the_menu(cast, network, client_for):
    """The item is for active lawyers only; the answer is kept in the session at login, so
    pages pay no query for it (staff none at all)."""
    from legal_assistance.apps import LAWYER_MENU_SESSION_KEY

    home = reverse("home")
    item = 'data-nav="my_cases"'
    lawyer = client_for(cast.lawyer)
    assert lawyer.session[LAWYER_MENU_SESSION_KEY] is True
    assert item in lawyer.get(home).content.decode()
    assert item not in client_for(cast.leader).get(home).content.decode()
    staff = client_for(cast.staff)
    assert LAWYER_MENU_SESSION_KEY not in staff.session
    assert item not in staff.get(home).content.decode()

    network.lawyer.is_active = False
    network.lawyer.save()
    assert client_for(cast.lawyer).session[LAWYER_MENU_SESSION_KEY] is False
