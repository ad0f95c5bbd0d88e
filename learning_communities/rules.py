"""Who may do what in Learning Communities.

A community's people are the logins of its current member organizations (through
organizations.Membership). Staff manage communities; members' leaders propose agenda items
and share resources; an event's facilitators (people linked to a login) run their event.
"""

import rules

from csa_portal.rules import is_program_staff
from organizations.models import Membership

from .models import CommunityMembership, Event, Facilitator, SharedResource


@rules.predicate
def is_community_member(user, community) -> bool:
    if community is None or not user.is_authenticated:
        return False
    return CommunityMembership.objects.for_user(user).filter(community=community).exists()


@rules.predicate
def is_community_leader(user, community) -> bool:
    if community is None or not user.is_authenticated:
        return False
    return (
        CommunityMembership.objects.for_user(user, leaders_only=True)
        .filter(community=community)
        .exists()
    )


@rules.predicate
def is_event_facilitator(user, event) -> bool:
    if not isinstance(event, Event) or not user.is_authenticated:
        return False
    return Facilitator.objects.filter(event=event, person__user=user).exists()


@rules.predicate
def leads_sharing_organization(user, resource) -> bool:
    """The user leads the member organization that shared this resource."""
    if not isinstance(resource, SharedResource) or not user.is_authenticated:
        return False
    return (
        Membership.objects.active()
        .leaders()
        .filter(user=user, organization_id=resource.organization_id)
        .exists()
    )


rules.add_perm("learning_communities.view_community", is_program_staff | is_community_member)
rules.add_perm("learning_communities.manage_community", is_program_staff)
rules.add_perm("learning_communities.propose_agenda", is_program_staff | is_community_leader)
rules.add_perm("learning_communities.share_resource", is_program_staff | is_community_leader)
# Checked against an event: staff or the event's own facilitators.
rules.add_perm("learning_communities.run_event", is_program_staff | is_event_facilitator)
# Checked against a shared resource: staff or the leaders of the organization that shared it.
rules.add_perm(
    "learning_communities.change_resource", is_program_staff | leads_sharing_organization
)
# Starting and retrying report jobs, and the program results report: staff. Built community
# reports are read by the community's members too (see access.get_report_for_user).
rules.add_perm("learning_communities.view_reports", is_program_staff)
