"""Improvement plans: the agreement rule, refusals, progress, the pages and the demo's plans.

A plan is agreed when a CSO leader and program staff have both accepted its current content; a
change of goals or actions by one side clears the other side's agreement, progress on an
action's status does not. Who may call each URL in general is in
tests/csa_portal/test_authorization_matrix.py; here each page is checked working for the right
person, 404 for an outsider, 403 for the wrong role and 405 for the wrong method.
"""

import io
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from organizations import scoring
from organizations.models import Action, Assessment, Goal, ImprovementPlan
from organizations.plan_progress import goal_progress
from organizations.services.plans import (
    CSO,
    STAFF,
    PlanError,
    accept_plan,
    create_plan,
    remove_action,
    remove_goal,
    save_action,
    save_goal,
    set_action_status,
    side_of,
)
from tests.capacity_helpers import (
    NA,
    areas_of,
    make_framework,
    start,
    submitted_assessment,
    validated_assessment,
)
from tests.personas import make_person, speak_english

# Area scores on the tiny instrument (see tests/capacity_helpers.py):
ALL_ONES = {"a1": 1, "a2": 1, "b1": 1, "b2": 1}  # a 0.00, b 0.00
ENDLINE = {"a1": 4, "a2": 2, "b1": 3, "b2": 1}  # a (100 + 3 x 33.33) / 4 = 50.00, b 33.33
ALL_FOURS = {"a1": 4, "a2": 4, "b1": 4, "b2": 4}  # a 100.00, b 100.00

TODAY = timezone.localdate()
PAST, FUTURE = TODAY - timedelta(days=30), TODAY + timedelta(days=90)


@pytest.fixture
def tiny(db):
    return make_framework()


@pytest.fixture
def baseline(cast, tiny):
    """cast.org's validated, scored baseline on the tiny instrument."""
    assessment = validated_assessment(
        cast.org,
        tiny,
        leader=cast.leader,
        staff=cast.staff,
        levels=ALL_ONES,
        assessed_on=date(2017, 3, 1),
    )
    scoring.recompute_scores()
    return assessment


@pytest.fixture
def plan(cast, baseline):
    """A plan staff proposed, with no goal yet."""
    return create_plan(assessment=baseline, title="Plan de mejora 2017-2020", created_by=cast.staff)


@pytest.fixture
def agreed_plan(cast, plan, tiny):
    """Agreed by both sides, with one goal and one action."""
    add_goal(plan, areas_of(tiny)["a"], by=cast.staff)
    add_action(plan, by=cast.staff, goal=plan.goals.get())
    accept_plan(plan=plan, accepted_by=cast.leader)
    plan.refresh_from_db()
    assert plan.is_agreed
    return plan


def add_goal(plan, area, *, by, target="60", due=FUTURE) -> Goal:
    return save_goal(
        plan=plan, goal=None, area=area, target_score=Decimal(target), due_date=due, by=by
    )


def add_action(plan, *, by, **fields) -> Action:
    values = {
        "description": "Actualizar el manual de procedimientos.",
        "goal": None,
        "responsible": None,
        "due_date": FUTURE,
        "status": Action.Status.PLANNED,
        "support": Action.Support.COACHING,
        **fields,
    }
    return save_action(plan=plan, action=None, fields=values, by=by)


def url(name: str, *args) -> str:
    return reverse(f"organizations:{name}", args=[getattr(a, "pk", a) for a in args])


def es(text: str) -> str:
    with translation.override("es"):
        return translation.gettext(text)


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def agreement(plan) -> tuple:
    plan.refresh_from_db()
    return (plan.cso_agreed_by, plan.cso_agreed_at, plan.staff_agreed_by, plan.staff_agreed_at)


def goal_data(area, target="60", due=FUTURE) -> dict:
    return {"area": area.pk, "target_score": target, "due_date": due.isoformat()}


def action_data(**fields) -> dict:
    return {
        "description": "Diseñar indicadores de resultados.",
        "goal": "",
        "responsible": "",
        "due_date": FUTURE.isoformat(),
        "status": Action.Status.PLANNED,
        "support": Action.Support.COMMUNITY,
        **fields,
    }


# --- The agreement rule --------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "side"), [("staff", STAFF), ("leader", CSO)])
def test_a_new_plan_is_agreed_by_its_creators_side_only(cast, baseline, persona, side):
    creator = getattr(cast, persona)

    plan = create_plan(assessment=baseline, title="  Plan  ", created_by=creator)

    plan.refresh_from_db()
    assert side_of(creator) == side
    assert plan.title == "Plan"
    assert plan.organization == cast.org
    assert plan.last_change_by_side == side
    assert not plan.is_agreed
    if side == STAFF:
        assert (plan.staff_agreed_by, plan.cso_agreed_by, plan.cso_agreed_at) == (
            cast.staff,
            None,
            None,
        )
        assert plan.staff_agreed_at is not None
    else:
        assert (plan.cso_agreed_by, plan.staff_agreed_by, plan.staff_agreed_at) == (
            cast.leader,
            None,
            None,
        )
        assert plan.cso_agreed_at is not None
    assert not ImprovementPlan.objects.agreed().exists()


