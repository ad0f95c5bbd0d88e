"""The grant workflow through its services, and each refusal: a clear message, nothing saved.

Application: draft (save and resume) -> submitted -> returned -> resubmitted -> reviewed ->
awarded (a grant with tranches and a report schedule) or declined. Grant: tranches released and
paid, reports submitted and accepted or returned, then closed, or terminated early.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from grants.models import (
    ApplicationAttachment,
    BudgetLine,
    Grant,
    GrantApplication,
    GrantReport,
    Review,
    SpendingLine,
    Tranche,
)
from grants.services import (
    BudgetLineInput,
    GrantError,
    ReportInput,
    SpendingInput,
    TrancheInput,
    accept_report,
    award_application,
    close_grant,
    decline_application,
    record_review,
    record_tranche_payment,
    record_tranche_release,
    reschedule_report,
    return_for_changes,
    return_report,
    save_application,
    submit_application,
    submit_report,
    terminate_grant,
)
from organizations.models import Action
from tests.grants.helpers import (
    BUDGET,
    REPORTS,
    SCORES,
    TRANCHES,
    application_fields,
    awarded,
    draft,
    reviewed,
    submitted,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def snapshot() -> dict:
    models = [
        GrantApplication,
        BudgetLine,
        ApplicationAttachment,
        Review,
        Grant,
        Tranche,
        GrantReport,
        SpendingLine,
    ]
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in models}


def refused(call, message: str) -> None:
    """The call raises GrantError with `message` in it and leaves every grants table as it was."""
    before = snapshot()
    with pytest.raises(GrantError) as caught:
        call()
    assert message in str(caught.value)
    assert snapshot() == before


def award(application, staff, **overrides):
    values = {
        "application": application,
        "amount": Decimal("100000.00"),
        "currency": "MXN",
        "start_date": date(2025, 1, 15),
        "end_date": date(2026, 1, 15),
        "tranches": TRANCHES,
        "reports": REPORTS,
        "by": staff,
        **overrides,
    }
    return lambda: award_application(**values)


# --- Applications ----------------------------------------------------------------------------


def test_a_draft_saves_with_only_a_title_and_resumes_with_its_budget_replaced(cast):
    application = save_application(
        organization=cast.org,
        application=None,
        fields={"title": "  Solo el título  "},
        budget_lines=[],
        by=cast.leader,
    )
    assert (application.status, application.title, application.created_by) == (
        GrantApplication.Status.DRAFT,
        "Solo el título",
        cast.leader,
    )

    save_application(
        organization=cast.org,
        application=application,
        fields=application_fields(),
        budget_lines=BUDGET,
        by=cast.leader,
    )
    save_application(
        organization=cast.org,
        application=application,
        fields=application_fields(requested_amount=Decimal("60000.00")),
        budget_lines=BUDGET[:1],
        by=cast.leader,
    )

    application.refresh_from_db()
    assert application.requested_amount == Decimal("60000.00")
    assert list(application.budget_lines.values_list("amount", flat=True)) == [Decimal("60000.00")]
    assert application.states == ["SON"]


def test_submitting_needs_a_complete_application_whose_budget_adds_up(cast):
    incomplete = save_application(
        organization=cast.org,
        application=None,
        fields={"title": "Incompleta"},
        budget_lines=[],
        by=cast.leader,
    )
    unbalanced = draft(cast.org, cast.leader, requested_amount=Decimal("99000.00"))

    refused(
        lambda: submit_application(application=incomplete, by=cast.leader),
        "Complete these before submitting: theme, problem it addresses, objectives",
    )
    refused(
        lambda: submit_application(application=unbalanced, by=cast.leader),
        "The budget lines add up to 100000.00 but the requested amount is 99000.00.",
    )


def test_a_submitted_application_is_read_only_to_the_cso(cast):
    application = submitted(cast.org, cast.leader)
    assert (application.status, application.submitted_by) == (
        GrantApplication.Status.SUBMITTED,
        cast.leader,
    )
    assert application.submitted_at is not None

    refused(
        lambda: save_application(
            organization=cast.org,
            application=application,
            fields={"title": "Cambiada"},
            budget_lines=BUDGET,
            by=cast.leader,
        ),
        "A submitted application can no longer be changed by the organization.",
    )
    refused(lambda: submit_application(application=application, by=cast.leader), "no longer")


def test_returned_for_changes_the_cso_edits_and_submits_again(cast):
    application = submitted(cast.org, cast.leader)
    refused(
        lambda: return_for_changes(application=application, message="  ", by=cast.staff),
        "Say what the organization should change.",
    )

    return_for_changes(application=application, message="Detallen los viajes.", by=cast.staff)
    application.refresh_from_db()
    assert application.status == GrantApplication.Status.RETURNED
    assert application.returned_message == "Detallen los viajes."
    save_application(
        organization=cast.org,
        application=application,
        fields={"activities": "Talleres y viajes detallados."},
        budget_lines=BUDGET,
        by=cast.leader,
    )
    submit_application(application=application, by=cast.leader)

    application.refresh_from_db()
    assert application.status == GrantApplication.Status.SUBMITTED
    assert application.activities == "Talleres y viajes detallados."


def test_refusals_of_bad_application_content(cast, tiny_plan_action):
    def save(**kwargs):
        values = {
            "organization": cast.org,
            "application": None,
            "fields": application_fields(),
            "budget_lines": BUDGET,
            "by": cast.leader,
            **kwargs,
        }
        return lambda: save_application(**values)

    refused(save(fields=application_fields(requested_amount=Decimal(0))), "greater than zero")
    refused(
        save(budget_lines=[BudgetLineInput("travel", "Viajes", Decimal("-5"))]),
        "Amounts must be greater than zero.",
    )
    refused(save(fields=application_fields(states=["XX"])), "Unknown state.")
    other = draft(cast.other_org, cast.other_leader)
    refused(save(application=other), "That application belongs to another organization.")
    # An action of another organization's plan, or of a plan not agreed, cannot be served.
    refused(save(actions=[tiny_plan_action]), "agreed plans")
    refused(
        save(attachments=[SimpleUploadedFile("virus.exe", b"MZ\x90\x00", "application/pdf")]),
        "Only PDF, office documents and images are accepted.",
    )


@pytest.fixture
def tiny_plan_action(cast):
    from organizations.services.plans import create_plan, save_action
    from tests.capacity_helpers import make_framework, validated_assessment

    assessment = validated_assessment(
        cast.other_org, make_framework(), leader=cast.other_leader, staff=cast.staff
    )
    plan = create_plan(assessment=assessment, title="Plan ajeno", created_by=cast.staff)
    return save_action(
        plan=plan,
        action=None,
        fields={"description": "Otra", "due_date": date(2027, 1, 31), "support": "grant"},
        by=cast.staff,
    )


def plan_with_serving_application(cast):
    from organizations.services.plans import accept_plan, create_plan, save_action, save_goal
    from tests.capacity_helpers import make_framework, validated_assessment

    assessment = validated_assessment(
        cast.org, make_framework(), leader=cast.leader, staff=cast.staff
    )
    plan = create_plan(assessment=assessment, title="Plan", created_by=cast.staff)
    save_goal(
        plan=plan,
        goal=None,
        area=assessment.framework.areas.first(),
        target_score=Decimal(60),
        due_date=date(2027, 6, 30),
        by=cast.staff,
    )
    action = save_action(
        plan=plan,
        action=None,
        fields={"description": "Piloto", "due_date": date(2027, 1, 31), "support": "grant"},
        by=cast.staff,
    )
    accept_plan(plan=plan, accepted_by=cast.leader)

    application = draft(cast.org, cast.leader)
    save_application(
        organization=cast.org,
        application=application,
        fields={},
        budget_lines=BUDGET,
        actions=[action],
        by=cast.leader,
    )

    return plan, application, action


def test_an_application_serves_actions_of_its_organizations_agreed_plan(cast):
    _plan, application, action = plan_with_serving_application(cast)

    assert list(Action.objects.filter(grant_applications=application)) == [action]


def test_the_plan_page_links_the_application_that_serves_an_action(cast, client_for):
    from django.urls import reverse

    from tests.personas import speak_english

    plan, application, _action = plan_with_serving_application(cast)
    speak_english(cast.leader)

    page = client_for(cast.leader).get(reverse("organizations:plan", args=[plan.pk]))

    link = reverse("grants:application", args=[application.pk])
    assert (
        f'href="{link}">Grant application: {application.title} (Draft)</a>' in page.content.decode()
    )


# --- Review and decision --------------------------------------------------------------------


def test_reviews_are_one_per_reviewer_with_every_criterion_scored(cast):
    application = submitted(cast.org, cast.leader)
    refused(
        lambda: record_review(
            application=application,
            reviewer=cast.staff,
            scores={**SCORES, "relevance": 6},
            recommendation="fund",
        ),
        "Score every criterion from 0 to 5.",
    )
    refused(
        lambda: record_review(
            application=application,
            reviewer=cast.staff,
            scores={"relevance": 3},
            recommendation="fund",
        ),
        "Score every criterion from 0 to 5.",
    )
    record_review(
        application=application, reviewer=cast.staff, scores=SCORES, recommendation="fund"
    )
    record_review(
        application=application,
        reviewer=cast.staff,
        scores={**SCORES, "budget": 0},
        recommendation="do_not_fund",
        comments="Presupuesto inflado.",
    )
    record_review(
        application=application,
        reviewer=cast.legal_coordinator,
        scores=SCORES,
        recommendation="fund_with_changes",
    )

    reviews = {r.reviewer: r for r in application.reviews.all()}
    assert len(reviews) == 2
    assert reviews[cast.staff].recommendation == "do_not_fund"
    assert reviews[cast.staff].total == 4 + 3 + 4 + 0 + 2


def test_a_draft_is_not_under_review(cast):
    application = draft(cast.org, cast.leader)
    refused(
        lambda: record_review(
            application=application, reviewer=cast.staff, scores=SCORES, recommendation="fund"
        ),
        "Only a submitted application is under review.",
    )
    refused(lambda: award(application, cast.staff)(), "Only a submitted application")


def test_a_decision_needs_a_review_first(cast):
    application = submitted(cast.org, cast.leader)
    refused(award(application, cast.staff), "Record at least one review before deciding.")
    refused(
        lambda: decline_application(application=application, reason="No", by=cast.staff),
        "Record at least one review before deciding.",
    )


def test_declining_needs_a_reason_and_closes_the_review(cast):
    application = reviewed(cast.org, cast.leader, cast.staff)
    refused(
        lambda: decline_application(application=application, reason=" ", by=cast.staff),
        "Give the reason for declining.",
    )

    decline_application(application=application, reason="Fuera de prioridades.", by=cast.staff)

    application.refresh_from_db()
    assert (application.status, application.decision_reason, application.decided_by) == (
        GrantApplication.Status.DECLINED,
        "Fuera de prioridades.",
        cast.staff,
    )
    refused(
        lambda: record_review(
            application=application, reviewer=cast.staff, scores=SCORES, recommendation="fund"
        ),
        "Only a submitted application is under review.",
    )


def test_an_award_creates_the_grant_its_tranches_and_its_report_schedule(cast):
    application = reviewed(cast.org, cast.leader, cast.staff)

    grant = award(
        application,
        cast.staff,
        amount=Decimal("90000.00"),  # less than the 100,000 requested
        tranches=[
            TrancheInput(Decimal("30000.00"), date(2025, 8, 1), "Informe intermedio"),
            TrancheInput(Decimal("60000.00"), date(2025, 2, 1), "Firma"),
        ],
    )()

    application.refresh_from_db()
    assert application.status == GrantApplication.Status.AWARDED
    assert (grant.organization, grant.amount, grant.currency, grant.status) == (
        cast.org,
        Decimal("90000.00"),
        "MXN",
        Grant.Status.ACTIVE,
    )
    # Numbered in date order whatever the order they were entered in.
    assert list(grant.tranches.values_list("number", "amount", "condition")) == [
        (1, Decimal("60000.00"), "Firma"),
        (2, Decimal("30000.00"), "Informe intermedio"),
    ]
    assert list(grant.reports.values_list("kind", "due_date", "status")) == [
        ("narrative", date(2025, 7, 15), "pending"),
        ("financial", date(2026, 1, 31), "pending"),
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"amount": Decimal("120000.00")},
            "The tranches add up to 100000.00 but the award is 120000.00.",
        ),
        ({"amount": Decimal(0)}, "Amounts must be greater than zero."),
        ({"amount": Decimal("-100")}, "Amounts must be greater than zero."),
        (
            {
                "tranches": [
                    TrancheInput(Decimal("110000.00"), date(2025, 2, 1)),
                    TrancheInput(Decimal("-10000.00"), date(2025, 8, 1)),
                ]
            },
            "Amounts must be greater than zero.",
        ),
        ({"end_date": date(2025, 1, 1)}, "A grant must end after it starts."),
        ({"end_date": date(2025, 1, 15)}, "A grant must end after it starts."),
        ({"tranches": []}, "Plan at least one tranche."),
        ({"reports": []}, "Schedule at least one report."),
        (
            {"reports": [ReportInput("narrative", date(2024, 12, 31))]},
            "Reports are due after the grant starts.",
        ),
        ({"currency": "EUR"}, "Unknown currency."),
    ],
)
def test_refusals_of_an_award(cast, overrides, message):
    application = reviewed(cast.org, cast.leader, cast.staff)
    refused(award(application, cast.staff, **overrides), message)
    application.refresh_from_db()
    assert application.status == GrantApplication.Status.SUBMITTED


def test_an_application_is_awarded_once(cast):
    application = reviewed(cast.org, cast.leader, cast.staff)
    award(application, cast.staff)()
    refused(award(application, cast.staff), "Only a submitted application is under review.")


# --- Tranches ------------------------------------------------------------------------------


def test_a_tranche_is_released_then_paid(cast):
    grant = awarded(cast.org, cast.leader, cast.staff)
    tranche = grant.tranches.get(number=1)
    refused(
        lambda: record_tranche_payment(tranche=tranche, on=date(2025, 2, 5), by=cast.staff),
        "Record the tranche's release before its payment.",
    )
    refused(
        lambda: record_tranche_release(
            tranche=tranche, on=timezone.localdate() + timedelta(days=1), by=cast.staff
        ),
        "That date is in the future.",
    )

    record_tranche_release(tranche=tranche, on=date(2025, 2, 1), by=cast.staff)
    refused(
        lambda: record_tranche_release(tranche=tranche, on=date(2025, 2, 2), by=cast.staff),
        "already released",
    )
    refused(
        lambda: record_tranche_payment(tranche=tranche, on=date(2025, 1, 31), by=cast.staff),
        "A tranche is paid on or after its release.",
    )
    record_tranche_payment(tranche=tranche, on=date(2025, 2, 5), by=cast.staff)

    tranche.refresh_from_db()
    assert (tranche.released_on, tranche.paid_on) == (date(2025, 2, 1), date(2025, 2, 5))
    refused(
        lambda: record_tranche_payment(tranche=tranche, on=date(2025, 2, 6), by=cast.staff),
        "already paid",
    )


# --- Reports -------------------------------------------------------------------------------


def test_a_report_is_submitted_returned_resubmitted_and_accepted(cast):
    grant = awarded(cast.org, cast.leader, cast.staff)
    report = grant.reports.get(kind="financial")
    lines = list(grant.application.budget_lines.order_by("pk"))

    submit_report(
        report=report,
        narrative="Gastos del periodo.",
        spending=[SpendingInput(lines[0].pk, Decimal("50000.00"))],
        attachments=[SimpleUploadedFile("facturas.pdf", b"%PDF-1.4 f", "application/pdf")],
        by=cast.leader,
    )
    refused(
        lambda: return_report(report=report, comments="", by=cast.staff),
        "Say what the organization should correct.",
    )
    return_report(report=report, comments="Falta el gasto de talleres.", by=cast.staff)
    report.refresh_from_db()
    assert (report.status, report.staff_comments) == ("returned", "Falta el gasto de talleres.")

    submit_report(
        report=report,
        narrative="Gastos corregidos.",
        spending=[
            SpendingInput(lines[0].pk, Decimal("55000.00")),
            SpendingInput(lines[1].pk, Decimal("28000.50")),
        ],
        by=cast.leader,
    )
    accept_report(report=report, by=cast.staff)

    report.refresh_from_db()
    assert (report.status, report.reviewed_by) == ("accepted", cast.staff)
    # The resubmission replaced the spending; the attachment stayed.
    assert sorted(report.spending.values_list("amount", flat=True)) == [
        Decimal("28000.50"),
        Decimal("55000.00"),
    ]
    assert report.attachments.count() == 1
    refused(
        lambda: submit_report(report=report, narrative="Otra", spending=[], by=cast.leader),
        "This report was already submitted.",
    )


def test_spending_only_on_the_grants_own_budget_lines(cast):
    grant = awarded(cast.org, cast.leader, cast.staff)
    other_line = draft(cast.other_org, cast.other_leader).budget_lines.first()
    report = grant.reports.get(kind="financial")
    line = grant.application.budget_lines.first()

    refused(
        lambda: submit_report(
            report=report,
            narrative="",
            spending=[SpendingInput(other_line.pk, Decimal("10.00"))],
            by=cast.leader,
        ),
        "Spending can only be reported against the grant's budget lines.",
    )
    refused(
        lambda: submit_report(
            report=report,
            narrative="",
            spending=[SpendingInput(line.pk, Decimal("0"))],
            by=cast.leader,
        ),
        "Amounts must be greater than zero.",
    )
    refused(
        lambda: submit_report(
            report=report,
            narrative="",
            spending=[SpendingInput(line.pk, Decimal(1)), SpendingInput(line.pk, Decimal(2))],
            by=cast.leader,
        ),
        "Report each budget line once.",
    )
    refused(
        lambda: submit_report(report=report, narrative="Sin gastos", spending=[], by=cast.leader),
        "A financial report gives the spending by budget line.",
    )
    refused(
        lambda: submit_report(
            report=grant.reports.get(kind="narrative"), narrative=" ", spending=[], by=cast.leader
        ),
        "Write the narrative of the report.",
    )


def test_reports_are_rescheduled_by_staff_while_not_handed_in(cast):
    grant = awarded(cast.org, cast.leader, cast.staff)
    report = grant.reports.get(kind="narrative")

    reschedule_report(report=report, due_date=date(2025, 9, 30), by=cast.staff)
    report.refresh_from_db()
    assert report.due_date == date(2025, 9, 30)
    refused(
        lambda: reschedule_report(report=report, due_date=date(2024, 1, 1), by=cast.staff),
        "Reports are due after the grant starts.",
    )
    submit_report(report=report, narrative="Avance", spending=[], by=cast.leader)
    refused(
        lambda: reschedule_report(report=report, due_date=date(2025, 10, 30), by=cast.staff),
        "Only a report not yet handed in can be rescheduled.",
    )


# --- The end of a grant --------------------------------------------------------------------


def settle(grant, cast) -> None:
    line = grant.application.budget_lines.first()
    for tranche in grant.tranches.all():
        record_tranche_release(tranche=tranche, on=tranche.planned_date, by=cast.staff)
        record_tranche_payment(tranche=tranche, on=tranche.planned_date, by=cast.staff)
    for report in grant.reports.all():
        spending = [SpendingInput(line.pk, Decimal(100))] if report.kind == "financial" else []
        submit_report(report=report, narrative="Hecho", spending=spending, by=cast.leader)
        accept_report(report=report, by=cast.staff)


def test_a_grant_closes_only_with_every_report_accepted_and_tranche_paid(cast):
    grant = awarded(cast.org, cast.leader, cast.staff)
    refused(lambda: close_grant(grant=grant, by=cast.staff), "all its reports are accepted")
    for report in grant.reports.all():
        submit_report(
            report=report,
            narrative="Hecho",
            spending=[SpendingInput(grant.application.budget_lines.first().pk, Decimal(1))],
            by=cast.leader,
        )
        accept_report(report=report, by=cast.staff)
    refused(lambda: close_grant(grant=grant, by=cast.staff), "all its tranches are paid")
    for tranche in grant.tranches.all():
        record_tranche_release(tranche=tranche, on=tranche.planned_date, by=cast.staff)
        record_tranche_payment(tranche=tranche, on=tranche.planned_date, by=cast.staff)

    close_grant(grant=grant, by=cast.staff)

    grant.refresh_from_db()
    assert (grant.status, grant.ended_by) == (Grant.Status.CLOSED, cast.staff)


def test_nothing_changes_on_a_closed_grant_not_even_a_report(cast):
    grant = awarded(cast.org, cast.leader, cast.staff)
    settle(grant, cast)
    close_grant(grant=grant, by=cast.staff)
    report = grant.reports.first()
    GrantReport.objects.filter(pk=report.pk).update(status="pending")  # even one left open

    refused(
        lambda: submit_report(report=report, narrative="Tarde", spending=[], by=cast.leader),
        "This grant is closed: its reports can no longer change.",
    )
    refused(
        lambda: terminate_grant(grant=grant, reason="Tarde", by=cast.staff),
        "This grant has ended",
    )


def test_terminating_early_needs_a_reason_and_stops_reports_and_tranches(cast):
    grant = awarded(cast.org, cast.leader, cast.staff)
    refused(
        lambda: terminate_grant(grant=grant, reason="", by=cast.staff),
        "Give the reason for terminating the grant.",
    )

    terminate_grant(grant=grant, reason="La organización se disolvió.", by=cast.staff)

    grant.refresh_from_db()
    assert (grant.status, grant.termination_reason) == (
        Grant.Status.TERMINATED,
        "La organización se disolvió.",
    )
    report, tranche = grant.reports.first(), grant.tranches.first()
    refused(
        lambda: submit_report(report=report, narrative="x", spending=[], by=cast.leader),
        "This grant is closed",
    )
    refused(
        lambda: record_tranche_release(tranche=tranche, on=date(2025, 2, 1), by=cast.staff),
        "This grant has ended",
    )
    # Nothing is overdue on an ended grant.
    assert not GrantReport.objects.overdue().exists()
    assert not Tranche.objects.overdue().exists()


def test_overdue_reports_and_tranches(cast):
    grant = awarded(cast.org, cast.leader, cast.staff)  # 2025 dates: all in the past
    today = date(2025, 8, 2)

    assert list(GrantReport.objects.overdue(today).values_list("kind", flat=True)) == ["narrative"]
    assert list(Tranche.objects.overdue(today).values_list("number", flat=True)) == [1, 2]
    tranche = grant.tranches.get(number=1)
    record_tranche_release(tranche=tranche, on=date(2025, 2, 1), by=cast.staff)
    record_tranche_payment(tranche=tranche, on=date(2025, 2, 1), by=cast.staff)
    assert list(Tranche.objects.overdue(today).values_list("number", flat=True)) == [2]
