"""A case that serves an improvement-plan action shows on the plan, without its confidential details."""

from datetime import date
from decimal import Decimal

from django.urls import reverse

from legal_assistance.services.cases import request_assistance
from organizations.services.plans import accept_plan, create_plan, save_action, save_goal
from tests.capacity_helpers import make_framework, validated_assessment
from tests.personas import speak_english


def test_the_plan_page_links_a_case_by_area_and_status_only(cast, client_for):
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
        fields={"description": "Regularizar", "due_date": date(2027, 1, 31), "support": "legal"},
        by=cast.staff,
    )
    accept_plan(plan=plan, accepted_by=cast.leader)
    case = request_assistance(
        organization=cast.org,
        area="fiscal",
        subject="Declaraciones confidenciales",
        need="Detalle confidencial del caso.",
        urgency="normal",
        requested_by=cast.leader,
        serves_action=action,
    )
    speak_english(cast.member)

    html = (
        client_for(cast.member).get(reverse("organizations:plan", args=[plan.pk])).content.decode()
    )

    link = reverse("legal_assistance:case", args=[case.pk])
    assert f'href="{link}">Legal assistance: Fiscal (Requested)</a>' in html
    assert "confidencial" not in html