def test_the_leaders_accept_makes_a_staff_plan_agreed(cast, plan, tiny):
    add_goal(plan, areas_of(tiny)["a"], by=cast.staff)
    before = timezone.now()

    accepted = accept_plan(plan=plan, accepted_by=cast.leader)

    plan.refresh_from_db()
    assert accepted.is_agreed and plan.is_agreed
    assert plan.cso_agreed_by == cast.leader
    assert plan.staff_agreed_by == cast.staff
    assert plan.cso_agreed_at >= before
    assert plan.staff_agreed_at <= before  # staff agreed when it proposed the goal
    assert list(ImprovementPlan.objects.agreed()) == [plan]


def test_staff_accept_a_plan_the_leader_proposed(cast, baseline, tiny):
    plan = create_plan(assessment=baseline, title="Nuestro plan", created_by=cast.leader)
    add_goal(plan, areas_of(tiny)["b"], by=cast.leader)

    accept_plan(plan=plan, accepted_by=cast.staff)

    plan.refresh_from_db()
    assert plan.is_agreed
    assert (plan.cso_agreed_by, plan.staff_agreed_by) == (cast.leader, cast.staff)


def change_goal(plan, by):
    goal = plan.goals.get()
    save_goal(
        plan=plan,
        goal=goal,
        area=goal.area,
        target_score=Decimal("75"),
        due_date=goal.due_date,
        by=by,
    )


def change_action(plan, by):
    action = plan.actions.get()
    save_action(plan=plan, action=action, fields={"description": "Otra acción"}, by=by)


CHANGES: dict[str, Callable] = {
    "add goal": lambda plan, by: add_goal(plan, plan.assessment.framework.areas.last(), by=by),
    "change goal": change_goal,
    "remove goal": lambda plan, by: remove_goal(goal=plan.goals.get(), by=by),
    "add action": lambda plan, by: add_action(plan, by=by),
    "change action": change_action,
    "remove action": lambda plan, by: remove_action(action=plan.actions.get(), by=by),
}


@pytest.mark.parametrize("change", list(CHANGES))
@pytest.mark.parametrize("persona", ["staff", "leader"])
def test_a_change_clears_the_other_sides_agreement_and_keeps_the_changers(
    cast, agreed_plan, change, persona
):
    changer = getattr(cast, persona)
    before = timezone.now()

    CHANGES[change](agreed_plan, changer)

    cso_by, cso_at, staff_by, staff_at = agreement(agreed_plan)
    assert not agreed_plan.is_agreed
    assert agreed_plan.last_change_by_side == side_of(changer)
    if persona == "staff":
        assert (staff_by, cso_by, cso_at) == (cast.staff, None, None)
        assert staff_at >= before
    else:
        assert (cso_by, staff_by, staff_at) == (cast.leader, None, None)
        assert cso_at >= before


def test_the_other_side_accepts_a_change_and_the_plan_is_agreed_again(cast, agreed_plan):
    change_goal(agreed_plan, cast.leader)
    agreed_plan.refresh_from_db()
    assert not agreed_plan.is_agreed

    accept_plan(plan=agreed_plan, accepted_by=cast.staff)

    agreed_plan.refresh_from_db()
    assert agreed_plan.is_agreed
    assert agreed_plan.goals.get().target_score == Decimal("75.00")


@pytest.mark.parametrize("status", [Action.Status.STARTED, Action.Status.DONE])
def test_reporting_an_actions_status_keeps_the_agreement(cast, agreed_plan, status):
    before = agreement(agreed_plan)
    action = agreed_plan.actions.get()

    set_action_status(action=action, status=status, by=cast.member)

    action.refresh_from_db()
    assert agreement(agreed_plan) == before
    assert agreed_plan.is_agreed
    assert action.status == status
    assert action.started_on == TODAY


def test_the_edit_form_changing_only_the_status_keeps_the_agreement(cast, agreed_plan, client_for):
    before = agreement(agreed_plan)
    action = agreed_plan.actions.get()
    data = action_data(
        description=action.description,
        goal=action.goal_id,
        support=action.support,
        status=Action.Status.STARTED,
    )

    response = client_for(cast.leader).post(url("action_edit", agreed_plan, action), data)

    assert response.status_code == 302
    assert agreement(agreed_plan) == before
    action.refresh_from_db()
    assert (action.status, action.started_on) == (Action.Status.STARTED, TODAY)


def test_the_edit_form_changing_the_due_date_is_a_new_proposal(cast, agreed_plan, client_for):
    action = agreed_plan.actions.get()
    data = action_data(
        description=action.description,
        goal=action.goal_id,
        support=action.support,
        due_date=(FUTURE + timedelta(days=30)).isoformat(),
    )

    client_for(cast.leader).post(url("action_edit", agreed_plan, action), data)

    agreed_plan.refresh_from_db()
    assert agreed_plan.cso_agreed_by == cast.leader
    assert agreed_plan.staff_agreed_at is None


