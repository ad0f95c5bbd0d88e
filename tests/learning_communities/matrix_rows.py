"""Learning Communities' rows of the authorization matrix (see tests/matrix_support.py).

The world: a community (open-ended, since 2016) whose members are cast.org and a university;
cast.other_org is not a member, so its leader and the lawyer are outsiders (404). An upcoming
event is facilitated by a person linked to cast.member's login, so the member runs that event
(attendance, decisions, notes) while the leader, who does not facilitate it, gets 403 there.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone

from learning_communities.files import save_report_file
from learning_communities.models import (
    AgendaItem,
    Alliance,
    Attendance,
    Collaboration,
    CommunityMembership,
    Event,
    EventNote,
    Facilitator,
    FollowUpAction,
    GoalProgress,
    KeyIssue,
    LearningCommunity,
    NetworkSnapshot,
    Outcome,
    Report,
    SharedGoal,
    SharedResource,
)
from learning_communities.reference_data import ensure_key_issues
from learning_communities.services import (
    add_facilitator,
    add_follow_up,
    create_alliance,
    create_goal,
    propose_agenda_item,
    record_collaboration,
    record_outcome,
    share_resource,
)
from organizations.models import ThematicArea
from tests.matrix_support import LOGIN, Row
from tests.personas import make_person

from .helpers import community, event, join, stakeholder


def build(world) -> dict[str, Any]:
    # Written by a data migration; browser and worker tests flush it away for later tests.
    ensure_key_issues(KeyIssue)
    cast = world.cast
    lc = community("Comunidad de la Matriz", end=None)
    university = stakeholder("Universidad de la Matriz")
    join(lc, cast.org)
    join(lc, university, role="expert")
    expert = make_person(university, "Dra. Experta")
    facilitator = make_person(cast.org, "Mateo Facilitador", user=cast.member)
    upcoming = event(lc, timezone.localdate() + timedelta(days=30), title="Sesión próxima")
    facilitation = add_facilitator(event=upcoming, person=facilitator)
    item = propose_agenda_item(
        event=upcoming, title="Datos compartidos", organization=cast.org, proposed_by=cast.leader
    )
    action = add_follow_up(
        event=upcoming,
        description="Circular la minuta",
        owner=world.person,
        due_on=upcoming.date + timedelta(days=15),
    )
    goal = create_goal(
        community=lc,
        statement="Compartir metodologías",
        metric="OSC",
        baseline=Decimal(0),
        target=Decimal(5),
        set_on=lc.start,
        due_on=lc.start + timedelta(days=900),
        co_defined_by=[cast.org],
        created_by=cast.staff,
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    resource = share_resource(
        community=lc,
        organization=cast.org,
        kind="data_set",
        title="Datos",
        upload=SimpleUploadedFile("datos.pdf", b"%PDF-1.4 datos"),
        shared_by=cast.leader,
    )
    alliance = create_alliance(
        fields={
            "name": "Alianza Existente",
            "objective": "Prevenir",
            "theme": ThematicArea.objects.get(code="youth"),
            "states": ["SON"],
            "started_on": lc.start,
            "status": "active",
        },
        members=[cast.org, university],
        grew_from=lc,
    )
    outcome = record_outcome(
        fields={
            "key_issue": KeyIssue.objects.order_by("position").first(),
            "description": "Un resultado con evidencia",
            "occurred_on": lc.start + timedelta(days=400),
            "alliance": alliance,
            "evidence_upload": SimpleUploadedFile("acta.pdf", b"%PDF-1.4 acta"),
        },
        organizations=[cast.org, university],
        community=lc,
        created_by=cast.staff,
    )
    collaboration = record_collaboration(
        first=cast.org,
        second=university,
        kind="information",
        since=lc.start,
        community=lc,
        recorded_by=cast.staff,
    )
    # A built report, written as the report job would (rendering PDFs here would slow the
    # matrix for nothing: the report job has its own tests).
    report = Report.objects.create(
        kind=Report.Kind.COMMUNITY,
        community=lc,
        period_start=lc.start,
        period_end=timezone.localdate(),
        data={"kind": "community", "members": [], "events": [], "resources": [], "outcomes": []},
        pdf_file=save_report_file(b"%PDF-1.4 report", "pdf"),
        xlsx_file=save_report_file(b"PK\x03\x04 workbook", "xlsx"),
    )
    return {
        "community": lc,
        "university": university,
        "membership": lc.memberships.get(organization=university),
        "expert": expert,
        "event": upcoming,
        "item": item,
        "action": action,
        "goal": goal,
        "resource": resource,
        "report": report,
        "alliance": alliance,
        "outcome": outcome,
        "collaboration": collaboration,
        "facilitation": facilitation,
    }


def _x(w) -> dict[str, Any]:
    return w.extra["learning_communities"]


def _lc(name: str):
    return lambda w: reverse(f"learning_communities:{name}", args=[_x(w)["community"].pk])


def _event(name: str):
    return lambda w: reverse(f"learning_communities:{name}", args=[_x(w)["event"].pk])


def _report(name: str):
    return lambda w: reverse(f"learning_communities:{name}", args=[_x(w)["report"].pk])


def _of(name: str, key: str):
    return lambda w: reverse(f"learning_communities:{name}", args=[_x(w)[key].pk])


def _plain(name: str):
    return lambda w: reverse(f"learning_communities:{name}")


N = "learning_communities:"

URLS = {
    (N + "list", ""): _plain("list"),
    (N + "create", ""): _plain("create"),
    (N + "detail", ""): _lc("detail"),
    (N + "edit", ""): _lc("edit"),
    (N + "members", ""): _lc("members"),
    (N + "member_end", ""): lambda w: reverse(
        N + "member_end", args=[_x(w)["community"].pk, _x(w)["membership"].pk]
    ),
    (N + "member_profile", ""): lambda w: reverse(
        N + "member_profile", args=[_x(w)["community"].pk, _x(w)["university"].pk]
    ),
    (N + "event_create", ""): _lc("event_create"),
    (N + "event", ""): _event("event"),
    (N + "agenda_propose", ""): _event("agenda_propose"),
    (N + "agenda_decide", ""): lambda w: reverse(
        N + "agenda_decide", args=[_x(w)["event"].pk, _x(w)["item"].pk]
    ),
    (N + "facilitator_add", ""): _event("facilitator_add"),
    (N + "attendance", ""): _event("attendance"),
    (N + "note_add", ""): _event("note_add"),
    (N + "follow_up_add", ""): _event("follow_up_add"),
    (N + "follow_up_status", ""): lambda w: reverse(
        N + "follow_up_status", args=[_x(w)["event"].pk, _x(w)["action"].pk]
    ),
    (N + "goal_create", ""): _lc("goal_create"),
    (N + "goal", ""): lambda w: reverse(N + "goal", args=[_x(w)["goal"].pk]),
    (N + "progress_add", ""): lambda w: reverse(N + "progress_add", args=[_x(w)["goal"].pk]),
    (N + "alliance_create", ""): _lc("alliance_create"),
    (N + "resource_share", ""): _lc("resource_share"),
    (N + "resource_file", ""): lambda w: reverse(N + "resource_file", args=[_x(w)["resource"].pk]),
    (N + "outcome_create", ""): _lc("outcome_create"),
    (N + "collaboration_create", ""): _plain("collaboration_create"),
    (N + "network", ""): _lc("network"),
    (N + "program", ""): _plain("program"),
    (N + "program_network", ""): _plain("program_network"),
    (N + "reports", ""): _lc("reports"),
    (N + "program_reports", ""): _plain("program_reports"),
    (N + "report", ""): _report("report"),
    (N + "report_pdf", ""): _report("report_pdf"),
    (N + "report_xlsx", ""): _report("report_xlsx"),
    (N + "event_edit", ""): _event("event_edit"),
    (N + "facilitator_remove", ""): lambda w: reverse(
        N + "facilitator_remove", args=[_x(w)["event"].pk, _x(w)["facilitation"].pk]
    ),
    (N + "event_delete", ""): _event("event_delete"),
    (N + "goal_edit", ""): _of("goal_edit", "goal"),
    (N + "alliance_edit", ""): _of("alliance_edit", "alliance"),
    (N + "resource_edit", ""): _of("resource_edit", "resource"),
    (N + "resource_delete", ""): _of("resource_delete", "resource"),
    (N + "outcome_edit", ""): _of("outcome_edit", "outcome"),
    (N + "outcome_delete", ""): _of("outcome_delete", "outcome"),
    (N + "outcome_evidence", ""): _of("outcome_evidence", "outcome"),
    (N + "collaboration_edit", ""): _of("collaboration_edit", "collaboration"),
    (N + "collaboration_delete", ""): _of("collaboration_delete", "collaboration"),
}


def _community_fields(w) -> dict[str, Any]:
    return {
        "name": "Comunidad Renombrada",
        "theme": ThematicArea.objects.get(code="human-rights").pk,
        "states": ["SON"],
        "start": "2016-01-01",
        "status": "active",
    }


def _period(w) -> dict[str, Any]:
    return {"period_start": "2016-01-01", "period_end": "2020-12-31"}


PAYLOADS = {
    N + "create": _community_fields,
    N + "edit": _community_fields,
    N + "members": lambda w: {
        "organization": w.cast.other_org.pk,
        "role": "observer",
        "joined_on": "2018-01-01",
    },
    N + "member_end": lambda w: {"left_on": "2020-01-01"},
    N + "event_create": lambda w: {
        "kind": "workshop",
        "title": "Taller",
        "date": "2019-05-01",
        "state": "SON",
        "municipality": "Hermosillo",
    },
    N + "agenda_propose": lambda w: {"title": "Tema nuevo", "organization": w.cast.org.pk},
    N + "agenda_decide": lambda w: {"decision": "decline", "reason": "Fuera de tema."},
    N + "facilitator_add": lambda w: {"person": _x(w)["expert"].pk},
    N + "attendance": lambda w: {"person": [w.person.pk], f"level_{w.person.pk}": "staff"},
    N + "note_add": lambda w: {"kind": "decision", "text": "Se acordó compartir datos."},
    N + "follow_up_add": lambda w: {
        "description": "Enviar datos",
        "owner": w.person.pk,
        "due_on": (_x(w)["event"].date + timedelta(days=40)).isoformat(),
    },
    N + "follow_up_status": lambda w: {"status": "done"},
    N + "goal_create": lambda w: {
        "statement": "Otra meta",
        "metric": "Acuerdos",
        "baseline": "1",
        "target": "4",
        "set_on": "2017-01-01",
        "due_on": "2019-01-01",
        "co_defined_by": [w.cast.org.pk],
    },
    N + "progress_add": lambda w: {"measured_on": "2018-01-01", "value": "2"},
    N + "alliance_create": lambda w: {
        "name": "Alianza de la Matriz",
        "objective": "Prevenir",
        "theme": ThematicArea.objects.get(code="youth").pk,
        "states": ["SON"],
        "members": [w.cast.org.pk, _x(w)["university"].pk],
        "started_on": "2018-01-01",
        "status": "active",
    },
    N + "resource_share": lambda w: {
        "kind": "guideline",
        "title": "Guía",
        "organization": w.cast.org.pk,
        "link": "https://example.org/guia",
    },
    N + "outcome_create": lambda w: {
        "key_issue": KeyIssue.objects.order_by("position").first().pk,
        "organizations": [w.cast.org.pk],
        "description": "Un resultado",
        "occurred_on": "2019-01-01",
    },
    N + "collaboration_create": lambda w: {
        "first": w.cast.org.pk,
        "second": w.cast.other_org.pk,
        "kind": "referral",
        "since": "2018-01-01",
    },
    N + "network": lambda w: {"on": "2020-01-01", "compared_to": "2016-01-01"},
    N + "program_network": lambda w: {"on": "2020-01-01"},
    N + "reports": _period,
    N + "program_reports": _period,
    N + "event_edit": lambda w: {
        "kind": "session",
        "title": "Sesión cambiada",
        "date": _x(w)["event"].date.isoformat(),
        "state": "SON",
        "municipality": "Hermosillo",
    },
    N + "goal_edit": lambda w: {
        "statement": "Compartir más metodologías",
        "metric": "OSC",
        "baseline": "0",
        "target": "8",
        "set_on": _x(w)["community"].start.isoformat(),
        "due_on": (_x(w)["community"].start + timedelta(days=900)).isoformat(),
        "co_defined_by": [w.cast.org.pk, _x(w)["university"].pk],
    },
    N + "alliance_edit": lambda w: {
        "name": "Alianza Renombrada",
        "objective": "Prevenir juntos",
        "theme": ThematicArea.objects.get(code="youth").pk,
        "states": ["SON", "COAH"],
        "members": [w.cast.org.pk, _x(w)["university"].pk],
        "started_on": "2016-06-01",
        "status": "ended",
        "ended_on": "2019-12-31",
    },
    N + "resource_edit": lambda w: {"kind": "methodology", "title": "Datos revisados"},
    N + "outcome_edit": lambda w: {
        "key_issue": KeyIssue.objects.order_by("position").first().pk,
        "organizations": [w.cast.org.pk],
        "description": "Un resultado corregido",
        "occurred_on": "2019-01-01",
    },
    N + "collaboration_edit": lambda w: {
        "first": w.cast.org.pk,
        "second": _x(w)["university"].pk,
        "kind": "joint_work",
        "since": "2017-01-01",
    },
}

A = LOGIN
# Cells: anonymous, staff, legal coordinator, admin, leader, member, other leader, lawyer,
# other lawyer, deactivated.
ALL_405 = (405,) * 10
EVERYONE = (A, 200, 200, 200, 200, 200, 200, 200, 200, A)
STAFF_PAGE = (A, 200, 200, 200, 403, 403, 403, 403, 403, A)
STAFF_POST = (A, 302, 302, 302, 403, 403, 403, 403, 403, A)
MEMBERS_SEE = (A, 200, 200, 200, 200, 200, 404, 404, 404, A)
STAFF_MANAGE_GET = (A, 200, 200, 200, 403, 403, 404, 404, 404, A)
STAFF_MANAGE_POST = (A, 302, 302, 302, 403, 403, 404, 404, 404, A)
# The event's facilitator is cast.member; the leader does not facilitate it.
RUN_GET = (A, 200, 200, 200, 403, 200, 404, 404, 404, A)
RUN_POST = (A, 302, 302, 302, 403, 302, 404, 404, 404, A)
LEADERS_GET = (A, 200, 200, 200, 200, 403, 404, 404, 404, A)
LEADERS_POST = (A, 302, 302, 302, 302, 403, 404, 404, 404, A)


def _rows(name: str, get: tuple, post: tuple, *, writes: bool = True) -> list[Row]:
    return [
        Row(N + name, "GET", get),
        Row(N + name, "POST", post, writes=writes and post != ALL_405),
    ]


MATRIX = [
    *_rows("list", EVERYONE, ALL_405),
    *_rows("create", STAFF_PAGE, STAFF_POST),
    *_rows("detail", MEMBERS_SEE, ALL_405),
    *_rows("edit", STAFF_MANAGE_GET, STAFF_MANAGE_POST),
    # Everyone in the community sees the members; staff add them (403 for members).
    *_rows("members", MEMBERS_SEE, STAFF_MANAGE_POST),
    *_rows("member_end", ALL_405, STAFF_MANAGE_POST),
    *_rows("member_profile", MEMBERS_SEE, ALL_405),
    *_rows("event_create", STAFF_MANAGE_GET, STAFF_MANAGE_POST),
    *_rows("event", MEMBERS_SEE, ALL_405),
    # Member organizations' leaders propose; the event's facilitators and staff decide.
    *_rows("agenda_propose", ALL_405, LEADERS_POST),
    *_rows("agenda_decide", ALL_405, RUN_POST),
    *_rows("facilitator_add", ALL_405, STAFF_MANAGE_POST),
    *_rows("attendance", RUN_GET, RUN_POST),
    *_rows("note_add", ALL_405, RUN_POST),
    *_rows("follow_up_add", ALL_405, RUN_POST),
    *_rows("follow_up_status", ALL_405, RUN_POST),
    *_rows("goal_create", STAFF_MANAGE_GET, STAFF_MANAGE_POST),
    *_rows("goal", MEMBERS_SEE, ALL_405),
    *_rows("progress_add", ALL_405, STAFF_MANAGE_POST),
    *_rows("alliance_create", STAFF_MANAGE_GET, STAFF_MANAGE_POST),
    *_rows("resource_share", LEADERS_GET, LEADERS_POST),
    # A shared resource follows its community: outsiders get 404.
    *_rows("resource_file", MEMBERS_SEE, ALL_405),
    *_rows("outcome_create", STAFF_MANAGE_GET, STAFF_MANAGE_POST),
    *_rows("collaboration_create", STAFF_PAGE, STAFF_POST),
    # Members see the network; staff start its computation (a job: 302 to its page).
    *_rows("network", MEMBERS_SEE, STAFF_MANAGE_POST),
    *_rows("program", STAFF_PAGE, ALL_405),
    *_rows("program_network", ALL_405, STAFF_POST),
    # Members read the community's built reports; staff build them (members 403). The program
    # results report is staff's.
    *_rows("reports", MEMBERS_SEE, STAFF_MANAGE_POST),
    *_rows("program_reports", STAFF_PAGE, STAFF_POST),
    *_rows("report", MEMBERS_SEE, ALL_405),
    *_rows("report_pdf", MEMBERS_SEE, ALL_405),
    *_rows("report_xlsx", MEMBERS_SEE, ALL_405),
    # Changing and removing, with a confirmation page (GET) before a removal (POST).
    *_rows("event_edit", STAFF_MANAGE_GET, STAFF_MANAGE_POST),
    *_rows("event_delete", STAFF_MANAGE_GET, STAFF_MANAGE_POST),
    *_rows("facilitator_remove", STAFF_MANAGE_GET, STAFF_MANAGE_POST),
    *_rows("goal_edit", STAFF_MANAGE_GET, STAFF_MANAGE_POST),
    *_rows("alliance_edit", STAFF_MANAGE_GET, STAFF_MANAGE_POST),
    # The leaders of the organization that shared it (cast.leader) and staff; its members 403.
    *_rows("resource_edit", LEADERS_GET, LEADERS_POST),
    *_rows("resource_delete", LEADERS_GET, LEADERS_POST),
    *_rows("outcome_edit", STAFF_MANAGE_GET, STAFF_MANAGE_POST),
    *_rows("outcome_delete", STAFF_MANAGE_GET, STAFF_MANAGE_POST),
    # Evidence follows the community: its members and staff; outsiders 404.
    *_rows("outcome_evidence", MEMBERS_SEE, ALL_405),
    # Collaboration records are the program's: staff only (like recording one).
    *_rows("collaboration_edit", STAFF_PAGE, STAFF_POST),
    *_rows("collaboration_delete", STAFF_PAGE, STAFF_POST),
]

MODELS = [
    LearningCommunity,
    CommunityMembership,
    Event,
    AgendaItem,
    Facilitator,
    Attendance,
    EventNote,
    FollowUpAction,
    SharedGoal,
    GoalProgress,
    Alliance,
    SharedResource,
    Outcome,
    Collaboration,
    NetworkSnapshot,
    Report,
]
