"""Grant pages: each works for the right person, 404 for an outsider, 403 for the wrong role,
405 for the wrong method (the full table is in tests/csa_portal/test_authorization_matrix.py).
The CSO never sees the reviewers' scores and private comments.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from grants.models import Grant, GrantApplication, GrantReport, Tranche
from tests.grants.helpers import awarded, draft, reviewed, submitted
from tests.personas import speak_english

PRIVATE_COMMENT = "Comentario privado del comité."


def url(name: str, *args) -> str:
    return reverse(f"grants:{name}", args=[getattr(a, "pk", a) for a in args])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def application_post(title: str = "Mentorías", **extra) -> dict:
    data = {
        "kind": "thematic_project",
        "title": title,
        "theme": "",
        "problem": "Violencia juvenil.",
        "objectives": "Prevenir.",
        "activities": "Talleres.",
        "expected_results": "200 jóvenes.",
        "states": ["SON", "COAH"],
        "requested_amount": "45000.00",
        "currency": "MXN",
        "duration_months": "10",
        "budget-TOTAL_FORMS": "3",
        "budget-INITIAL_FORMS": "0",
        "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "1000",
        "budget-0-category": "personnel",
        "budget-0-description": "Coordinación",
        "budget-0-amount": "30000.00",
        "budget-1-category": "events",
        "budget-1-description": "Talleres",
        "budget-1-amount": "15000.00",
        "budget-2-category": "",
        "budget-2-description": "",
        "budget-2-amount": "",
    }
    data.update(extra)
    return data


@pytest.fixture
def crime_prevention(db):
    from organizations.models import ThematicArea

    return ThematicArea.objects.get(code="crime-prevention")


# --- Applications ----------------------------------------------------------------------------


def test_a_leader_drafts_resumes_and_submits_in_the_browser(cast, client_for, crime_prevention):
    speak_english(cast.leader)
    client = client_for(cast.leader)

    created = client.post(
        url("apply", cast.org),
        application_post(
            attachment=SimpleUploadedFile("carta.pdf", b"%PDF-1.4 carta", "application/pdf")
        ),
    )

    application = GrantApplication.objects.get(organization=cast.org)
    assert created.status_code == 302
    assert created["Location"] == url("application_edit", application)
    assert application.status == GrantApplication.Status.DRAFT
    assert application.states == ["SON", "COAH"]
    assert application.budget_lines.count() == 2
    assert application.attachments.get().name == "carta.pdf"
    page = client.get(url("application_edit", application)).content.decode()
    assert 'value="Coordinación"' in page and "carta.pdf" in page

    # Submitting without a theme is refused and keeps the draft.
    refused = client.post(url("application_edit", application), application_post(submit="1"))
    assert refused["Location"] == url("application_edit", application)
    assert "Complete these before submitting: theme." in messages_of(refused)
    application.refresh_from_db()
    assert application.status == GrantApplication.Status.DRAFT

    done = client.post(
        url("application_edit", application),
        application_post(theme=str(crime_prevention.pk), submit="1"),
    )

    application.refresh_from_db()
    assert done["Location"] == url("application", application)
    assert application.status == GrantApplication.Status.SUBMITTED
    # Now read-only for the CSO: the edit page sends it back to the application.
    again = client.get(url("application_edit", application))
    assert again.status_code == 302
    assert "A submitted application can no longer be changed." in messages_of(again)


def test_the_form_rejects_bad_amounts_and_files(cast, client_for):
    speak_english(cast.leader)
    client = client_for(cast.leader)

    response = client.post(
        url("apply", cast.org),
        application_post(
            **{"budget-0-amount": "-3", "requested_amount": "0"},
            attachment=SimpleUploadedFile("x.pdf", b"not a pdf", "application/pdf"),
        ),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Ensure this value is greater than or equal to 0.01." in html
    assert "Only PDF, office documents and images are accepted." in html
    assert not GrantApplication.objects.exists()


def test_another_organizations_application_is_not_found_for_a_leader(cast, client_for):
    theirs = draft(cast.other_org, cast.other_leader)
    client = client_for(cast.leader)

    assert client.get(url("application", theirs)).status_code == 404
    assert client.get(url("application_edit", theirs)).status_code == 404
    assert client.post(url("application_edit", theirs), application_post()).status_code == 404
    assert client.post(url("application_submit", theirs)).status_code == 404
    assert client.get(url("apply", cast.other_org)).status_code == 404
    assert client.get(url("organization", cast.other_org)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Jóvenes constructores de paz"


def test_a_member_reads_but_cannot_write(cast, client_for):
    application = draft(cast.org, cast.leader)
    client = client_for(cast.member)

    assert client.get(url("application", application)).status_code == 200
    assert client.get(url("organization", cast.org)).status_code == 200
    assert client.get(url("apply", cast.org)).status_code == 403
    assert client.get(url("application_edit", application)).status_code == 403
    assert client.post(url("application_submit", application)).status_code == 403
    html = client.get(url("application", application)).content.decode()
    assert url("application_edit", application) not in html


def test_staff_see_drafts_but_do_not_write_them(cast, client_for):
    application = draft(cast.org, cast.leader)
    client = client_for(cast.staff)

    assert client.get(url("application", application)).status_code == 200
    assert client.get(url("application_edit", application)).status_code == 403
    assert client.get(url("apply", cast.org)).status_code == 403


def test_the_cso_never_sees_reviews_staff_do(cast, client_for):
    application = reviewed(cast.org, cast.leader, cast.staff)
    speak_english(cast.leader, cast.member, cast.staff)

    for user in (cast.leader, cast.member):
        html = client_for(user).get(url("application", application)).content.decode()
        assert PRIVATE_COMMENT not in html
        assert "Reviews (program staff only)" not in html
        assert "Relevance to local priorities" not in html
        assert "18/25" not in html
    staff_html = client_for(cast.staff).get(url("application", application)).content.decode()
    assert PRIVATE_COMMENT in staff_html
    assert "16/25" in staff_html  # 4 + 3 + 4 + 3 + 2


def test_the_cso_sees_the_returned_message_and_the_decision(cast, client_for):
    speak_english(cast.leader)
    application = reviewed(cast.org, cast.leader, cast.staff)
    staff = client_for(cast.staff)
    staff.post(url("return", application), {"message": "Detallen los viajes."})
    application.refresh_from_db()
    assert application.status == GrantApplication.Status.RETURNED

    html = client_for(cast.leader).get(url("application", application)).content.decode()
    assert "Detallen los viajes." in html

    declined = reviewed(cast.org, cast.leader, cast.staff, title="Otra")
    client_for(cast.staff).post(url("decline", declined), {"reason": "Fuera de prioridades."})
    html = client_for(cast.leader).get(url("application", declined)).content.decode()
    assert "Fuera de prioridades." in html
    assert 'data-testid="decision"' in html


def test_staff_review_and_award_with_two_tranches(cast, client_for):
    application = submitted(cast.org, cast.leader)
    client = client_for(cast.staff)
    scores = {
        f"score_{c}": "4" for c in ("relevance", "design", "capacity", "budget", "sustainability")
    }
    client.post(url("review", application), {**scores, "recommendation": "fund"})
    assert application.reviews.get().total == 20

    response = client.post(
        url("award", application),
        {
            "amount": "80000.00",
            "currency": "MXN",
            "start_date": "2026-01-01",
            "end_date": "2026-12-31",
            "conditions": "Listas de asistencia.",
            "tranches-TOTAL_FORMS": "3",
            "tranches-INITIAL_FORMS": "0",
            "tranches-0-amount": "50000.00",
            "tranches-0-planned_date": "2026-01-15",
            "tranches-1-amount": "30000.00",
            "tranches-1-planned_date": "2026-07-15",
            "reports-TOTAL_FORMS": "2",
            "reports-INITIAL_FORMS": "0",
            "reports-0-kind": "narrative",
            "reports-0-due_date": "2026-07-01",
            "reports-1-kind": "financial",
            "reports-1-due_date": "2027-01-31",
        },
    )

    grant = Grant.objects.get()
    assert response["Location"] == grant.get_absolute_url()
    assert grant.amount == Decimal("80000.00")
    assert list(grant.tranches.values_list("amount", flat=True)) == [
        Decimal("50000.00"),
        Decimal("30000.00"),
    ]
    assert grant.reports.count() == 2


def test_an_award_whose_tranches_do_not_add_up_shows_why_and_saves_nothing(cast, client_for):
    speak_english(cast.staff)
    application = reviewed(cast.org, cast.leader, cast.staff)

    response = client_for(cast.staff).post(
        url("award", application),
        {
            "amount": "80000.00",
            "currency": "MXN",
            "start_date": "2026-01-01",
            "end_date": "2026-12-31",
            "tranches-TOTAL_FORMS": "1",
            "tranches-INITIAL_FORMS": "0",
            "tranches-0-amount": "50000.00",
            "tranches-0-planned_date": "2026-01-15",
            "reports-TOTAL_FORMS": "1",
            "reports-INITIAL_FORMS": "0",
            "reports-0-kind": "narrative",
            "reports-0-due_date": "2026-07-01",
        },
    )

    assert response.status_code == 200
    assert "The tranches add up to 50000.00 but the award is 80000.00." in (
        response.content.decode()
    )
    assert not Grant.objects.exists()


def test_cso_users_cannot_review_or_decide(cast, client_for):
    application = reviewed(cast.org, cast.leader, cast.staff)
    for user in (cast.leader, cast.member):
        client = client_for(user)
        assert client.post(url("review", application), {}).status_code == 403
        assert client.get(url("award", application)).status_code == 403
        assert client.post(url("decline", application), {"reason": "x"}).status_code == 403
    assert client_for(cast.other_leader).post(url("return", application)).status_code == 404
    application.refresh_from_db()
    assert application.status == GrantApplication.Status.SUBMITTED


def test_wrong_methods_are_refused(cast, client_for):
    application = reviewed(cast.org, cast.leader, cast.staff)
    grant = awarded(cast.org, cast.leader, cast.staff, title="Otorgado")
    client = client_for(cast.staff)
    assert client.get(url("review", application)).status_code == 405
    assert client.get(url("application_submit", application)).status_code == 405
    assert client.post(url("grant", grant)).status_code == 405
    assert client.post(url("portfolio")).status_code == 405
    assert client.get(url("close", grant)).status_code == 405


# --- Grants and reports ---------------------------------------------------------------------


def test_the_grant_page_highlights_overdue_tranches_and_reports(cast, client_for):
    speak_english(cast.leader)
    grant = awarded(cast.org, cast.leader, cast.staff)  # 2025 dates: all past now

    html = client_for(cast.leader).get(url("grant", grant)).content.decode()

    assert "1 report is overdue." not in html  # both reports are due in the past
    assert "2 reports are overdue." in html
    assert "2 tranches are overdue." in html
    assert html.count('class="table-danger"') == 4
    # The CSO does not get the program's controls.
    assert "Record release" not in html and "Terminate the grant" not in html


def test_the_leader_submits_a_report_and_staff_accept_it(cast, client_for):
    speak_english(cast.leader, cast.staff)
    grant = awarded(cast.org, cast.leader, cast.staff)
    report = grant.reports.get(kind="financial")
    lines = list(grant.application.budget_lines.order_by("pk"))
    leader = client_for(cast.leader)

    response = leader.post(
        url("report", grant, report),
        {
            "narrative": "Gastos del año.",
            f"spend_{lines[0].pk}": "58000.00",
            f"spend_{lines[1].pk}": "",
            f"spend_{lines[2].pk}": "9500.50",
            "attachment": SimpleUploadedFile("facturas.pdf", b"%PDF-1.4 f", "application/pdf"),
        },
    )

    assert response["Location"] == grant.get_absolute_url()
    report.refresh_from_db()
    assert report.status == GrantReport.Status.SUBMITTED
    assert sorted(report.spending.values_list("amount", flat=True)) == [
        Decimal("9500.50"),
        Decimal("58000.00"),
    ]
    attachment = report.attachments.get()
    download = leader.get(url("report_file", grant, report, attachment))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == b"%PDF-1.4 f"
    assert (
        client_for(cast.other_leader).get(url("report_file", grant, report, attachment)).status_code
        == 404
    )

    staff = client_for(cast.staff)
    staff.post(url("report_review", grant, report), {"decision": "accept", "comments": "Bien."})
    report.refresh_from_db()
    assert (report.status, report.staff_comments) == (GrantReport.Status.ACCEPTED, "Bien.")
    page = staff.get(url("grant", grant)).content.decode()
    assert "58,000.00 MXN" in page  # spent on personnel, from the accepted report


def test_a_member_reads_reports_but_cannot_submit_them(cast, client_for):
    grant = awarded(cast.org, cast.leader, cast.staff)
    report = grant.reports.get(kind="narrative")
    client = client_for(cast.member)

    assert client.get(url("report", grant, report)).status_code == 200
    assert client.post(url("report", grant, report), {"narrative": "x"}).status_code == 403
    assert (
        'data-testid="report-form"' not in client.get(url("report", grant, report)).content.decode()
    )
    assert client.post(url("tranche_release", grant, grant.tranches.first())).status_code == 403
    report.refresh_from_db()
    assert report.status == GrantReport.Status.PENDING


def test_a_report_of_a_closed_grant_is_refused_in_the_browser(cast, client_for):
    speak_english(cast.leader)
    grant = awarded(cast.org, cast.leader, cast.staff)
    report = grant.reports.get(kind="narrative")
    Grant.objects.filter(pk=grant.pk).update(status=Grant.Status.CLOSED)

    response = client_for(cast.leader).post(url("report", grant, report), {"narrative": "Tarde"})

    assert response.status_code == 302
    assert "This report cannot be submitted now." in messages_of(response)
    report.refresh_from_db()
    assert report.status == GrantReport.Status.PENDING


def test_staff_release_and_pay_tranches_and_terminate(cast, client_for):
    speak_english(cast.staff)
    grant = awarded(cast.org, cast.leader, cast.staff)
    tranche = grant.tranches.get(number=1)
    client = client_for(cast.staff)

    client.post(url("tranche_release", grant, tranche), {"on": "2025-02-01"})
    paid = client.post(url("tranche_pay", grant, tranche), {"on": "2025-02-03"})
    refused = client.post(url("close", grant))

    tranche.refresh_from_db()
    assert (tranche.released_on, tranche.paid_on) == (date(2025, 2, 1), date(2025, 2, 3))
    assert "The tranche's payment was recorded." in messages_of(paid)
    assert "A grant closes once all its reports are accepted." in messages_of(refused)
    client.post(url("terminate", grant), {"reason": "Se disolvió."})
    grant.refresh_from_db()
    assert grant.status == Grant.Status.TERMINATED
    html = client.get(url("grant", grant)).content.decode()
    assert "Se disolvió." in html and "Record payment" not in html


def test_an_application_file_is_served_only_to_those_who_see_the_application(cast, client_for):
    from grants.services import save_application

    application = draft(cast.org, cast.leader)
    save_application(
        organization=cast.org,
        application=application,
        fields={},
        budget_lines=[],
        attachments=[SimpleUploadedFile("foto.png", b"\x89PNG\r\n\x1a\nxx", "image/png")],
        by=cast.leader,
    )
    attachment = application.attachments.get()

    image = client_for(cast.member).get(url("application_file", application, attachment))
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert not image["Content-Disposition"].startswith("attachment")  # images show inline
    b"".join(image.streaming_content)
    for outsider in (cast.other_leader, cast.lawyer):
        assert (
            client_for(outsider).get(url("application_file", application, attachment)).status_code
            == 404
        )


# --- Panels ---------------------------------------------------------------------------------


def test_home_panels_show_overdue_items_to_the_cso_and_the_queue_to_staff(cast, client_for):
    speak_english(cast.leader, cast.staff)
    grant = awarded(cast.org, cast.leader, cast.staff)
    waiting = submitted(cast.org, cast.leader, title="Esperando revisión")
    draft(cast.org, cast.leader, title="Mi borrador")

    leader_home = client_for(cast.leader).get(reverse("home")).content.decode()
    assert "2 overdue reports" in leader_home
    assert "2 overdue tranches" in leader_home
    assert "Mi borrador" in leader_home
    member_home = client_for(cast.member).get(reverse("home")).content.decode()
    assert "Mi borrador" not in member_home  # members do not finish applications
    staff_home = client_for(cast.staff).get(reverse("home")).content.decode()
    assert "Applications waiting for review" in staff_home
    assert waiting.title in staff_home
    assert "Overdue reports" in staff_home and grant.application.title in staff_home
    other_home = client_for(cast.other_leader).get(reverse("home")).content.decode()
    assert grant.application.title not in other_home


def test_the_organization_page_has_a_grants_panel(cast, client_for):
    speak_english(cast.leader, cast.member)
    grant = awarded(cast.org, cast.leader, cast.staff)

    html = client_for(cast.leader).get(reverse("organizations:detail", args=[cast.org.pk]))
    html = html.content.decode()
    assert 'data-testid="grants-panel"' in html
    assert grant.application.title in html
    assert url("apply", cast.org) in html
    member_html = (
        client_for(cast.member)
        .get(reverse("organizations:detail", args=[cast.org.pk]))
        .content.decode()
    )
    assert url("apply", cast.org) not in member_html


def test_the_staff_queue_shows_every_application_a_page_at_a_time(cast, client_for, monkeypatch):
    from grants.views import applications as views

    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 2)
    titles = [submitted(cast.org, cast.leader, title=f"Solicitud {n}").title for n in range(5)]
    client = client_for(cast.staff)

    pages = [client.get(url("queue"), {"page": n}).content.decode() for n in (1, 2, 3)]

    for n, title in enumerate(titles):  # oldest submission first, each on exactly one page
        assert [title in page for page in pages] == [n // 2 == p for p in range(3)]
    assert 'href="?page=2" rel="next"' in pages[0]


def test_the_staff_queue_lists_submitted_applications(cast, client_for):
    waiting = submitted(cast.org, cast.leader, title="En la cola")
    draft(cast.org, cast.leader, title="Borrador oculto")
    client = client_for(cast.staff)

    html = client.get(url("queue")).content.decode()

    assert waiting.title in html and "Borrador oculto" not in html
    assert client_for(cast.leader).get(url("queue")).status_code == 403
    assert Tranche.objects.count() == 0


def test_an_application_says_who_submitted_it_and_when_or_only_when(cast, client_for):
    application = submitted(cast.org, cast.leader)
    client = client_for(cast.staff)
    when = timezone.localtime(application.submitted_at).strftime("%d/%m/%Y")
    assert (
        f"Enviada por {cast.leader} el {when}." in client.get(url("application", application)).text
    )

    # The person who submitted it was removed since (the history keeps their name).
    GrantApplication.objects.filter(pk=application.pk).update(submitted_by=None)
    page = client.get(url("application", application)).text
    assert f"Enviada el {when}." in page and "Enviada por" not in page
