"""Shared goals and their progress, alliances, shared resources, outcomes, collaborations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from csa_portal.models import User
from organizations.models import Organization
from organizations.uploads import UploadRejected

from ..errors import CommunityError
from ..files import save_resource_file
from ..models import (
    Alliance,
    Collaboration,
    GoalProgress,
    LearningCommunity,
    Outcome,
    SharedGoal,
    SharedResource,
)


def _non_members(community: LearningCommunity, organizations: list[Organization]) -> list[str]:
    members = set(community.memberships.current().values_list("organization_id", flat=True))
    return sorted(o.name for o in organizations if o.pk not in members)


@transaction.atomic
def create_goal(
    *,
    community: LearningCommunity,
    statement: str,
    metric: str,
    baseline: Decimal,
    target: Decimal,
    set_on: date,
    due_on: date,
    co_defined_by: list[Organization],
    created_by: User | None,
) -> SharedGoal:
    if target == baseline:
        raise CommunityError(_("The target must differ from the baseline."))
    if due_on <= set_on:
        raise CommunityError(_("The due date comes after the date the goal was agreed."))
    outsiders = _non_members(community, co_defined_by)
    if outsiders:
        raise CommunityError(
            _("Only members co-define goals: %(names)s.") % {"names": ", ".join(outsiders)}
        )
    goal = SharedGoal.objects.create(
        community=community,
        statement=statement.strip(),
        metric=metric.strip(),
        baseline=baseline,
        target=target,
        set_on=set_on,
        due_on=due_on,
        created_by=created_by,
    )
    goal.co_defined_by.set(co_defined_by)
    return goal


@transaction.atomic
def add_progress(
    *,
    goal: SharedGoal,
    measured_on: date,
    value: Decimal,
    note: str = "",
    recorded_by: User | None,
) -> GoalProgress:
    if measured_on < goal.set_on:
        raise CommunityError(_("Progress is measured after the goal was agreed."))
    return GoalProgress.objects.create(
        goal=goal, measured_on=measured_on, value=value, note=note.strip(), recorded_by=recorded_by
    )


@transaction.atomic
def create_alliance(
    *, fields: dict, members: list[Organization], grew_from: LearningCommunity | None
) -> Alliance:
    if len({m.pk for m in members}) < 2:
        raise CommunityError(_("An alliance has at least two organizations."))
    values = {
        name: fields.get(name)
        for name in ("name", "objective", "theme", "states", "started_on", "ended_on", "status")
    }
    values["states"] = sorted(set(values["states"] or []))
    if values["ended_on"] and values["ended_on"] < values["started_on"]:
        raise CommunityError(_("The end cannot be before the start."))
    alliance = Alliance.objects.create(grew_from=grew_from, **values)
    alliance.members.set(members)
    return alliance


@transaction.atomic
def share_resource(
    *,
    community: LearningCommunity,
    organization: Organization,
    kind: str,
    title: str,
    description: str = "",
    upload: UploadedFile | None = None,
    link: str = "",
    shared_by: User | None,
    shared_on: date | None = None,
) -> SharedResource:
    if _non_members(community, [organization]):
        raise CommunityError(_("Only member organizations share resources with the community."))
    if bool(upload) == bool(link):
        raise CommunityError(_("Share either a file or a link."))
    token = ""
    if upload:
        try:
            token = save_resource_file(upload)
        except UploadRejected as exc:
            raise CommunityError(str(exc)) from exc
    return SharedResource.objects.create(
        community=community,
        organization=organization,
        kind=kind,
        title=title.strip(),
        description=description.strip(),
        file=token,
        file_name=upload.name[:255] if upload else "",
        link=link,
        shared_by=shared_by,
        shared_on=shared_on or timezone.localdate(),
    )


@transaction.atomic
def record_outcome(
    *,
    fields: dict,
    organizations: list[Organization],
    community: LearningCommunity | None,
    created_by: User | None,
) -> Outcome:
    if not organizations:
        raise CommunityError(_("Name the organizations involved."))
    alliance = fields.get("alliance")
    if alliance is not None and community is not None and alliance.grew_from_id != community.pk:
        raise CommunityError(_("That alliance did not grow from this community."))
    outcome = Outcome.objects.create(
        key_issue=fields["key_issue"],
        tier=fields.get("tier"),
        community=community,
        alliance=alliance,
        description=fields["description"].strip(),
        occurred_on=fields["occurred_on"],
        evidence=(fields.get("evidence") or "").strip(),
        created_by=created_by,
    )
    outcome.organizations.set(organizations)
    return outcome


@transaction.atomic
def record_collaboration(
    *,
    first: Organization,
    second: Organization,
    kind: str,
    since: date,
    community: LearningCommunity | None = None,
    note: str = "",
    recorded_by: User | None,
) -> Collaboration:
    if first.pk == second.pk:
        raise CommunityError(_("A collaboration is between two different organizations."))
    low, high = sorted((first, second), key=lambda o: o.pk)
    if Collaboration.objects.filter(first=low, second=high, kind=kind).exists():
        raise CommunityError(_("This collaboration is already recorded."))
    return Collaboration.objects.create(
        first=low,
        second=high,
        kind=kind,
        since=since,
        community=community,
        note=note.strip(),
        recorded_by=recorded_by,
    )
