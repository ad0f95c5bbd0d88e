"""Scoped fetch helpers: 404 for outsiders (existence is not leaked), 403 for the wrong role."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from .models import Action, Assessment, Goal, ImprovementPlan, Organization, Person


def get_organization_for_user(
    request: HttpRequest, pk: int, *, perm: str = "organizations.view_organization"
) -> Organization:
    organization = Organization.objects.select_related("tier").filter(pk=pk).first()
    if organization is None or not request.user.has_perm(
        "organizations.view_organization", organization
    ):
        raise Http404
    if perm != "organizations.view_organization" and not request.user.has_perm(perm, organization):
        raise PermissionDenied
    return organization


def get_person_for_user(request: HttpRequest, organization_pk: int, person_pk: int) -> Person:
    organization = get_organization_for_user(
        request, organization_pk, perm="organizations.manage_people"
    )
    person = organization.people.filter(pk=person_pk).first()
    if person is None:
        raise Http404
    return person


def require_directory_access(request: HttpRequest) -> None:
    """Program-wide lists are for staff; a logged-in CSO user gets 403."""
    if not request.user.has_perm("organizations.manage_directory"):
        raise PermissionDenied


def get_assessment_for_user(request: HttpRequest, pk: int, *, perm: str = "") -> Assessment:
    """An assessment is seen by whoever sees its organization; perm is checked on that organization."""
    assessment = (
        Assessment.objects.select_related("organization__tier", "framework").filter(pk=pk).first()
    )
    if assessment is None or not request.user.has_perm(
        "organizations.view_organization", assessment.organization
    ):
        raise Http404
    if perm and not request.user.has_perm(perm, assessment.organization):
        raise PermissionDenied
    return assessment


def get_plan_for_user(request: HttpRequest, pk: int, *, perm: str = "") -> ImprovementPlan:
    plan = (
        ImprovementPlan.objects.select_related(
            "organization", "assessment__framework", "cso_agreed_by", "staff_agreed_by"
        )
        .filter(pk=pk)
        .first()
    )
    if plan is None or not request.user.has_perm(
        "organizations.view_organization", plan.organization
    ):
        raise Http404
    if perm and not request.user.has_perm(perm, plan.organization):
        raise PermissionDenied
    return plan


def get_goal_for_user(request: HttpRequest, plan_pk: int, goal_pk: int) -> Goal:
    plan = get_plan_for_user(request, plan_pk, perm="organizations.edit_plan")
    goal = plan.goals.select_related("area").filter(pk=goal_pk).first()
    if goal is None:
        raise Http404
    goal.plan = plan
    return goal


def get_action_for_user(
    request: HttpRequest, plan_pk: int, action_pk: int, *, perm: str = "organizations.edit_plan"
) -> Action:
    plan = get_plan_for_user(request, plan_pk, perm=perm)
    action = plan.actions.filter(pk=action_pk).first()
    if action is None:
        raise Http404
    action.plan = plan
    return action