def test_a_goal_or_action_of_another_plan_is_refused_by_the_services(cast, agreed_plan, baseline):
    other = create_plan(assessment=baseline, title="Otro", created_by=cast.staff)
    goal, action = agreed_plan.goals.get(), agreed_plan.actions.get()

    with pytest.raises(PlanError):
        save_goal(
            plan=other,
            goal=goal,
            area=goal.area,
            target_score=Decimal(70),
            due_date=FUTURE,
            by=cast.staff,
        )
    with pytest.raises(PlanError):
        save_action(plan=other, action=action, fields={"description": "x"}, by=cast.staff)


def test_a_started_actions_start_date_is_kept_and_an_unknown_status_is_refused(cast, agreed_plan):
    action = agreed_plan.actions.get()
    Action.objects.filter(pk=action.pk).update(
        status=Action.Status.STARTED, started_on=date(2018, 1, 2)
    )
    action.refresh_from_db()

    set_action_status(action=action, status=Action.Status.DONE, by=cast.leader)
    with pytest.raises(PlanError):
        set_action_status(action=action, status="finished", by=cast.leader)

    action.refresh_from_db()
    assert (action.status, action.started_on) == (Action.Status.DONE, date(2018, 1, 2))


def test_accepting_a_plan_without_goals_is_refused(cast, plan, client_for):
    speak_english(cast.leader)
    before = agreement(plan)

    with translation.override("en"), pytest.raises(PlanError, match="at least one goal"):
        accept_plan(plan=plan, accepted_by=cast.leader)
    response = client_for(cast.leader).post(url("plan_accept", plan))

    assert response.status_code == 302
    assert flashed(response) == ["Add at least one goal before agreeing on the plan."]
    assert agreement(plan) == before
    assert not plan.is_agreed


@pytest.mark.parametrize("persona", ["leader", "staff"])
def test_accepting_twice_keeps_the_first_date(cast, agreed_plan, persona):
    user = getattr(cast, persona)
    first = agreement(agreed_plan)

    accept_plan(plan=agreed_plan, accepted_by=user)

    assert agreement(agreed_plan) == first


# --- Refusals: a clear message and nothing saved -------------------------------------------


@pytest.mark.parametrize("status", ["draft", "submitted"])
def test_a_plan_needs_a_validated_assessment(cast, tiny, status):
    if status == "draft":
        assessment = start(cast.org, tiny, cast.leader)
    else:
        assessment = submitted_assessment(cast.org, tiny, cast.leader)
    assert assessment.status == status

    with translation.override("en"), pytest.raises(PlanError, match="validated assessment"):
        create_plan(assessment=assessment, title="Plan", created_by=cast.staff)

    assert not ImprovementPlan.objects.exists()


def test_a_goal_on_an_area_of_another_framework_is_refused(cast, plan):
    other_area = areas_of(make_framework("other"))["a"]
    before = agreement(plan)

    with (
        translation.override("en"),
        pytest.raises(PlanError, match="area of the plan's instrument"),
    ):
        add_goal(plan, other_area, by=cast.leader)

    assert not plan.goals.exists()
    assert agreement(plan) == before


@pytest.mark.parametrize("target", ["-0.01", "-5", "100.01", "250"])
def test_a_target_score_outside_0_to_100_is_refused(cast, plan, tiny, target):
    before = agreement(plan)

    with translation.override("en"), pytest.raises(PlanError, match="between 0 and 100"):
        add_goal(plan, areas_of(tiny)["a"], by=cast.leader, target=target)

    assert not plan.goals.exists()
    assert agreement(plan) == before


@pytest.mark.parametrize("target", ["0", "100"])
def test_target_scores_of_0_and_100_are_accepted(cast, plan, tiny, target):
    goal = add_goal(plan, areas_of(tiny)["a"], by=cast.staff, target=target)
    assert goal.target_score == Decimal(target)


def test_an_action_for_another_organizations_person_is_refused(cast, plan):
    outsider = make_person(cast.other_org, "Persona Ajena")
    before = agreement(plan)

    with translation.override("en"), pytest.raises(PlanError, match="organization's people"):
        add_action(plan, by=cast.leader, responsible=outsider)

    assert not plan.actions.exists()
    assert agreement(plan) == before


def test_an_action_for_another_plans_goal_is_refused(cast, plan, baseline, tiny):
    other_plan = create_plan(assessment=baseline, title="Otro plan", created_by=cast.staff)
    foreign_goal = add_goal(other_plan, areas_of(tiny)["a"], by=cast.staff)
    before = agreement(plan)

    with translation.override("en"), pytest.raises(PlanError, match="another plan"):
        add_action(plan, by=cast.leader, goal=foreign_goal)

    assert not plan.actions.exists()
    assert agreement(plan) == before


def test_an_action_for_the_organizations_own_person_and_goal_is_saved(cast, plan, tiny):
    person = make_person(cast.org, "Rosa Promotora")
    goal = add_goal(plan, areas_of(tiny)["a"], by=cast.staff)

    action = add_action(plan, by=cast.staff, responsible=person, goal=goal)

    assert (action.plan, action.goal, action.responsible) == (plan, goal, person)
    assert action.started_on is None


