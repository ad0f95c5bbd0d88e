"""Communities and their members."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from csa_portal.models import User
from organizations.models import Organization

from ..errors import CommunityError
from ..models import CommunityMembership, LearningCommunity

COMMUNITY_FIELDS = ("name", "description", "tier", "states", "theme", "start", "end", "status")


def _check_dates(start: date, end: date | None) -> None:
    if end is not None and end < start:
        raise CommunityError(_("The end cannot be before the start."))


@transaction.atomic
def create_community(*, fields: dict, created_by: User | None) -> LearningCommunity:
    _check_dates(fields["start"], fields.get("end"))
    values = {name: fields[name] for name in COMMUNITY_FIELDS if name in fields}
    values["states"] = sorted(set(values.get("states") or []))
    return LearningCommunity.objects.create(**values)


@transaction.atomic
def update_community(*, community: LearningCommunity, fields: dict) -> LearningCommunity:
    start, end = fields.get("start", community.start), fields.get("end", community.end)
    _check_dates(start, end)
    outside = community.events.filter(date__lt=start)
    if end is not None:
        outside = community.events.filter(date__lt=start) | community.events.filter(date__gt=end)
    if outside.exists():
        raise CommunityError(
            _("Some of the community's events would fall outside these dates; move them first.")
        )
    for name in COMMUNITY_FIELDS:
        if name in fields:
            setattr(community, name, fields[name])
    community.states = sorted(set(community.states or []))
    community.save()
    return community


@transaction.atomic
def add_member(
    *,
    community: LearningCommunity,
    organization: Organization,
    role: str,
    joined_on: date,
    added_by: User | None,
) -> CommunityMembership:
    # Locking the community serializes concurrent additions of the same organization.
    LearningCommunity.objects.select_for_update().filter(pk=community.pk).first()
    if community.memberships.current().filter(organization=organization).exists():
        raise CommunityError(
            _("%(organization)s is already a member of this community.")
            % {"organization": organization.name}
        )
    if community.end is not None and joined_on > community.end:
        raise CommunityError(_("The community had ended by that date."))
    return CommunityMembership.objects.create(
        community=community,
        organization=organization,
        role=role,
        joined_on=joined_on,
        added_by=added_by,
    )


@transaction.atomic
def end_membership(*, membership: CommunityMembership, left_on: date) -> CommunityMembership:
    if membership.left_on is not None:
        raise CommunityError(_("This organization has already left the community."))
    if left_on < membership.joined_on:
        raise CommunityError(_("An organization cannot leave before it joined."))
    membership.left_on = left_on
    membership.save(update_fields=["left_on"])
    return membership


def is_member_on(community: LearningCommunity, organization_id: int, day: date) -> bool:
    return community.memberships.on(day).filter(organization_id=organization_id).exists()
