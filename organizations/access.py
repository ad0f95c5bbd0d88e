"""Scoped fetch helpers: 404 for outsiders (existence is not leaked), 403 for the wrong role."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from .models import Assessment, ImprovementPlan, Organization, Person


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
        ImprovementPlan.objects.select_related("organization", "assessment__framework")
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