# --- Progress ------------------------------------------------------------------------------


@pytest.fixture
def progress_plan(cast, baseline, tiny):
    """Goals on the 2017 baseline (a 0, b 0); the newest validated tiny assessment scores
    a 50.00, b 33.33. Later or other assessments that must not count score 100 everywhere."""
    validated = {"leader": cast.leader, "staff": cast.staff}
    validated_assessment(
        cast.org, tiny, levels=ENDLINE, assessed_on=date(2020, 6, 1), **validated
    )  # the latest
    validated_assessment(
        cast.org, tiny, levels=ALL_FOURS, assessed_on=date(2019, 1, 1), **validated
    )  # validated later, assessed earlier
    submitted_assessment(cast.org, tiny, cast.leader, ALL_FOURS, assessed_on=date(2021, 1, 1))
    validated_assessment(
        cast.org,
        make_framework("other"),
        levels=ALL_FOURS,
        assessed_on=date(2022, 1, 1),
        **validated,
    )  # another instrument
    validated_assessment(
        cast.other_org,
        tiny,
        leader=cast.other_leader,
        staff=cast.staff,
        levels=ALL_FOURS,
        assessed_on=date(2023, 1, 1),
    )  # another organization
    scoring.recompute_scores()
    plan = create_plan(assessment=baseline, title="Plan", created_by=cast.staff)
    areas = areas_of(tiny)
    add_goal(plan, areas["a"], by=cast.staff, target="50", due=PAST)  # met
    add_goal(plan, areas["b"], by=cast.staff, target="40", due=PAST - timedelta(days=1))  # overdue
    add_goal(plan, areas["b"], by=cast.staff, target="40", due=FUTURE)  # in progress
    return plan


def test_goal_progress_gives_baseline_latest_met_and_overdue(progress_plan):
    rows = goal_progress(progress_plan)

    summary = [
        (row.goal.area.code, row.baseline, row.goal.target_score, row.latest, row.met, row.overdue)
        for row in rows
    ]
    assert summary == [
        ("b", Decimal("0.00"), Decimal("40.00"), Decimal("33.33"), False, True),
        ("a", Decimal("0.00"), Decimal("50.00"), Decimal("50.00"), True, False),
        ("b", Decimal("0.00"), Decimal("40.00"), Decimal("33.33"), False, False),
    ]


def test_latest_comes_from_a_newer_version_of_the_same_instrument_by_area_code(cast, progress_plan):
    version2 = make_framework(version=2)
    validated_assessment(
        cast.org,
        version2,
        leader=cast.leader,
        staff=cast.staff,
        levels=ALL_FOURS,
        assessed_on=date(2021, 6, 1),
    )
    scoring.recompute_scores()

    rows = goal_progress(progress_plan)

    assert [row.latest for row in rows] == [Decimal("100.00")] * 3
    assert [row.baseline for row in rows] == [Decimal("0.00")] * 3
    assert all(row.met and not row.overdue for row in rows)


def test_without_a_newer_assessment_latest_is_the_baseline(cast, plan, tiny):
    add_goal(plan, areas_of(tiny)["a"], by=cast.staff, target="0")
    add_goal(plan, areas_of(tiny)["b"], by=cast.staff, target="10", due=PAST)

    rows = goal_progress(plan)

    assert [(r.baseline, r.latest, r.met, r.overdue) for r in rows] == [
        (Decimal("0.00"), Decimal("0.00"), False, True),
        (Decimal("0.00"), Decimal("0.00"), True, False),
    ]
    assert (
        goal_progress(create_plan(assessment=plan.assessment, title="Vacío", created_by=cast.staff))
        == []
    )


def test_an_unscored_area_has_no_baseline_or_latest_and_is_not_met(cast, tiny):
    # Area b is all "not applicable": it has no score row.
    assessment = validated_assessment(
        cast.org,
        tiny,
        leader=cast.leader,
        staff=cast.staff,
        levels={"a1": 2, "a2": 2, "b1": NA, "b2": NA},
    )
    scoring.recompute_scores()
    plan = create_plan(assessment=assessment, title="Plan", created_by=cast.staff)
    add_goal(plan, areas_of(tiny)["b"], by=cast.staff, target="0", due=PAST)

    (row,) = goal_progress(plan)

    assert (row.baseline, row.latest, row.met, row.overdue) == (None, None, False, True)


@pytest.mark.parametrize(
    ("status", "due", "overdue"),
    [
        (Action.Status.PLANNED, PAST, True),
        (Action.Status.STARTED, PAST, True),
        (Action.Status.DONE, PAST, False),
        (Action.Status.DROPPED, PAST, False),
        (Action.Status.PLANNED, TODAY, False),
        (Action.Status.STARTED, FUTURE, False),
    ],
)
def test_action_is_overdue_when_open_past_its_due_date(status, due, overdue):
    assert Action(description="x", status=status, due_date=due).is_overdue is overdue


