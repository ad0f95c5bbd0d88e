"""Scoped fetch helpers: 404 for outsiders (existence is not leaked), 403 for the wrong role."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from .models import (
    AgendaItem,
    Alliance,
    Collaboration,
    CommunityMembership,
    Event,
    FollowUpAction,
    LearningCommunity,
    Outcome,
    Report,
    SharedGoal,
    SharedResource,
)

VIEW = "learning_communities.view_community"
MANAGE = "learning_communities.manage_community"


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


def get_facilitator_for_user(request: HttpRequest, event_pk: int, facilitator_pk: int):
    """Staff choose facilitators (as when adding one); members 403, outsiders 404."""
    event = get_event_for_user(request, event_pk, perm=MANAGE)
    facilitator = (
        event.facilitators.select_related("organization").filter(pk=facilitator_pk).first()
    )
    if facilitator is None:
        raise Http404
    facilitator.event = event
    return facilitator


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


def get_resource_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> SharedResource:
    """A shared resource follows its community: non-members get 404. Changing it is for staff
    and the leaders of the organization that shared it (403 for the other members)."""
    resource = (
        SharedResource.objects.select_related("community", "organization").filter(pk=pk).first()
    )
    if resource is None or not request.user.has_perm(VIEW, resource.community):
        raise Http404
    if write and not request.user.has_perm("learning_communities.change_resource", resource):
        raise PermissionDenied
    return resource


def _scoped(request: HttpRequest, community: LearningCommunity | None, manage: bool) -> None:
    """A record of a community (or of an alliance grown from one) follows that community; a
    record of no community is the program's: staff only, 404 for everyone else."""
    user = request.user
    if community is None:
        if not user.has_perm(MANAGE):
            raise Http404
        return
    if not user.has_perm(VIEW, community):
        raise Http404
    if manage and not user.has_perm(MANAGE, community):
        raise PermissionDenied


def get_alliance_for_user(request: HttpRequest, pk: int, *, manage: bool = True) -> Alliance:
    alliance = Alliance.objects.select_related("grew_from").filter(pk=pk).first()
    if alliance is None:
        raise Http404
    _scoped(request, alliance.grew_from, manage)
    return alliance


def get_outcome_for_user(request: HttpRequest, pk: int, *, manage: bool = True) -> Outcome:
    outcome = (
        Outcome.objects.select_related("community", "alliance__grew_from").filter(pk=pk).first()
    )
    if outcome is None:
        raise Http404
    community = outcome.community or (outcome.alliance.grew_from if outcome.alliance else None)
    _scoped(request, community, manage)
    return outcome


def get_collaboration_for_user(request: HttpRequest, pk: int) -> Collaboration:
    """Collaboration records are the program's: staff only (403 like recording one)."""
    if not request.user.has_perm(MANAGE):
        raise PermissionDenied
    collaboration = Collaboration.objects.select_related("first", "second").filter(pk=pk).first()
    if collaboration is None:
        raise Http404
    return collaboration


def get_report_for_user(request: HttpRequest, pk: int, *, with_content: bool = True) -> Report:
    """A built community report is read by staff and the community's members (others 404);
    the program results report by staff only (403 for other logins). Without its content
    (`data`, large) when the caller does not need it."""
    reports = Report.objects.select_related("community")
    if not with_content:
        reports = reports.defer("data")
    report = reports.filter(pk=pk).first()
    if report is None:
        raise Http404
    if request.user.has_perm("learning_communities.view_reports", report):
        return report
    if report.community is not None:
        if request.user.has_perm(VIEW, report.community):
            return report
        raise Http404
    if request.user.is_authenticated:
        raise PermissionDenied
    raise Http404


def require_staff(request: HttpRequest) -> None:
    if not request.user.has_perm("learning_communities.view_reports"):
        raise PermissionDenied
