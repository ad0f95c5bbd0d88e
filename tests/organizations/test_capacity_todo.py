"""The home page tells each person which assessments and plans wait for them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from organizations.services.plans import create_plan, save_action, save_goal
from tests.capacity_helpers import (
    FULL,
    fill,
    make_framework,
    start,
    submitted_assessment,
    validated_assessment,
)
from tests.personas import speak_english

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny(db):
    return make_framework()


def plan_with_overdue_action(cast, tiny):
    assessment = validated_assessment(cast.org, tiny, leader=cast.leader, staff=cast.staff)
    plan = create_plan(assessment=assessment, title="Plan 2026", created_by=cast.staff)
    goal = save_goal(
        plan=plan,
        goal=None,
        area=tiny.areas.first(),
        target_score=Decimal(70),
        due_date=timezone.localdate() + timedelta(days=90),
        by=cast.staff,
    )
    save_action(
        plan=plan,
        action=None,
        fields={
            "description": "Manual",
            "goal": goal,
            "due_date": timezone.localdate() - timedelta(days=1),
        },
        by=cast.staff,
    )
    return plan


def home(client_for, user) -> str:
    speak_english(user)
    return client_for(user).get(reverse("home")).content.decode()


def test_a_leader_sees_a_draft_to_continue_a_plan_to_agree_and_overdue_actions(
    cast, tiny, client_for
):
    draft = start(cast.org, tiny, cast.leader)
    plan = plan_with_overdue_action(cast, tiny)

    html = home(client_for, cast.leader)

    assert "Continue the self-assessment" in html
    assert reverse("organizations:assessment", args=[draft.pk]) in html
    assert "Agree to the improvement plan" in html
    assert "1 overdue action:" in html
    assert reverse("organizations:plan", args=[plan.pk]) in html


def test_a_member_is_not_asked_to_agree_and_outsiders_see_nothing(cast, tiny, client_for):
    plan_with_overdue_action(cast, tiny)

    member_html = home(client_for, cast.member)
    other_html = home(client_for, cast.other_leader)

    assert "Agree to the improvement plan" not in member_html
    assert "1 overdue action:" in member_html
    assert "Capacity: waiting for you" not in other_html


def test_staff_see_submitted_assessments_to_validate(cast, tiny, client_for):
    submitted = submitted_assessment(cast.org, tiny, cast.leader)

    html = home(client_for, cast.staff)

    assert "Validate" in html
    assert reverse("organizations:assessment", args=[submitted.pk]) in html


def test_the_panel_costs_the_same_queries_with_more_items(cast, tiny, client_for):
    client = client_for(cast.leader)
    start(cast.org, tiny, cast.leader)
    plan_with_overdue_action(cast, tiny)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("home"))
    for _ in range(5):
        fill(start(cast.org, tiny, cast.leader), cast.leader, FULL)
        plan_with_overdue_action(cast, tiny)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("home"))

    assert len(large) == len(small)