def test_overdue_goals_and_actions_are_marked_on_the_page(cast, progress_plan, client_for):
    speak_english(cast.member)
    add_action(progress_plan, by=cast.staff, description="Acción vencida", due_date=PAST)
    add_action(
        progress_plan,
        by=cast.staff,
        description="Acción realizada",
        due_date=PAST,
        status=Action.Status.DONE,
    )
    add_action(progress_plan, by=cast.staff, description="Acción a tiempo", due_date=FUTURE)

    response = client_for(cast.member).get(url("plan", progress_plan))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="table-danger"') == 2  # the overdue goal and the overdue action
    assert html.count(">Overdue</span>") == 2
    assert html.count(">Met</span>") == 1
    assert html.count(">In progress</span>") == 1
    overdue_row = html.split("Acción vencida")[0].rsplit("<tr", 1)[1]
    assert 'class="table-danger"' in overdue_row
    for on_time in ("Acción realizada", "Acción a tiempo"):
        assert "table-danger" not in html.split(on_time)[0].rsplit("<tr", 1)[1]
    assert "33.33" in html and "50.00" in html


def test_a_plan_with_nothing_overdue_marks_nothing(cast, agreed_plan, client_for):
    html = client_for(cast.leader).get(url("plan", agreed_plan)).content.decode()
    assert "table-danger" not in html


# --- Pages: who may use them ---------------------------------------------------------------


@pytest.fixture
def urls(agreed_plan) -> dict[str, tuple[str, str]]:
    """Every plan URL with the method it answers to (besides GET for the forms)."""
    goal, action = agreed_plan.goals.get(), agreed_plan.actions.get()
    org = agreed_plan.organization
    return {
        "plans": ("get", url("plans", org)),
        "plan_create": ("get", url("plan_create", org)),
        "plan": ("get", url("plan", agreed_plan)),
        "plan_accept": ("post", url("plan_accept", agreed_plan)),
        "goal_add": ("get", url("goal_add", agreed_plan)),
        "goal_edit": ("get", url("goal_edit", agreed_plan, goal)),
        "goal_delete": ("post", url("goal_delete", agreed_plan, goal)),
        "action_add": ("get", url("action_add", agreed_plan)),
        "action_edit": ("get", url("action_edit", agreed_plan, action)),
        "action_delete": ("post", url("action_delete", agreed_plan, action)),
        "action_status": ("post", url("action_status", agreed_plan, action)),
    }


EDITING = [
    "plan_create",
    "plan_accept",
    "goal_add",
    "goal_edit",
    "goal_delete",
    "action_add",
    "action_edit",
    "action_delete",
]


@pytest.mark.parametrize(
    ("persona", "can_edit", "can_accept"),
    [("staff", True, False), ("leader", True, True), ("member", False, False)],
)
def test_the_plan_pages_work_for_the_organizations_people(
    cast, plan, tiny, client_for, persona, can_edit, can_accept
):
    add_goal(plan, areas_of(tiny)["a"], by=cast.staff)  # staff proposed: the leader may accept
    action = add_action(plan, by=cast.staff)
    client = client_for(getattr(cast, persona))

    listing = client.get(url("plans", cast.org))
    response = client.get(url("plan", plan))

    assert listing.status_code == response.status_code == 200
    assert listing.context["plans"] == [plan]
    assert listing.context["can_create"] is can_edit
    assert plan.title in response.content.decode()
    html = response.content.decode()
    assert response.context["can_edit"] is can_edit
    assert bool(response.context["can_accept"]) is can_accept
    assert response.context["can_report"] is True
    assert (f'action="{url("plan_accept", plan)}"' in html) is can_accept
    assert (f'href="{url("action_edit", plan, action)}"' in html) is can_edit
    assert (f'action="{url("goal_add", plan)}"' in html) is can_edit
    assert f'action="{url("action_status", plan, action)}"' in html


@pytest.mark.parametrize("name", list(EDITING) + ["plans", "plan", "action_status"])
def test_another_organizations_leader_gets_404(cast, urls, client_for, name):
    method, path = urls[name]
    before = ImprovementPlan.objects.values().get()

    response = getattr(client_for(cast.other_leader), method)(path)

    assert response.status_code == 404
    assert ImprovementPlan.objects.values().get() == before


@pytest.mark.parametrize("name", EDITING)
def test_a_member_may_not_edit_a_plan(cast, urls, client_for, name, agreed_plan):
    method, path = urls[name]
    before = agreement(agreed_plan)
    client = client_for(cast.member)

    response = getattr(client, method)(path)
    posted = client.post(path, {"title": "x", **goal_data(agreed_plan.goals.get().area)})

    assert response.status_code == posted.status_code == 403
    assert agreement(agreed_plan) == before
    assert (agreed_plan.goals.count(), agreed_plan.actions.count()) == (1, 1)
    assert ImprovementPlan.objects.count() == 1


