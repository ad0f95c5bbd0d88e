"""Privacy rights: the notice and its acceptance, consents, ARCO requests, "download my data"
and cancellation by anonymization."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from csa_portal.models import Consent, DataRequest, Job, NoticeAcceptance, PrivacyNotice, User
from csa_portal.privacy import COMMUNITY_DIRECTORY, PROGRAM_NEWS
from csa_portal.privacy_services import (
    add_business_days,
    answer_request,
    business_days_between,
    execute_cancellation,
    file_request,
    publish_notice,
    set_consents,
)
from grants.models import GrantApplication
from learning_communities.models import Attendance
from learning_communities.services import propose_agenda_item, record_attendance
from learning_communities.services.events import AttendanceEntry
from legal_assistance.models import HoursEntry
from organizations.models import Person
from tests.grants.helpers import submitted
from tests.learning_communities.helpers import event, small_world
from tests.legal_assistance.helpers import (
    make_firm,
    make_lawyer,
    with_document_and_hours,
    working_case,
)
from tests.personas import PASSWORD, make_person, speak_english


def text(response) -> str:
    return response.content.decode()


def new_version(version: int = 2) -> PrivacyNotice:
    notice = publish_notice(
        version=version,
        published_on=timezone.localdate(),
        full_es="Aviso integral v2",
        full_en="Full notice v2",
        short_es="Aviso simplificado v2",
        short_en="Short notice v2",
        summary_of_changes="New transfer to auditors.",
    )
    return notice


# --- The notice ------------------------------------------------------------------------------


def test_the_first_notice_is_published_by_the_migration_in_both_languages_and_forms(db):
    notice = PrivacyNotice.objects.current()
    assert notice.version == 1
    for field in ("full_es", "full_en", "short_es", "short_en"):
        assert len(getattr(notice, field)) > 300
    assert "ARCO" in notice.full_es and "ARCO" in notice.full_en
    assert "abogad" in notice.full_es and "lawyers" in notice.full_en


def test_anyone_can_read_the_notice_and_the_login_page_links_it(client, db):
    response = client.get(reverse("privacy_notice"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Responsible party" in text(response) or "Responsable" in text(response)
    assert reverse("privacy_notice") in text(client.get(reverse("login")))


def test_first_login_asks_to_accept_the_notice_and_records_it(client, db):
    user = User.objects.create_user("nueva@test.mx", PASSWORD)
    assert client.post(reverse("login"), {"username": "nueva@test.mx", "password": PASSWORD})
    response = client.get(reverse("account"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("privacy_notice_accept") + "?next=")
    assert client.get(response["Location"]).status_code == 200

    response = client.post(
        reverse("privacy_notice_accept"), {"next": reverse("account")}, REMOTE_ADDR="10.1.2.3"
    )

    assert response["Location"] == reverse("account")
    acceptance = NoticeAcceptance.objects.get(user=user)
    assert acceptance.notice == PrivacyNotice.objects.current()
    assert acceptance.ip_address == "10.1.2.3"
    assert acceptance.accepted_at is not None
    assert client.get(reverse("account")).status_code == 200


def test_the_acceptance_page_never_sends_elsewhere(client, db):
    client.force_login(User.objects.create_user("nueva@test.mx", PASSWORD))
    response = client.post(reverse("privacy_notice_accept"), {"next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_new_version_is_asked_again_and_both_acceptances_stay(cast, client_for):
    client = client_for(cast.leader)
    assert client.get(reverse("home")).status_code == 200
    v2 = new_version()

    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("privacy_notice_accept") in response["Location"]
    speak_english(cast.leader)
    page = text(client.get(reverse("privacy_notice_accept")))
    assert "new version" in page and "Short notice v2" in page

    client.post(reverse("privacy_notice_accept"))
    assert client.get(reverse("home")).status_code == 200
    assert list(
        NoticeAcceptance.objects.filter(user=cast.leader)
        .order_by("notice__version")
        .values_list("notice__version", flat=True)
    ) == [1, v2.version]


def test_an_acceptance_of_a_version_replaced_meanwhile_is_not_recorded(cast, client_for):
    client = client_for(cast.leader)
    new_version()
    response = client.post(reverse("privacy_notice_accept"), {"version": "1"})
    assert response.status_code == 302
    assert not cast.leader.notice_acceptances.filter(notice__version=2).exists()
    assert client.get(reverse("home")).status_code == 302


def test_pages_a_person_needs_before_accepting_are_not_redirected(cast, client_for):
    new_version()
    client = client_for(cast.staff)  # an export is staff's (a job's kind takes its permission)
    job = Job.objects.create(kind="organizations.export", created_by=cast.staff)
    assert client.get(reverse("privacy_notice")).status_code == 200
    assert client.get(reverse("job_progress", args=[job.pk])).status_code == 200
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response["Location"] == "/"
    # Everything else waits for the acceptance.
    assert client.get(reverse("job_detail", args=[job.pk])).status_code == 302
    assert client.get(reverse("privacy_settings")).status_code == 302
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")


def test_anonymous_visitors_are_not_asked(client, db):
    new_version()
    assert client.get(reverse("login")).status_code == 200


# --- Consents --------------------------------------------------------------------------------


def test_consents_are_granted_and_revoked_from_the_privacy_page_with_history(cast, client_for):
    client = client_for(cast.member)
    url = reverse("privacy_settings")
    client.post(url, {"purposes": [COMMUNITY_DIRECTORY, PROGRAM_NEWS]})
    assert set(
        Consent.objects.filter(user=cast.member).active().values_list("purpose", flat=True)
    ) == {COMMUNITY_DIRECTORY, PROGRAM_NEWS}

    client.post(url, {"purposes": [PROGRAM_NEWS]})
    client.post(url, {"purposes": [PROGRAM_NEWS, COMMUNITY_DIRECTORY]})

    directory = Consent.objects.filter(user=cast.member, purpose=COMMUNITY_DIRECTORY)
    assert directory.count() == 2
    assert directory.active().count() == 1
    assert directory.filter(revoked_at__isnull=False).count() == 1
    assert Consent.objects.filter(user=cast.member, purpose=PROGRAM_NEWS).count() == 1
    speak_english(cast.member)
    page = text(client.get(url))
    assert "revoked" in page and "Be listed in Learning Community pages" in page


def test_unknown_purposes_are_ignored(cast):
    set_consents(user=cast.member, granted={"sell_my_data"})
    assert not Consent.objects.filter(user=cast.member).exists()


def test_community_pages_list_only_people_who_consent_and_stop_when_they_revoke(cast, client_for):
    world = small_world(cast)
    listed = make_person(cast.org, "Rosa Listada", email="rosa@test.mx", user=cast.member)
    make_person(cast.org, "Pedro Callado", email="pedro@test.mx", user=cast.leader)
    url = reverse("learning_communities:member_profile", args=[world.community.pk, cast.org.pk])
    viewer = client_for(cast.staff)

    assert "Rosa Listada" not in text(viewer.get(url))
    set_consents(user=cast.member, granted={COMMUNITY_DIRECTORY})
    page = text(viewer.get(url))
    assert "Rosa Listada" in page and "rosa@test.mx" in page
    assert "Pedro Callado" not in page and "pedro@test.mx" not in page

    set_consents(user=cast.member, granted=set())
    assert listed.name not in text(viewer.get(url))


# --- Requests and deadlines ------------------------------------------------------------------


def test_twenty_business_days_skip_weekends_and_mexican_holidays():
    # Friday 13 Nov 2026; Monday 16 Nov is Revolution Day (third Monday of November).
    assert add_business_days(date(2026, 11, 13), 1) == date(2026, 11, 17)
    assert add_business_days(date(2026, 11, 13), 20) == date(2026, 12, 14)
    # Across Christmas and New Year.
    assert add_business_days(date(2026, 12, 21), 5) == date(2026, 12, 29)
    assert add_business_days(date(2026, 12, 28), 4) == date(2027, 1, 4)
    assert business_days_between(date(2026, 11, 13), date(2026, 12, 14)) == 20


def test_the_response_deadline_follows_the_setting(cast, settings):
    settings.ARCO_RESPONSE_BUSINESS_DAYS = 5
    request = file_request(user=cast.member, kind=DataRequest.Kind.ACCESS, details="x")
    today = timezone.localdate(request.received_at)
    assert request.due_on == add_business_days(today, 5)


def test_a_person_files_a_request_and_follows_its_status(cast, client_for):
    client = client_for(cast.member)
    response = client.post(
        reverse("data_request_new"), {"kind": "rectification", "details": "Mi cargo cambió"}
    )
    request = DataRequest.objects.get(user=cast.member)
    assert response["Location"] == reverse("data_request_detail", args=[request.pk])
    assert request.status == DataRequest.Status.RECEIVED
    assert request.due_on == add_business_days(timezone.localdate(), 20)

    answer_request(request=request, response="Corregido.", by=cast.staff)
    speak_english(cast.member)
    page = text(client.get(reverse("data_request_detail", args=[request.pk])))
    assert "Answered" in page and "Corregido." in page


def test_a_request_without_details_saves_nothing(cast, client_for):
    response = client_for(cast.member).post(
        reverse("data_request_new"), {"kind": "access", "details": "   "}
    )
    assert response.status_code == 200
    assert not DataRequest.objects.exists()


def test_others_requests_are_404_and_the_queue_is_403_for_non_staff(cast, client_for):
    request = file_request(user=cast.leader, kind=DataRequest.Kind.ACCESS, details="x")
    detail = reverse("data_request_detail", args=[request.pk])
    assert client_for(cast.member).get(detail).status_code == 404
    assert client_for(cast.staff).get(detail).status_code == 404
    assert client_for(cast.leader).get(reverse("data_request_queue")).status_code == 403
    review = reverse("data_request_review", args=[request.pk])
    assert client_for(cast.leader).get(review).status_code == 403


def test_the_staff_queue_shows_deadlines_overdue_and_due_soon(cast, client_for):
    overdue = file_request(user=cast.leader, kind=DataRequest.Kind.ACCESS, details="a")
    soon = file_request(user=cast.member, kind=DataRequest.Kind.OPPOSITION, details="b")
    later = file_request(user=cast.other_leader, kind=DataRequest.Kind.ACCESS, details="c")
    today = timezone.localdate()
    DataRequest.objects.filter(pk=overdue.pk).update(due_on=today - timedelta(days=1))
    DataRequest.objects.filter(pk=soon.pk).update(due_on=add_business_days(today, 2))
    speak_english(cast.staff)

    response = client_for(cast.staff).get(reverse("data_request_queue"))

    rows = {row["req"].pk: row for row in response.context["open_rows"]}
    assert rows[overdue.pk]["overdue"] and not rows[overdue.pk]["due_soon"]
    assert rows[soon.pk]["due_soon"] and not rows[soon.pk]["overdue"]
    assert not rows[later.pk]["overdue"] and not rows[later.pk]["due_soon"]
    assert [r["req"].pk for r in response.context["open_rows"]][0] == overdue.pk
    page = text(response)
    assert "1 overdue" in page and "Due soon" in page


def test_staff_answer_or_reject_with_a_text(cast, client_for):
    access = file_request(user=cast.leader, kind=DataRequest.Kind.ACCESS, details="a")
    opposition = file_request(user=cast.member, kind=DataRequest.Kind.OPPOSITION, details="b")
    client = client_for(cast.staff)
    client.post(
        reverse("data_request_review", args=[access.pk]),
        {"decision": "answer", "response": "Sus datos van adjuntos."},
    )
    client.post(
        reverse("data_request_review", args=[opposition.pk]),
        {"decision": "reject", "response": "El tratamiento es necesario para el donativo."},
    )
    response = client.post(
        reverse("data_request_review", args=[opposition.pk]), {"decision": "answer"}
    )
    access.refresh_from_db()
    opposition.refresh_from_db()
    assert access.status == DataRequest.Status.RESPONDED
    assert access.resolved_by == cast.staff and access.resolved_at
    assert opposition.status == DataRequest.Status.REJECTED
    assert opposition.response == "El tratamiento es necesario para el donativo."
    assert response.status_code == 200  # the missing response is asked for, nothing saved


# --- Download my data and cancellation -------------------------------------------------------


@pytest.fixture
def rich_persona(cast):
    """cast.leader with data in every app: a contact record, attendance, an agenda item, a grant
    application, a legal case with notes; cast.lawyer logs hours on it."""
    world = small_world(cast)
    person = make_person(
        cast.org, "Lucía Pérez", email="lucia@test.mx", phone="6621234567", user=cast.leader
    )
    session = event(world.community, date(2018, 5, 10))
    record_attendance(
        event=session, entries=[AttendanceEntry(person=person), AttendanceEntry(world.colleague)]
    )
    propose_agenda_item(
        event=session,
        title="Protocolo de seguridad",
        organization=cast.org,
        proposed_by=cast.leader,
        today=date(2018, 5, 1),
    )
    application = submitted(cast.org, cast.leader, title="Proyecto Juventud")
    lawyer = make_lawyer(make_firm(), cast.lawyer)
    case = working_case(cast.org, cast.leader, cast.legal_coordinator, lawyer)
    with_document_and_hours(case, lawyer, cast.legal_coordinator)
    set_consents(user=cast.leader, granted={PROGRAM_NEWS})
    return {"person": person, "event": session, "application": application, "case": case}


def read_archive(response) -> tuple[dict, dict[str, list[dict]]]:
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("my-data.json"))["data"]
    tables = {
        name: list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
        for name in archive.namelist()
        if name.endswith(".csv")
    }
    return data, tables


def test_download_my_data_gathers_every_app(cast, client_for, rich_persona):
    response = client_for(cast.leader).get(reverse("privacy_download"))

    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    data, tables = read_archive(response)
    assert data["portal"]["account"][0]["email"] == "leader@test.mx"
    assert data["portal"]["privacy_notice_acceptances"][0]["notice__version"] == 1
    assert data["portal"]["consents"][0]["purpose"] == PROGRAM_NEWS
    assert data["organizations"]["memberships"][0]["organization__name"] == cast.org.name
    assert data["organizations"]["person_records"][0]["phone"] == "6621234567"
    assert data["learning_communities"]["attendance"][0]["name"] == "Lucía Pérez"
    assert data["learning_communities"]["agenda_items_proposed"][0]["title"] == (
        "Protocolo de seguridad"
    )
    assert data["grants"]["grant_applications_authored"][0]["title"] == "Proyecto Juventud"
    assert data["legal_assistance"]["legal_cases_requested"][0]["id"] == rich_persona["case"].pk
    assert tables["csv/organizations-person_records.csv"][0]["name"] == "Lucía Pérez"
    assert "csv/portal-jobs.csv" in tables

    lawyer_data, _ = read_archive(client_for(cast.lawyer).get(reverse("privacy_download")))
    assert lawyer_data["legal_assistance"]["legal_hours_logged"][0]["hours"] == "2.50"


def test_csv_cells_cannot_become_formulas(cast, client_for):
    make_person(cast.org, "=HYPERLINK(1)", user=cast.member)
    _, tables = read_archive(client_for(cast.member).get(reverse("privacy_download")))
    assert tables["csv/organizations-person_records.csv"][0]["name"] == "'=HYPERLINK(1)"


def approved_cancellation(user, staff) -> DataRequest:
    request = file_request(user=user, kind=DataRequest.Kind.CANCELLATION, details="Bórrenme")
    return answer_request(request=request, response="Procede.", by=staff)


def test_cancellation_anonymizes_everywhere_and_keeps_aggregates(
    cast, client_for, rich_persona, mailoutbox, django_capture_on_commit_callbacks
):
    hours_before = HoursEntry.objects.aggregate(total=Sum("hours"))["total"]
    attendance_before = Attendance.objects.count()
    request = approved_cancellation(cast.leader, cast.staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.staff).post(
            reverse("data_request_execute", args=[request.pk]), {"confirm": "on"}
        )

    assert response["Location"] == reverse("data_request_review", args=[request.pk])
    user = User.objects.get(pk=cast.leader.pk)
    token = user.display_name
    assert token.startswith("anon-")
    assert user.email == f"{token}@anonymized.invalid"
    assert not user.is_active and not user.has_usable_password()
    person = Person.objects.get(pk=rich_persona["person"].pk)
    assert (person.name, person.email, person.phone) == (token, "", "")
    assert Attendance.objects.get(person=person).name == token
    assert not Consent.objects.filter(user=user).active().exists()
    # Nothing identifying is left anywhere the apps registered.
    for model, field in [(Person, "name"), (Attendance, "name"), (User, "email")]:
        assert not model.objects.filter(**{f"{field}__icontains": "Lucía"}).exists()
        assert not model.objects.filter(**{f"{field}__iexact": "leader@test.mx"}).exists()
    # Aggregates and records the law requires stay.
    assert HoursEntry.objects.aggregate(total=Sum("hours"))["total"] == hours_before
    assert Attendance.objects.count() == attendance_before
    application = GrantApplication.objects.get(pk=rich_persona["application"].pk)
    assert application.created_by_id == user.pk and application.requested_amount
    request.refresh_from_db()
    assert request.status == DataRequest.Status.COMPLETED
    # Written in the person's language (Spanish here), with the legal reasons.
    assert any("Código Fiscal" in line["reason"] for line in request.statement)
    assert {"anonymized", "detached"} <= {line["action"] for line in request.statement}
    assert all(
        {"section", "records", "action", "reason"} <= set(line) for line in request.statement
    )
    # The person is told, at their old address, what was kept and why.
    assert mailoutbox[-1].to == ["leader@test.mx"]
    assert "Código Fiscal" in mailoutbox[-1].body
    speak_english(cast.staff)
    page = text(client_for(cast.staff).get(reverse("data_request_review", args=[request.pk])))
    # The statement is kept as written for the person (Spanish), under the reader's heading.
    assert "What was kept and why" in page and "Asistencia a eventos" in page


def test_the_anonymized_person_can_no_longer_log_in(cast, client, rich_persona):
    execute_cancellation(request=approved_cancellation(cast.leader, cast.staff), by=cast.staff)
    response = client.post(reverse("login"), {"username": "leader@test.mx", "password": PASSWORD})
    assert response.status_code == 200  # the form again, with an error
    assert "_auth_user_id" not in client.session


def test_a_failing_anonymizer_leaves_everything_as_it_was(cast, rich_persona, monkeypatch):
    from csa_portal import privacy

    request = approved_cancellation(cast.leader, cast.staff)

    def broken(*, user, token):
        raise RuntimeError("disk full")

    monkeypatch.setitem(
        privacy._ANONYMIZERS,
        "broken",
        privacy.Anonymizer(name="broken", order=999, anonymize=broken),
    )
    with pytest.raises(RuntimeError):
        execute_cancellation(request=request, by=cast.staff)

    assert User.objects.get(pk=cast.leader.pk).email == "leader@test.mx"
    assert Person.objects.get(pk=rich_persona["person"].pk).name == "Lucía Pérez"
    request.refresh_from_db()
    assert request.status == DataRequest.Status.APPROVED


def test_only_an_approved_cancellation_can_be_carried_out(cast, client_for):
    request = file_request(user=cast.member, kind=DataRequest.Kind.CANCELLATION, details="x")
    client_for(cast.staff).post(
        reverse("data_request_execute", args=[request.pk]), {"confirm": "on"}
    )
    assert User.objects.get(pk=cast.member.pk).email == "member@test.mx"
    approved = answer_request(request=request, response="ok", by=cast.staff)
    client_for(cast.staff).post(reverse("data_request_execute", args=[approved.pk]), {})
    assert User.objects.get(pk=cast.member.pk).email == "member@test.mx"  # not confirmed


def test_a_granted_cancellation_has_its_own_deadline_in_the_queue(cast, client_for):
    request = file_request(user=cast.member, kind=DataRequest.Kind.CANCELLATION, details="x")
    today = timezone.localdate()
    assert request.carry_out_by is None
    assert request.deadline == request.due_on

    approved = answer_request(request=request, response="ok", by=cast.staff)

    assert approved.carry_out_by == add_business_days(today, 15)
    assert approved.deadline == approved.carry_out_by
    # Past it, the queue flags the request as overdue even though the answer was on time.
    DataRequest.objects.filter(pk=approved.pk).update(carry_out_by=today - timedelta(days=1))
    page = client_for(cast.staff).get(reverse("data_request_queue")).content.decode()
    assert "text-bg-danger" in page
    assert "ejecución" in page  # the deadline is named: carrying out, not the answer
    answered = file_request(user=cast.leader, kind=DataRequest.Kind.ACCESS, details="y")
    assert answer_request(request=answered, response="ok", by=cast.staff).carry_out_by is None


def test_grant_amounts_survive_a_cancellation(cast, rich_persona):
    amount = rich_persona["application"].requested_amount
    execute_cancellation(request=approved_cancellation(cast.leader, cast.staff), by=cast.staff)
    assert GrantApplication.objects.get(pk=rich_persona["application"].pk).requested_amount == (
        amount
    )
    assert amount > Decimal(0)


def test_a_cancellation_keeps_the_history_but_not_who_acted(cast, rich_persona):
    from csa_portal.audit import record_change
    from csa_portal.models import AuditEntry

    record_change(
        obj=cast.org, actor=cast.leader, action="update", before={"name": "A"}, after={"name": "B"}
    )
    entries = AuditEntry.objects.filter(actor=cast.leader)
    count = entries.count()
    assert count and all(e.actor_label != "anon" for e in entries)

    execute_cancellation(request=approved_cancellation(cast.leader, cast.staff), by=cast.staff)

    token = User.objects.get(pk=cast.leader.pk).display_name
    assert AuditEntry.objects.filter(actor=cast.leader).count() == count
    assert set(
        AuditEntry.objects.filter(actor=cast.leader).values_list("actor_label", flat=True)
    ) == {token}
    request = DataRequest.objects.get(user=cast.leader)
    assert any(
        line["section"] == "History entries" or "Historial" in line["section"]
        for line in request.statement
    )
