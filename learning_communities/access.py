"""Scoped fetch helpers: 404 for outsiders (existence is not leaked), 403 for the wrong role."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from .models import (
    AgendaItem,
    CommunityMembership,
    Event,
    FollowUpAction,
    LearningCommunity,
    Report,
    SharedGoal,
    SharedResource,
)

VIEW = "learning_communities.view_community"


def get_community_for_user(request: HttpRequest, pk: int, *, perm: str = VIEW) -> LearningCommunity:
    community = LearningCommunity.objects.select_related("tier", "theme").filter(pk=pk).first()
    if community is None or not request.user.has_perm(VIEW, community):
        raise Http404
    if perm != VIEW and not request.user.has_perm(perm, community):
        raise PermissionDenied
    return community


def get_event_for_user(request: HttpRequest, pk: int, *, perm: str = "") -> Event:
    """`perm` is checked on the event (run_event) or, for other perms, on its community."""
    event = Event.objects.select_related("community", "host").filter(pk=pk).first()
    if event is None or not request.user.has_perm(VIEW, event.community):
        raise Http404
    target = event if perm == "learning_communities.run_event" else event.community
    if perm and not request.user.has_perm(perm, target):
        raise PermissionDenied
    return event


def get_agenda_item_for_user(request: HttpRequest, event_pk: int, item_pk: int) -> AgendaItem:
    event = get_event_for_user(request, event_pk, perm="learning_communities.run_event")
    item = event.agenda_items.filter(pk=item_pk).first()
    if item is None:
        raise Http404
    item.event = event
    return item


def get_follow_up_for_user(request: HttpRequest, event_pk: int, action_pk: int) -> FollowUpAction:
    event = get_event_for_user(request, event_pk, perm="learning_communities.run_event")
    action = event.follow_ups.filter(pk=action_pk).first()
    if action is None:
        raise Http404
    action.event = event
    return action


def get_membership_for_user(
    request: HttpRequest, community_pk: int, membership_pk: int
) -> CommunityMembership:
    community = get_community_for_user(
        request, community_pk, perm="learning_communities.manage_community"
    )
    membership = community.memberships.select_related("organization").filter(pk=membership_pk)
    found = membership.first()
    if found is None:
        raise Http404
    found.community = community
    return found


def get_goal_for_user(request: HttpRequest, pk: int, *, perm: str = VIEW) -> SharedGoal:
    goal = SharedGoal.objects.select_related("community").filter(pk=pk).first()
    if goal is None or not request.user.has_perm(VIEW, goal.community):
        raise Http404
    if perm != VIEW and not request.user.has_perm(perm, goal.community):
        raise PermissionDenied
    return goal


def get_resource_for_user(request: HttpRequest, pk: int) -> SharedResource:
    """A shared resource follows its community: non-members get 404."""
    resource = SharedResource.objects.select_related("community").filter(pk=pk).first()
    if resource is None or not request.user.has_perm(VIEW, resource.community):
        raise Http404
    return resource


def get_report_for_user(request: HttpRequest, pk: int) -> Report:
    """Reports hold members' capacity scores: staff only. Members of the community get 403,
    everyone else 404."""
    report = Report.objects.select_related("community").filter(pk=pk).first()
    if report is None:
        raise Http404
    if request.user.has_perm("learning_communities.view_reports", report):
        return report
    if report.community is not None and request.user.has_perm(VIEW, report.community):
        raise PermissionDenied
    if report.community is None and request.user.is_authenticated:
        raise PermissionDenied
    raise Http404


def require_staff(request: HttpRequest) -> None:
    if not request.user.has_perm("learning_communities.view_reports"):
        raise PermissionDenied
