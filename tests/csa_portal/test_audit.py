"""The audit trail: every service that changes a listed record writes an entry with who, when
and each field's before/after; bulk and set-based writes too; History pages show it to staff
and the organization's leaders only, with a fixed number of queries, and never show a case's
confidential values to someone who may not read them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from csa_portal.models import AuditEntry
from grants.models import Grant, GrantReport
from grants.services import (
    SpendingInput,
    accept_report,
    record_tranche_payment,
    record_tranche_release,
    reschedule_report,
    submit_report,
    terminate_grant,
)
from legal_assistance.models import ComplianceItem, ConfidentialAccess, LegalCase
from legal_assistance.services.cases import DECLINE, resolve_case, triage
from legal_assistance.services.compliance import update_compliance_item
from organizations.models import Action, Assessment, Goal, ImprovementPlan, Organization, Rating
from organizations.services import import_organizations, update_organization
from organizations.services.assessments import RatingInput, reopen_assessment, save_ratings
from organizations.services.plans import (
    accept_plan,
    create_plan,
    remove_goal,
    save_action,
    save_goal,
    set_action_status,
)
from tests.capacity_helpers import (
    areas_of,
    indicators_of,
    make_framework,
    start,
    validated_assessment,
)
from tests.grants.helpers import awarded
from tests.legal_assistance.helpers import make_firm, make_lawyer, requested_case, working_case
from tests.personas import speak_english
from tests.query_counts import LOGGED_IN

FUTURE = date(2030, 6, 30)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def entries_of(obj) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).order_by("at", "id")
    )


def last(obj) -> AuditEntry:
    return entries_of(obj)[-1]


# --- Services record their changes --------------------------------------------------------


def test_an_organization_update_records_who_and_before_after(cast):
    update_organization(
        organization=cast.org, changed_by=cast.leader, fields={"mission": "Nueva misión"}
    )
    entry = last(cast.org)
    assert entry.action == "update"
    assert entry.actor == cast.leader and entry.actor_label == str(cast.leader)
    assert entry.changes == {"mission": ["", "Nueva misión"]}
    assert (entry.root_type.model_class(), entry.root_id) == (Organization, cast.org.pk)


def test_an_update_that_changes_nothing_records_nothing(cast):
    before = AuditEntry.objects.count()
    update_organization(
        organization=cast.org, changed_by=cast.staff, fields={"name": cast.org.name}
    )
    assert AuditEntry.objects.count() == before


def test_an_import_records_each_organization_and_the_batch(cast):
    rows = [
        {"name": f"Importada {i}", "sector": "cso", "state": "SON", "municipality": "Hermosillo"}
        for i in range(3)
    ]
    assert import_organizations(rows=rows, imported_by=cast.staff) == 3

    created = list(Organization.objects.filter(name__startswith="Importada").order_by("pk"))
    for organization in created:
        (entry,) = entries_of(organization)
        assert entry.action == "create" and entry.note == "imported"
        assert entry.changes["name"] == [None, organization.name]
    batch = AuditEntry.objects.get(action="bulk")
    assert batch.actor == cast.staff
    assert batch.affected_ids == [o.pk for o in created] and batch.affected_count == 3


def test_assessments_and_their_ratings_are_recorded_including_bulk_saves(cast):
    framework = make_framework()
    by_code = indicators_of(framework)
    assessment = start(cast.org, framework, cast.leader)
    assert last(assessment).action == "create"

    save_ratings(
        assessment=assessment,
        entries=[RatingInput(by_code["a1"].pk, 2), RatingInput(by_code["a2"].pk, 3)],
        saved_by=cast.leader,
    )
    save_ratings(
        assessment=assessment,
        entries=[RatingInput(by_code["a1"].pk, 4), RatingInput(by_code["a2"].pk, 3)],
        saved_by=cast.member,
    )

    a1 = Rating.objects.get(assessment=assessment, indicator=by_code["a1"])
    a2 = Rating.objects.get(assessment=assessment, indicator=by_code["a2"])
    created, changed = entries_of(a1)
    assert created.action == "create" and created.changes["level"] == [None, 2]
    assert changed.action == "update" and changed.actor == cast.member
    assert changed.changes == {"level": [2, 4]}
    assert changed.object_label == "a1" and changed.root_id == assessment.pk
    assert len(entries_of(a2)) == 1  # saved again unchanged: nothing to record


def test_validation_records_the_agreed_level_and_the_transition(cast):
    framework = make_framework()
    assessment = validated_assessment(
        cast.org,
        framework,
        leader=cast.leader,
        staff=cast.staff,
        changes={"a2": (3, "Se vio el manual")},
    )
    rating = Rating.objects.get(assessment=assessment, indicator__code="a2")
    entry = last(rating)
    assert entry.actor == cast.staff
    assert entry.changes["level"] == [2, 3]
    assert entry.changes["change_reason"] == ["", "Se vio el manual"]
    statuses = [e.changes["status"] for e in entries_of(assessment) if e.action == "transition"]
    assert statuses == [["draft", "submitted"], ["submitted", "validated"]]

    reopen_assessment(assessment=assessment, reopened_by=cast.staff, reason="Faltan pruebas")
    entry = last(assessment)
    assert entry.changes == {
        "status": ["validated", "draft"],
        "reopen_reason": ["", "Faltan pruebas"],
    }


@pytest.fixture
def plan(cast) -> ImprovementPlan:
    framework = make_framework()
    assessment = validated_assessment(cast.org, framework, leader=cast.leader, staff=cast.staff)
    return create_plan(assessment=assessment, title="Plan 2017", created_by=cast.staff)


def test_plan_goals_and_actions_are_recorded(cast, plan):
    area = areas_of(plan.assessment.framework)["a"]
    goal = save_goal(
        plan=plan, goal=None, area=area, target_score=Decimal(60), due_date=FUTURE, by=cast.staff
    )
    goal.target_score = Decimal(70)  # as a ModelForm would have copied it already
    save_goal(
        plan=plan, goal=goal, area=area, target_score=Decimal(70), due_date=FUTURE, by=cast.leader
    )
    assert last(goal).changes == {"target_score": ["60.00", "70"]}
    assert last(goal).root_id == plan.pk

    action = save_action(
        plan=plan,
        action=None,
        fields={
            "description": "Manual",
            "goal": goal,
            "responsible": None,
            "due_date": FUTURE,
            "status": Action.Status.PLANNED,
            "support": Action.Support.COACHING,
        },
        by=cast.staff,
    )
    set_action_status(action=action, status=Action.Status.STARTED, by=cast.member)
    assert last(action).changes["status"] == ["planned", "started"]
    assert last(action).actor == cast.member

    accept_plan(plan=plan, accepted_by=cast.leader)
    assert last(plan).changes == {"cso_agreed_by": [None, str(cast.leader)]}

    goal_pk = goal.pk
    remove_goal(goal=Goal.objects.get(pk=goal_pk), by=cast.staff)
    entry = AuditEntry.objects.filter(object_id=goal_pk, action="delete").get()
    assert entry.changes["target_score"] == ["70.00", None]


def test_the_award_records_the_grant_its_tranches_and_reports_and_what_follows(cast):
    grant = awarded(cast.org, cast.leader, cast.staff)
    assert last(grant).action == "create"
    assert last(grant).changes["amount"] == [None, "100000.00"]
    tranches = list(grant.tranches.order_by("number"))
    reports = list(grant.reports.order_by("due_date"))
    assert all(last(t).action == "create" and last(t).root_id == grant.pk for t in tranches)
    assert all(last(r).changes["status"] == [None, "pending"] for r in reports)
    assert last(grant.application).changes["status"] == ["submitted", "awarded"]

    first = tranches[0]
    record_tranche_release(tranche=first, on=date(2025, 2, 1), by=cast.staff)
    record_tranche_payment(tranche=first, on=date(2025, 2, 3), by=cast.staff)
    assert [e.changes for e in entries_of(first)[1:]] == [
        {"released_on": [None, "2025-02-01"]},
        {"paid_on": [None, "2025-02-03"]},
    ]

    financial = next(r for r in reports if r.kind == GrantReport.Kind.FINANCIAL)
    line = grant.application.budget_lines.first()
    submit_report(
        report=financial,
        narrative="",
        spending=[SpendingInput(line.pk, Decimal("1000.00"))],
        by=cast.leader,
    )
    assert last(financial).changes["status"] == ["pending", "submitted"]
    assert last(financial).changes["spent"] == ["0", "1000.00"]
    accept_report(report=financial, by=cast.staff, comments="Bien")
    assert last(financial).changes["status"] == ["submitted", "accepted"]

    terminate_grant(grant=Grant.objects.get(pk=grant.pk), reason="Cierre", by=cast.staff)
    assert last(grant).changes == {
        "status": ["active", "terminated"],
        "termination_reason": ["", "Cierre"],
    }


@pytest.fixture
def lawyer(cast):
    return make_lawyer(make_firm(), cast.lawyer)


def test_a_case_is_recorded_from_request_to_outcome(cast, lawyer):
    case = working_case(cast.org, cast.leader, cast.legal_coordinator, lawyer)
    actions = [(e.action, e.changes.get("status")) for e in entries_of(case)]
    assert actions == [
        ("create", [None, "requested"]),
        ("transition", ["requested", "accepted"]),
        ("transition", ["accepted", "matched"]),
        ("transition", ["matched", "in_progress"]),
    ]
    assert entries_of(case)[-1].actor == cast.lawyer
    resolve_case(case=case, outcome="Declaraciones presentadas", by=cast.legal_coordinator)
    entry = last(case)
    assert entry.changes["outcome"] == ["", "Declaraciones presentadas"]
    assert "outcome" in entry.confidential_fields and "status" not in entry.confidential_fields


def test_a_compliance_item_change_is_on_the_organizations_history(cast):
    item = ComplianceItem.objects.order_by("pk").first()
    for status in ("not_compliant", "compliant"):
        row = update_compliance_item(
            organization=cast.org,
            item=item,
            status=status,
            evidence="Acta",
            checked_on=date(2025, 1, 10),
            case=None,
            by=cast.staff,
        )
    created, changed = entries_of(row)
    assert created.action == "create"
    assert changed.changes == {"status": ["not_compliant", "compliant"]}
    assert changed.root_id == cast.org.pk
    assert changed.root_type.model_class() is Organization


# --- History pages -------------------------------------------------------------------------


def history_urls(cast, lawyer) -> dict[str, str]:
    framework = make_framework()
    assessment = validated_assessment(cast.org, framework, leader=cast.leader, staff=cast.staff)
    plan = create_plan(assessment=assessment, title="Plan", created_by=cast.staff)
    grant = awarded(cast.org, cast.leader, cast.staff)
    case = working_case(cast.org, cast.leader, cast.legal_coordinator, lawyer)
    return {
        "organization": reverse("organizations:history", args=[cast.org.pk]),
        "assessment": reverse("organizations:assessment_history", args=[assessment.pk]),
        "plan": reverse("organizations:plan_history", args=[plan.pk]),
        "grant": reverse("grants:grant_history", args=[grant.pk]),
        "case": reverse("legal_assistance:case_history", args=[case.pk]),
    }


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("staff", 200),
        ("legal_coordinator", 200),
        ("admin", 200),
        ("leader", 200),  # the organization's own leaders keep its records: they see its history
        ("member", 403),
        ("other_leader", 404),
        ("lawyer", 404),  # except the case, below
    ],
)
def test_history_pages_are_for_staff_and_the_organizations_leaders(
    cast, lawyer, client_for, persona, expected
):
    urls = history_urls(cast, lawyer)
    client = client_for(getattr(cast, persona))
    for kind, url in urls.items():
        status = expected
        if kind == "case" and persona == "lawyer":
            status = 403  # the assigned firm works the case; its history is the program's
        assert client.get(url).status_code == status, kind
        assert client.post(url).status_code == 405, kind


def test_each_record_page_links_its_history(cast, lawyer, client_for):
    urls = history_urls(cast, lawyer)
    client = client_for(cast.staff)
    record_pages = {
        "organization": reverse("organizations:detail", args=[cast.org.pk]),
        "assessment": urls["assessment"].removesuffix("history/"),
        "plan": urls["plan"].removesuffix("history/"),
        "grant": urls["grant"].removesuffix("history/"),
        "case": urls["case"].removesuffix("history/"),
    }
    for kind, page in record_pages.items():
        assert f'href="{urls[kind]}"' in client.get(page).content.decode(), kind


def test_a_case_history_hides_confidential_values_from_staff_who_may_not_read_them(
    cast, lawyer, client_for
):
    speak_english(cast.staff, cast.legal_coordinator)
    case = working_case(cast.org, cast.leader, cast.legal_coordinator, lawyer)
    resolve_case(case=case, outcome="Acuerdo secreto con el SAT", by=cast.legal_coordinator)
    url = reverse("legal_assistance:case_history", args=[case.pk])

    response = client_for(cast.staff).get(url)
    page = response.content.decode()
    assert "Acuerdo secreto" not in page and "Declaraciones pendientes" not in page
    assert "Bufete Uno" not in page and "(confidential)" in page
    assert "In progress" in page  # the status is not confidential
    assert not ConfidentialAccess.objects.filter(user=cast.staff).exists()

    response = client_for(cast.legal_coordinator).get(url)
    assert "Acuerdo secreto con el SAT" in response.content.decode()
    assert ConfidentialAccess.objects.filter(user=cast.legal_coordinator, case=case).exists()


def test_history_shows_readable_values_in_the_readers_language(cast, client_for):
    speak_english(cast.staff)
    update_organization(
        organization=cast.org,
        changed_by=cast.leader,
        fields={"status": "graduated", "participation_end": date(2020, 9, 30)},
    )
    response = client_for(cast.staff).get(reverse("organizations:history", args=[cast.org.pk]))
    lines = {line["field"]: line for line in response.context["entries"][0]["lines"]}
    assert lines["Participation end"]["new"] == "09/30/2020"
    assert lines["Participation status"]["new"] == "Graduated"  # the label, not the value


# --- Query counts --------------------------------------------------------------------------

SMALL, LARGE = 3, 12
# + the record (with what its scoped fetch joins) and one query for its entries; a CSO leader's
# permission check adds a membership lookup. The case adds the caller's role lookups.
HISTORY_QUERIES = {
    "assessment": LOGGED_IN + 2,
    "plan": LOGGED_IN + 2,
    "grant": LOGGED_IN + 2,
    "case": LOGGED_IN + 3,
}


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_history_pages_run_a_fixed_number_of_queries(cast, lawyer, client_for, page_cache_off):
    framework = make_framework()
    assessment = validated_assessment(cast.org, framework, leader=cast.leader, staff=cast.staff)
    plan = create_plan(assessment=assessment, title="Plan", created_by=cast.staff)
    grant = awarded(cast.org, cast.leader, cast.staff)
    case = requested_case(cast.org, cast.leader)
    area = areas_of(framework)["a"]

    def grow(n: int) -> None:
        for i in range(n):
            reopen_assessment(assessment=assessment, reopened_by=cast.staff, reason=f"Motivo {i}")
            Assessment.objects.filter(pk=assessment.pk).update(status="validated")
            save_goal(
                plan=plan,
                goal=None,
                area=area,
                target_score=Decimal(50 + i),
                due_date=FUTURE,
                by=cast.staff,
            )
            reschedule_report(
                report=grant.reports.order_by("pk").first(),
                due_date=date(2025, 8, 1 + i),
                by=cast.staff,
            )
            LegalCase.objects.filter(pk=case.pk).update(status="requested")
            triage(case=case, decision=DECLINE, by=cast.legal_coordinator, message=f"No {i}")

    urls = {
        "assessment": reverse("organizations:assessment_history", args=[assessment.pk]),
        "plan": reverse("organizations:plan_history", args=[plan.pk]),
        "grant": reverse("grants:grant_history", args=[grant.pk]),
        "case": reverse("legal_assistance:case_history", args=[case.pk]),
    }
    client = client_for(cast.staff)
    grow(SMALL)
    for url in urls.values():
        client.get(url)  # warm per-process caches (content types)
    small = {kind: count(client, url) for kind, url in urls.items()}
    grow(LARGE - SMALL)
    large = {kind: count(client, url) for kind, url in urls.items()}
    assert small == large == HISTORY_QUERIES


# --- Admin ---------------------------------------------------------------------------------


def test_the_admin_lists_the_trail_read_only_with_filters(cast, client_for):
    update_organization(organization=cast.org, changed_by=cast.leader, fields={"mission": "X"})
    client = client_for(cast.admin)
    url = reverse("admin:csa_portal_auditentry_changelist")
    assert client.get(url).status_code == 200
    response = client.get(
        url, {"actor__id__exact": cast.leader.pk, "at__year": timezone.localdate().year}
    )
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [last(cast.org)]
    assert client.get(url, {"q": "Prueba"}).status_code == 200
    assert client.get(reverse("admin:csa_portal_auditentry_add")).status_code == 403
    entry = last(cast.org)
    detail = client.get(reverse("admin:csa_portal_auditentry_change", args=[entry.pk]))
    assert detail.status_code == 200 and b"Save" not in detail.content


def test_the_admin_never_shows_confidential_values(cast, lawyer, client_for):
    case = working_case(cast.org, cast.leader, cast.legal_coordinator, lawyer)
    entry = entries_of(case)[0]
    detail = client_for(cast.admin).get(
        reverse("admin:csa_portal_auditentry_change", args=[entry.pk])
    )
    assert "Tenemos declaraciones" not in detail.content.decode()