def test_a_member_may_report_an_actions_status_and_the_plan_stays_agreed(
    cast, agreed_plan, client_for
):
    speak_english(cast.member)
    action = agreed_plan.actions.get()
    before = agreement(agreed_plan)

    response = client_for(cast.member).post(
        url("action_status", agreed_plan, action), {"status": Action.Status.STARTED}
    )

    action.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == url("plan", agreed_plan)
    assert flashed(response) == ["The action's status was updated."]
    assert (action.status, action.started_on) == (Action.Status.STARTED, TODAY)
    assert agreement(agreed_plan) == before


def test_an_unknown_status_is_refused_with_a_message(cast, agreed_plan, client_for):
    speak_english(cast.member)
    action = agreed_plan.actions.get()

    response = client_for(cast.member).post(
        url("action_status", agreed_plan, action), {"status": "finished"}
    )

    action.refresh_from_db()
    assert response.status_code == 302
    assert flashed(response) == ["Choose one of the statuses."]
    assert action.status == Action.Status.PLANNED


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("plans", "post"),
        ("plan", "post"),
        ("plan_accept", "get"),
        ("goal_delete", "get"),
        ("action_delete", "get"),
        ("action_status", "get"),
        ("goal_add", "put"),
        ("action_edit", "delete"),
        ("plan_create", "patch"),
    ],
)
def test_the_wrong_method_is_405(cast, urls, client_for, name, method):
    before = agreement(ImprovementPlan.objects.get())

    response = getattr(client_for(cast.staff), method)(urls[name][1])

    assert response.status_code == 405
    assert agreement(ImprovementPlan.objects.get()) == before


def test_anonymous_people_are_sent_to_log_in(urls, client_for):
    response = client_for(None).get(urls["plan"][1])
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_goal_or_action_of_another_plan_in_the_url_is_404(cast, agreed_plan, client_for):
    other = create_plan(assessment=agreed_plan.assessment, title="Otro", created_by=cast.staff)
    goal, action = agreed_plan.goals.get(), agreed_plan.actions.get()
    client = client_for(cast.staff)

    assert client.get(url("goal_edit", other, goal)).status_code == 404
    assert client.post(url("goal_delete", other, goal)).status_code == 404
    assert client.get(url("action_edit", other, action)).status_code == 404
    assert client.post(url("action_delete", other, action)).status_code == 404
    assert client.post(url("action_status", other, action), {"status": "done"}).status_code == 404
    assert client.get(url("plan", 999999)).status_code == 404
    assert (agreed_plan.goals.count(), agreed_plan.actions.count()) == (1, 1)


# --- Pages: what they write ----------------------------------------------------------------


def test_staff_and_the_leader_agree_a_plan_through_the_pages(cast, baseline, tiny, client_for):
    speak_english(cast.staff, cast.leader)
    person = make_person(cast.org, "Rosa Promotora")
    staff = client_for(cast.staff)

    created = staff.post(
        url("plan_create", cast.org), {"assessment": baseline.pk, "title": "Plan 2017"}
    )
    plan = ImprovementPlan.objects.get()
    goal_added = staff.post(url("goal_add", plan), goal_data(areas_of(tiny)["a"], "65"))
    goal = plan.goals.get()
    action_added = staff.post(
        url("action_add", plan),
        action_data(goal=goal.pk, responsible=person.pk, status=Action.Status.STARTED),
    )

    assert created.status_code == goal_added.status_code == action_added.status_code == 302
    assert created["Location"] == goal_added["Location"] == url("plan", plan)
    assert flashed(action_added)[-1:] == ["The action was saved. The other side is asked to agree."]
    action = plan.actions.get()
    assert (goal.target_score, goal.due_date) == (Decimal("65.00"), FUTURE)
    assert (action.goal, action.responsible, action.support) == (
        goal,
        person,
        Action.Support.COMMUNITY,
    )
    assert action.started_on == TODAY  # created as started
    assert (plan.staff_agreed_by, plan.cso_agreed_at) == (cast.staff, None)

    leader = client_for(cast.leader)
    waiting = leader.get(url("plan", plan)).content.decode()
    accepted = leader.post(url("plan_accept", plan))

    assert "Waiting for the organization" in waiting
    assert flashed(accepted)[-1:] == ["The plan is agreed by the organization and the program."]
    plan.refresh_from_db()
    assert plan.is_agreed
    page = leader.get(url("plan", plan))
    assert page.context["can_accept"] is False
    assert ">Agreed</span>" in page.content.decode()

    # The leader proposes a change: the program has to agree again.
    changed = leader.post(url("goal_edit", plan, goal), goal_data(goal.area, "70"))
    assert changed.status_code == 302
    _, cso_at, staff_by, staff_at = agreement(plan)
    assert (cso_at is not None, staff_by, staff_at) == (True, None, None)
    assert plan.goals.get().target_score == Decimal("70.00")
    assert "Waiting for the program" in leader.get(url("plan", plan)).content.decode()

    staff = client_for(cast.staff)
    assert staff.get(url("plan", plan)).context["can_accept"] is True
    assert flashed(staff.post(url("plan_accept", plan)))[-1:] == [
        "The plan is agreed by the organization and the program."
    ]
    plan.refresh_from_db()
    assert plan.is_agreed

    # Staff remove the action, then the goal: each is a proposal to the organization.
    staff.post(url("action_delete", plan, action))
    assert (plan.actions.count(), agreement(plan)[1]) == (0, None)
    leader = client_for(cast.leader)
    leader.post(url("plan_accept", plan))
    leader.post(url("goal_delete", plan, goal))
    cso_by, _, staff_by, _ = agreement(plan)
    assert (plan.goals.count(), cso_by, staff_by) == (0, cast.leader, None)


