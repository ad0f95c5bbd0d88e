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
from ..files import (
    remove_outcome_evidence,
    remove_resource_file,
    save_outcome_evidence,
    save_resource_file,
)
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
def update_goal(
    *,
    goal: SharedGoal,
    statement: str,
    metric: str,
    baseline: Decimal,
    target: Decimal,
    set_on: date,
    due_on: date,
    co_defined_by: list[Organization],
) -> SharedGoal:
    if target == baseline:
        raise CommunityError(_("The target must differ from the baseline."))
    if due_on <= set_on:
        raise CommunityError(_("The due date comes after the date the goal was agreed."))
    first = goal.progress.order_by("measured_on").values_list("measured_on", flat=True).first()
    if first is not None and first < set_on:
        raise CommunityError(
            _("Progress was measured on %(date)s, before that date.") % {"date": first}
        )
    # Members who co-defined it and left since stay listed; new ones must be members now.
    kept = set(goal.co_defined_by.values_list("pk", flat=True))
    outsiders = _non_members(goal.community, [o for o in co_defined_by if o.pk not in kept])
    if outsiders:
        raise CommunityError(
            _("Only members co-define goals: %(names)s.") % {"names": ", ".join(outsiders)}
        )
    goal.statement = statement.strip()
    goal.metric = metric.strip()
    goal.baseline, goal.target = baseline, target
    goal.set_on, goal.due_on = set_on, due_on
    goal.save()
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
def update_alliance(*, alliance: Alliance, fields: dict, members: list[Organization]) -> Alliance:
    if len({m.pk for m in members}) < 2:
        raise CommunityError(_("An alliance has at least two organizations."))
    values = {
        name: fields.get(name)
        for name in ("name", "objective", "theme", "states", "started_on", "ended_on", "status")
        if name in fields
    }
    values["states"] = sorted(set(values.get("states") or []))
    started, ended = values.get("started_on"), values.get("ended_on")
    if started and ended and ended < started:
        raise CommunityError(_("The end cannot be before the start."))
    if Alliance.objects.filter(name=values.get("name")).exclude(pk=alliance.pk).exists():
        raise CommunityError(_("Another alliance already has this name."))
    for name, value in values.items():
        setattr(alliance, name, value)
    alliance.save()
    alliance.members.set(members)
    return alliance


def _store(upload: UploadedFile, save) -> str:
    try:
        return save(upload)
    except UploadRejected as exc:
        raise CommunityError(str(exc)) from exc


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
def update_resource(
    *,
    resource: SharedResource,
    kind: str,
    title: str,
    description: str = "",
    upload: UploadedFile | None = None,
    link: str = "",
) -> SharedResource:
    """Change what a resource says; a new file or a new link replaces the one kept so far."""
    if upload and link:
        raise CommunityError(_("Share either a file or a link."))
    old_file = resource.file
    if upload:
        resource.file = _store(upload, save_resource_file)
        resource.file_name = upload.name[:255]
        resource.link = ""
    elif link:
        resource.file, resource.file_name, resource.link = "", "", link
    resource.kind = kind
    resource.title = title.strip()
    resource.description = description.strip()
    resource.save()
    if old_file and old_file != resource.file:
        transaction.on_commit(lambda: remove_resource_file(old_file))
    return resource


@transaction.atomic
def remove_resource(*, resource: SharedResource) -> None:
    token = resource.file
    resource.delete()
    if token:
        transaction.on_commit(lambda: remove_resource_file(token))


def _check_outcome(
    fields: dict, organizations: list[Organization], community: LearningCommunity | None
) -> None:
    if not organizations:
        raise CommunityError(_("Name the organizations involved."))
    alliance = fields.get("alliance")
    if alliance is not None and community is not None and alliance.grew_from_id != community.pk:
        raise CommunityError(_("That alliance did not grow from this community."))
    if fields.get("evidence_upload") and fields.get("evidence_link"):
        raise CommunityError(_("Give either an evidence file or an evidence link, not both."))


@transaction.atomic
def record_outcome(
    *,
    fields: dict,
    organizations: list[Organization],
    community: LearningCommunity | None,
    created_by: User | None,
) -> Outcome:
    """`fields` may hold an `evidence_upload` (checked by content) or an `evidence_link`."""
    _check_outcome(fields, organizations, community)
    upload = fields.get("evidence_upload")
    outcome = Outcome.objects.create(
        key_issue=fields["key_issue"],
        tier=fields.get("tier"),
        community=community,
        alliance=fields.get("alliance"),
        description=fields["description"].strip(),
        occurred_on=fields["occurred_on"],
        evidence=(fields.get("evidence") or "").strip(),
        evidence_file=_store(upload, save_outcome_evidence) if upload else "",
        evidence_file_name=upload.name[:255] if upload else "",
        evidence_link=fields.get("evidence_link") or "",
        created_by=created_by,
    )
    outcome.organizations.set(organizations)
    return outcome


@transaction.atomic
def update_outcome(*, outcome: Outcome, fields: dict, organizations: list[Organization]) -> Outcome:
    """A new evidence file or link replaces the one kept; `remove_evidence` drops both."""
    _check_outcome(fields, organizations, outcome.community)
    old_file = outcome.evidence_file
    upload, link = fields.get("evidence_upload"), fields.get("evidence_link") or ""
    if upload:
        outcome.evidence_file = _store(upload, save_outcome_evidence)
        outcome.evidence_file_name = upload.name[:255]
        outcome.evidence_link = ""
    elif link:
        outcome.evidence_file, outcome.evidence_file_name, outcome.evidence_link = "", "", link
    elif fields.get("remove_evidence"):
        outcome.evidence_file, outcome.evidence_file_name, outcome.evidence_link = "", "", ""
    outcome.key_issue = fields["key_issue"]
    outcome.tier = fields.get("tier")
    outcome.alliance = fields.get("alliance")
    outcome.description = fields["description"].strip()
    outcome.occurred_on = fields["occurred_on"]
    outcome.evidence = (fields.get("evidence") or "").strip()
    outcome.save()
    outcome.organizations.set(organizations)
    if old_file and old_file != outcome.evidence_file:
        transaction.on_commit(lambda: remove_outcome_evidence(old_file))
    return outcome


@transaction.atomic
def remove_outcome(*, outcome: Outcome) -> None:
    token = outcome.evidence_file
    outcome.delete()
    if token:
        transaction.on_commit(lambda: remove_outcome_evidence(token))


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


@transaction.atomic
def update_collaboration(
    *,
    collaboration: Collaboration,
    first: Organization,
    second: Organization,
    kind: str,
    since: date,
    until: date | None = None,
    community: LearningCommunity | None = None,
    note: str = "",
) -> Collaboration:
    if first.pk == second.pk:
        raise CommunityError(_("A collaboration is between two different organizations."))
    if until is not None and until < since:
        raise CommunityError(_("The end cannot be before the start."))
    low, high = sorted((first, second), key=lambda o: o.pk)
    duplicate = Collaboration.objects.filter(first=low, second=high, kind=kind)
    if duplicate.exclude(pk=collaboration.pk).exists():
        raise CommunityError(_("This collaboration is already recorded."))
    collaboration.first, collaboration.second = low, high
    collaboration.kind, collaboration.since, collaboration.until = kind, since, until
    collaboration.community = community
    collaboration.note = note.strip()
    collaboration.save()
    return collaboration


@transaction.atomic
def remove_collaboration(*, collaboration: Collaboration) -> None:
    collaboration.delete()
