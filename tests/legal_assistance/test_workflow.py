"""The case workflow through the services: each step, each refusal (with its message, and
nothing saved), the conflict of interest check and hours."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from legal_assistance.models import (
    CaseDocument,
    CaseMessage,
    CaseStatus,
    FirmMatch,
    HoursEntry,
    LegalCase,
    Milestone,
)
from legal_assistance.services import LegalError
from legal_assistance.services.cases import (
    ACCEPT,
    ASK_FOR_MORE,
    DECLINE,
    add_document,
    add_message,
    add_milestone,
    add_note,
    close_case,
    log_hours,
    match_firm,
    provide_more_info,
    request_assistance,
    resolve_case,
    respond_to_match,
    triage,
)
from organizations.uploads import EVIDENCE_MAX_BYTES

from .helpers import TODAY, accepted_case, matched_case, pdf, requested_case, working_case


def hours(case, lawyer, amount, *, on=TODAY):
    return log_hours(
        case=case, lawyer=lawyer, worked_on=on, hours=Decimal(amount), description="Revisión"
    )


@pytest.fixture
def working(cast, network):
    return working_case(cast.org, cast.leader, cast.legal_coordinator, network.lawyer)


def test_the_whole_way_from_request_to_closed(cast, network):
    coordinator, lawyer = cast.legal_coordinator, network.lawyer
    case = request_assistance(
        organization=cast.org,
        area="fiscal",
        subject="Declaraciones",
        need="  Tenemos declaraciones pendientes.  ",
        urgency="high",
        requested_by=cast.leader,
    )
    assert (case.status, case.need, case.opened_on) == (
        CaseStatus.REQUESTED,
        "Tenemos declaraciones pendientes.",
        TODAY,
    )

    triage(case=case, decision=ASK_FOR_MORE, by=coordinator, message="¿Qué años?")
    assert case.status == CaseStatus.MORE_INFO
    provide_more_info(case=case, text="2019 y 2020.", by=cast.leader)
    assert case.status == CaseStatus.REQUESTED
    assert list(case.messages.values_list("text", flat=True)) == ["¿Qué años?", "2019 y 2020."]

    triage(case=case, decision=ACCEPT, by=coordinator)
    assert case.status == CaseStatus.ACCEPTED and case.triaged_at is not None
    match = match_firm(case=case, firm=network.firm, by=coordinator)
    assert (case.status, case.firm, match.response) == (
        CaseStatus.MATCHED,
        network.firm,
        FirmMatch.Response.PENDING,
    )

    respond_to_match(case=case, lawyer=lawyer, conflict=False)
    match.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS and case.conflict_confirmed_at is not None
    assert (match.response, match.responded_by) == (FirmMatch.Response.CONFIRMED, cast.lawyer)

    entry = hours(case, lawyer, "3.5")
    assert (entry.firm, entry.hourly_rate, entry.value) == (
        network.firm,
        Decimal("2000.00"),
        Decimal("7000.0000"),
    )
    add_note(case=case, author=cast.lawyer, text="Pedir constancia.")
    add_milestone(case=case, title="Declaraciones presentadas", reached_on=TODAY, by=cast.lawyer)
    resolve_case(case=case, outcome="Todo presentado.", by=cast.lawyer)
    assert case.status == CaseStatus.RESOLVED and case.resolved_at is not None
    close_case(case=case, by=coordinator)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_at is not None


def test_a_firm_declining_for_a_conflict_is_kept_and_another_firm_is_matched(cast, network):
    case = matched_case(cast.org, cast.leader, cast.legal_coordinator, network.firm)

    respond_to_match(
        case=case, lawyer=network.lawyer, conflict=True, reason="Asesoramos a un donante."
    )

    assert (case.status, case.firm, case.matched_at) == (CaseStatus.ACCEPTED, None, None)
    declined = case.matches.get()
    assert declined.response == FirmMatch.Response.DECLINED_CONFLICT
    assert declined.reason == "Asesoramos a un donante."
    with pytest.raises(LegalError, match="declined this case for a conflict of interest"):
        match_firm(case=case, firm=network.firm, by=cast.legal_coordinator)
    match_firm(case=case, firm=network.other_firm, by=cast.legal_coordinator)
    respond_to_match(case=case, lawyer=network.other_lawyer, conflict=False)
    assert case.status == CaseStatus.IN_PROGRESS and case.firm == network.other_firm
    assert list(case.matches.values_list("firm__name", "response")) == [
        ("Bufete Uno", "declined_conflict"),
        ("Despacho Dos", "confirmed"),
    ]


def test_declining_for_a_conflict_needs_a_reason(cast, network):
    case = matched_case(cast.org, cast.leader, cast.legal_coordinator, network.firm)

    with pytest.raises(LegalError, match="Describe the conflict"):
        respond_to_match(case=case, lawyer=network.lawyer, conflict=True, reason=" ")

    case.refresh_from_db()
    assert case.status == CaseStatus.MATCHED
    assert case.matches.get().response == FirmMatch.Response.PENDING


def test_only_the_matched_firms_lawyers_answer_the_conflict_check(cast, network):
    case = matched_case(cast.org, cast.leader, cast.legal_coordinator, network.firm)

    with pytest.raises(LegalError, match="not assigned to your firm"):
        respond_to_match(case=case, lawyer=network.other_lawyer, conflict=False)

    case.refresh_from_db()
    assert case.status == CaseStatus.MATCHED


def test_matching_a_firm_without_the_practice_area_is_refused(cast, network):
    case = accepted_case(cast.org, cast.leader, cast.legal_coordinator, area="labor")

    with pytest.raises(LegalError, match="Despacho Dos does not practise labor law"):
        match_firm(case=case, firm=network.other_firm, by=cast.legal_coordinator)

    case.refresh_from_db()
    assert (case.status, case.firm) == (CaseStatus.ACCEPTED, None)
    assert not FirmMatch.objects.exists()


def test_an_inactive_firm_cannot_be_matched(cast, network):
    network.firm.is_active = False
    network.firm.save()
    case = accepted_case(cast.org, cast.leader, cast.legal_coordinator)

    with pytest.raises(LegalError, match="no longer active"):
        match_firm(case=case, firm=network.firm, by=cast.legal_coordinator)
    assert not FirmMatch.objects.exists()


@pytest.mark.parametrize(
    ("decision", "message", "error"),
    [
        (ASK_FOR_MORE, "", "Write what the organization should add"),
        (DECLINE, "  ", "Give the reason for declining"),
        ("maybe", "", "Choose accept, ask for more or decline"),
    ],
)
def test_triage_refusals_save_nothing(cast, network, decision, message, error):
    case = requested_case(cast.org, cast.leader)

    with pytest.raises(LegalError, match=error):
        triage(case=case, decision=decision, by=cast.legal_coordinator, message=message)

    case.refresh_from_db()
    assert case.status == CaseStatus.REQUESTED and case.triaged_at is None
    assert not CaseMessage.objects.exists()


def test_declining_keeps_the_reason_and_ends_the_case(cast, network):
    case = requested_case(cast.org, cast.leader)
    triage(case=case, decision=DECLINE, by=cast.legal_coordinator, message="Es un litigio penal.")

    case.refresh_from_db()
    assert (case.status, case.decline_reason) == (CaseStatus.DECLINED, "Es un litigio penal.")
    with pytest.raises(LegalError, match="The case is closed"):
        add_message(case=case, author=cast.leader, text="¿Por qué?")


def test_steps_out_of_order_are_refused(cast, network):
    case = requested_case(cast.org, cast.leader)
    with pytest.raises(LegalError, match="while the case is “Requested”"):
        match_firm(case=case, firm=network.firm, by=cast.legal_coordinator)
    with pytest.raises(LegalError, match="while the case is “Requested”"):
        resolve_case(case=case, outcome="Listo", by=cast.legal_coordinator)
    with pytest.raises(LegalError, match="while the case is “Requested”"):
        provide_more_info(case=case, text="Más datos", by=cast.leader)
    triage(case=case, decision=ACCEPT, by=cast.legal_coordinator)
    with pytest.raises(LegalError, match="while the case is “Accepted, to match”"):
        triage(case=case, decision=ACCEPT, by=cast.legal_coordinator)
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED


def test_closing_without_resolution_needs_a_note(cast, network, working):
    with pytest.raises(LegalError, match="Say why the case is closed"):
        close_case(case=working, by=cast.legal_coordinator)
    working.refresh_from_db()
    assert working.status == CaseStatus.IN_PROGRESS

    close_case(case=working, by=cast.legal_coordinator, note="La organización desistió.")
    working.refresh_from_db()
    assert (working.status, working.outcome) == (CaseStatus.CLOSED, "La organización desistió.")


def test_resolving_needs_an_outcome(cast, network, working):
    with pytest.raises(LegalError, match="Describe the outcome"):
        resolve_case(case=working, outcome="", by=cast.lawyer)
    working.refresh_from_db()
    assert working.status == CaseStatus.IN_PROGRESS


# --- Hours -----------------------------------------------------------------------------------


@pytest.mark.parametrize("amount", ["0", "-1", "0.00"])
def test_zero_or_negative_hours_are_refused(network, working, amount):
    with pytest.raises(LegalError, match="Hours must be more than zero"):
        hours(working, network.lawyer, amount)
    assert not HoursEntry.objects.exists()


def test_more_than_24_hours_in_a_day_for_one_lawyer_are_refused_across_cases(
    cast, network, working
):
    second = working_case(cast.other_org, cast.other_leader, cast.legal_coordinator, network.lawyer)
    hours(working, network.lawyer, "10")
    hours(second, network.lawyer, "12")

    with pytest.raises(LegalError, match="already logged 22 hours on .*at most 2 more"):
        hours(working, network.lawyer, "2.5")
    with pytest.raises(LegalError, match="A day has 24 hours"):
        hours(working, network.lawyer, "25", on=TODAY - timedelta(days=1))

    assert HoursEntry.objects.count() == 2
    hours(second, network.lawyer, "2")  # exactly 24 is fine
    hours(working, network.lawyer, "8", on=TODAY - timedelta(days=1))  # another day
    assert HoursEntry.objects.count() == 4


def test_hours_on_a_case_not_assigned_to_the_lawyers_firm_are_refused(cast, network, working):
    with pytest.raises(LegalError, match="not assigned to your firm"):
        hours(working, network.other_lawyer, "1")
    accepted = accepted_case(cast.org, cast.leader, cast.legal_coordinator)
    with pytest.raises(LegalError, match="not assigned to your firm"):
        hours(accepted, network.lawyer, "1")
    assert not HoursEntry.objects.exists()


def test_hours_wait_for_the_conflict_check_and_stop_when_closed(cast, network):
    case = matched_case(cast.org, cast.leader, cast.legal_coordinator, network.firm)
    with pytest.raises(LegalError, match="Matched, awaiting the firm"):
        hours(case, network.lawyer, "1")
    respond_to_match(case=case, lawyer=network.lawyer, conflict=False)
    hours(case, network.lawyer, "1")
    close_case(case=case, by=cast.legal_coordinator, note="Desistió.")
    with pytest.raises(LegalError, match="Closed"):
        hours(case, network.lawyer, "1")
    assert HoursEntry.objects.count() == 1


def test_hours_in_the_future_and_inactive_lawyers_are_refused(network, working):
    with pytest.raises(LegalError, match="future date"):
        hours(working, network.lawyer, "1", on=TODAY + timedelta(days=1))
    network.lawyer.is_active = False
    network.lawyer.save()
    with pytest.raises(LegalError, match="not assigned to your firm"):
        hours(working, network.lawyer, "1")
    assert not HoursEntry.objects.exists()


def test_hours_keep_the_rate_of_the_day_they_were_logged(network, working):
    hours(working, network.lawyer, "2")
    network.firm.reference_hourly_rate = Decimal("5000")
    network.firm.save()
    hours(working, network.lawyer, "1", on=TODAY - timedelta(days=1))

    assert sorted(e.value for e in HoursEntry.objects.all()) == [Decimal(4000), Decimal(5000)]


# --- Documents, notes, milestones --------------------------------------------------------------


def test_documents_are_checked_by_content_and_stored_under_our_name(cast, working, settings):
    document = add_document(
        case=working, upload=pdf("Acta Constitutiva.pdf"), description="", by=cast.leader
    )

    assert document.original_name == "Acta Constitutiva.pdf"
    assert document.stored_name.endswith(".pdf") and "Acta" not in document.stored_name
    assert (settings.MEDIA_ROOT / "legal_assistance" / document.stored_name).is_file()


@pytest.mark.parametrize(
    ("upload", "error"),
    [
        (SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf"), "Only PDF, office documents"),
        (SimpleUploadedFile("notes.docx", b"plain text"), "Only PDF, office documents"),
        (
            SimpleUploadedFile("big.pdf", b"%PDF-1.4" + b"0" * EVIDENCE_MAX_BYTES),
            "larger than 10 MB",
        ),
    ],
)
def test_disallowed_or_oversized_documents_are_refused(cast, working, settings, upload, error):
    with pytest.raises(LegalError, match=error):
        add_document(case=working, upload=upload, description="", by=cast.leader)

    assert not CaseDocument.objects.exists()
    folder = settings.MEDIA_ROOT / "legal_assistance"
    assert not folder.exists() or not any(folder.iterdir())


def test_empty_texts_and_early_milestones_are_refused(cast, working):
    with pytest.raises(LegalError, match="The note is empty"):
        add_note(case=working, author=cast.lawyer, text=" ")
    with pytest.raises(LegalError, match="The message is empty"):
        add_message(case=working, author=cast.leader, text="")
    with pytest.raises(LegalError, match="not before"):
        add_milestone(
            case=working, title="Sentencia", reached_on=TODAY + timedelta(days=3), by=cast.lawyer
        )
    assert not Milestone.objects.exists()


def test_a_request_serving_another_organizations_action_is_refused(cast, network):
    from organizations.services.plans import create_plan, save_action
    from tests.capacity_helpers import make_framework, validated_assessment

    assessment = validated_assessment(
        cast.other_org, make_framework(), leader=cast.other_leader, staff=cast.staff
    )
    plan = create_plan(assessment=assessment, title="Plan", created_by=cast.staff)
    action = save_action(
        plan=plan,
        action=None,
        fields={"description": "Regularizar", "due_date": TODAY},
        by=cast.staff,
    )

    with pytest.raises(LegalError, match="another organization's plan"):
        request_assistance(
            organization=cast.org,
            area="fiscal",
            subject="X",
            need="Y",
            urgency="normal",
            requested_by=cast.leader,
            serves_action=action,
        )
    assert not LegalCase.objects.exists()