def test_accepting_again_before_the_other_side_says_it_waits_and_keeps_the_date(
    cast, plan, tiny, client_for
):
    speak_english(cast.staff)
    add_goal(plan, areas_of(tiny)["a"], by=cast.staff)
    before = agreement(plan)

    response = client_for(cast.staff).post(url("plan_accept", plan))

    assert response.status_code == 302
    assert flashed(response) == ["You agreed. The other side is asked to agree too."]
    assert agreement(plan) == before


@pytest.mark.parametrize("status", ["draft", "submitted", "other organization"])
def test_creating_a_plan_from_an_unvalidated_assessment_is_refused(cast, tiny, client_for, status):
    if status == "draft":
        assessment = start(cast.org, tiny, cast.leader)
    elif status == "submitted":
        assessment = submitted_assessment(cast.org, tiny, cast.leader)
    else:
        assessment = validated_assessment(
            cast.other_org, tiny, leader=cast.other_leader, staff=cast.staff
        )

    response = client_for(cast.leader).post(
        url("plan_create", cast.org), {"assessment": assessment.pk, "title": "Plan"}
    )

    assert response.status_code == 200
    assert "assessment" in response.context["form"].errors
    assert 'id="error_1_id_assessment"' in response.content.decode()
    assert not ImprovementPlan.objects.exists()


def test_the_create_page_offers_only_the_organizations_validated_assessments(
    cast, baseline, tiny, client_for
):
    start(cast.org, tiny, cast.leader, assessed_on=date(2018, 1, 1))
    validated_assessment(cast.other_org, tiny, leader=cast.other_leader, staff=cast.staff)

    response = client_for(cast.leader).get(url("plan_create", cast.org))

    assert list(response.context["form"].fields["assessment"].queryset) == [baseline]


def test_a_goal_on_another_frameworks_area_is_a_form_error(cast, plan, client_for):
    other_area = areas_of(make_framework("other"))["a"]
    before = agreement(plan)

    response = client_for(cast.leader).post(url("goal_add", plan), goal_data(other_area))

    assert response.status_code == 200
    assert "area" in response.context["form"].errors
    assert not plan.goals.exists()
    assert agreement(plan) == before


@pytest.mark.parametrize("target", ["-1", "100.01", "101"])
def test_a_target_score_outside_0_to_100_is_an_error_next_to_the_field(
    cast, plan, tiny, client_for, target
):
    speak_english(cast.leader)
    before = agreement(plan)

    response = client_for(cast.leader).post(
        url("goal_add", plan), goal_data(areas_of(tiny)["a"], target)
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["target_score"]
    assert 'id="error_1_id_target_score"' in html
    expected = "greater than or equal to 0" if target == "-1" else "less than or equal to 100"
    assert expected in html
    assert not plan.goals.exists()
    assert agreement(plan) == before


def test_changing_a_goal_to_a_bad_target_changes_nothing(cast, agreed_plan, client_for):
    goal = agreed_plan.goals.get()
    before = agreement(agreed_plan)

    response = client_for(cast.leader).post(
        url("goal_edit", agreed_plan, goal), goal_data(goal.area, "150")
    )

    assert response.status_code == 200
    assert "target_score" in response.context["form"].errors
    assert agreed_plan.goals.get().target_score == goal.target_score
    assert agreement(agreed_plan) == before


def test_an_action_for_another_organizations_person_is_a_form_error(cast, agreed_plan, client_for):
    outsider = make_person(cast.other_org, "Persona Ajena")
    own = make_person(cast.org, "Rosa Promotora")
    before = agreement(agreed_plan)

    response = client_for(cast.leader).post(
        url("action_add", agreed_plan), action_data(responsible=outsider.pk)
    )

    form = response.context["form"]
    assert response.status_code == 200
    assert list(form.errors) == ["responsible"]
    assert list(form.fields["responsible"].queryset) == [own]
    assert 'id="error_1_id_responsible"' in response.content.decode()
    assert agreed_plan.actions.count() == 1
    assert agreement(agreed_plan) == before


def test_an_action_for_another_plans_goal_is_a_form_error(cast, agreed_plan, tiny, client_for):
    other = create_plan(assessment=agreed_plan.assessment, title="Otro", created_by=cast.staff)
    foreign_goal = add_goal(other, areas_of(tiny)["b"], by=cast.staff)
    action = agreed_plan.actions.get()
    before = agreement(agreed_plan)

    response = client_for(cast.leader).post(
        url("action_edit", agreed_plan, action), action_data(goal=foreign_goal.pk)
    )

    form = response.context["form"]
    assert response.status_code == 200
    assert list(form.errors) == ["goal"]
    assert list(form.fields["goal"].queryset) == list(agreed_plan.goals.all())
    action.refresh_from_db()
    assert action.goal == agreed_plan.goals.get()
    assert agreement(agreed_plan) == before


# --- Pages: languages and query counts -----------------------------------------------------


SPANISH = ["Goals", "Actions", "Agree to this plan", "Propose a goal", "Overdue", "Met", "Baseline"]


def test_the_plan_page_is_in_spanish_by_default(cast, progress_plan, client_for):
    add_action(progress_plan, by=cast.staff, due_date=PAST)

    response = client_for(cast.leader).get(url("plan", progress_plan))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="es"' in html
    for text in SPANISH:
        assert es(text) != text, f"{text!r} has no Spanish translation"
        assert es(text) in html
    assert "Agree to this plan" not in html and "Propose a goal" not in html
    assert ">Planeada</option>" in html and ">Iniciada</option>" in html
    assert es("Waiting for the organization") in html


def test_the_plan_page_is_in_english_for_english_speakers(cast, progress_plan, client_for):
    speak_english(cast.leader)
    add_action(progress_plan, by=cast.staff, due_date=PAST)

    response = client_for(cast.leader).get(url("plan", progress_plan))

    html = response.content.decode()
    assert '<html lang="en"' in html
    for text in [*SPANISH, "Latest", "Waiting for the organization"]:
        assert text in html
    assert ">Planned</option>" in html and "Coaching" in html
    assert es("Agree to this plan") not in html


SMALL, LARGE = 2, 12


def plan_page_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200
    return len(context)


@pytest.mark.parametrize("persona", ["staff", "leader", "member"])
def test_the_plan_page_queries_do_not_grow_with_goals_and_actions(
    cast, progress_plan, tiny, client_for, persona
):
    validated_assessment(
        cast.org,
        tiny,
        leader=cast.leader,
        staff=cast.staff,
        levels=ALL_FOURS,
        assessed_on=date(2024, 1, 1),
    )
    scoring.recompute_scores()
    areas = list(areas_of(tiny).values())

    def grow(start_at: int, stop: int) -> None:
        for i in range(start_at, stop):
            goal = add_goal(progress_plan, areas[i % 2], by=cast.staff, due=PAST)
            person = make_person(cast.org, f"Persona {i:02d}")
            add_action(
                progress_plan,
                by=cast.staff,
                goal=goal,
                responsible=person,
                due_date=PAST if i % 2 else FUTURE,
                description=f"Acción {i}",
            )

    client = client_for(getattr(cast, persona))
    path = url("plan", progress_plan)
    grow(0, SMALL)
    client.get(path)  # warm per-process caches
    small = plan_page_queries(client, path)
    grow(SMALL, LARGE)
    large = plan_page_queries(client, path)

    assert progress_plan.actions.count() == LARGE
    assert small == large


# --- The demo ------------------------------------------------------------------------------


def test_the_demo_has_plans_mostly_agreed_with_some_actions_started(db):
    from csa_portal.demo import build_users
    from organizations import demo, demo_capacity, demo_plans

    out = io.StringIO()
    for build in (build_users, demo.build, demo_capacity.build, demo_plans.build):
        build(lambda message: out.write(message + "\n"))

    plans = ImprovementPlan.objects.all()
    agreed = ImprovementPlan.objects.agreed()
    started = Action.objects.filter(status__in=[Action.Status.STARTED, Action.Status.DONE])
    assert plans.count() > 10
    assert agreed.count() > plans.count() / 2
    assert agreed.count() < plans.count()  # some stayed proposals
    assert f"{plans.count()} improvement plans, {agreed.count()} agreed" in out.getvalue()
    assert started.exists()
    assert not started.filter(started_on__isnull=True).exists()
    assert started.values("plan").distinct().count() == agreed.count()
    for plan in plans.select_related("assessment__framework"):
        assert plan.assessment.status == Assessment.Status.VALIDATED
        assert plan.goals.count() == 2 and plan.actions.count() == 3
        assert all(r.baseline is not None for r in goal_progress(plan))
    # Running the step again adds nothing.
    demo_plans.build(lambda message: out.write(message + "\n"))
    assert ImprovementPlan.objects.count() == plans.count()


def test_records_of_other_apps_that_serve_an_action_are_linked_on_the_plan_page(
    cast, agreed_plan, client_for
):
    from organizations.action_support import _SOURCES, SupportLink, register_action_support

    action = agreed_plan.actions.get()
    asked = []

    def source(action_ids):
        asked.append(action_ids)
        return [(action.pk, SupportLink(label="Grant: Escuelas seguras", url="/grants/1/"))]

    register_action_support("test", source)
    try:
        html = client_for(cast.leader).get(url("plan", agreed_plan)).content.decode()
    finally:
        _SOURCES.pop("test")

    assert asked == [[action.pk]]  # one call for all the plan's actions
    assert '<a class="small" href="/grants/1/">Grant: Escuelas seguras</a>' in html
