"""Every state change of organizations, people, memberships and invitations."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from csa_portal import audit
from csa_portal.models import User

from ..models import Invitation, Membership, Organization, OrganizationChange, Person

M2M_FIELDS = ("thematic_areas", "populations")
# The note of an imported organization's first audit entry, translated when shown.
IMPORTED = gettext_noop("imported")


def _json_value(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Iterable) and not isinstance(value, str):
        return sorted(item.pk if isinstance(item, models.Model) else item for item in value)
    return value


def _current_value(organization: Organization, field: str) -> Any:
    if field in M2M_FIELDS:
        return sorted(getattr(organization, field).values_list("pk", flat=True))
    return _json_value(getattr(organization, field))


@transaction.atomic
def create_organization(*, created_by: User | None, fields: dict[str, Any]) -> Organization:
    scalar = {k: v for k, v in fields.items() if k not in M2M_FIELDS}
    organization = Organization.objects.create(**scalar)
    for name in M2M_FIELDS:
        if name in fields:
            getattr(organization, name).set(fields[name])
    OrganizationChange.objects.create(
        organization=organization,
        changed_by=created_by,
        changes={name: [None, _json_value(value)] for name, value in fields.items()},
        note="created",
    )
    audit.record_change(
        obj=organization,
        actor=created_by,
        action=audit.Action.CREATE,
        after=audit.snapshot(organization, fields),
    )
    return organization


@transaction.atomic
def update_organization(
    *, organization: Organization, changed_by: User | None, fields: dict[str, Any]
) -> OrganizationChange | None:
    """Apply the given (already validated) fields and record what really changed."""
    changes: dict[str, list[Any]] = {}
    for name, value in fields.items():
        old = _current_value(organization, name)
        new = _json_value(value)
        if old != new:
            changes[name] = [old, new]
    if not changes:
        return None
    before = audit.snapshot(organization, changes)
    for name in changes:
        if name in M2M_FIELDS:
            getattr(organization, name).set(fields[name])
        else:
            setattr(organization, name, fields[name])
    scalar_changed = [n for n in changes if n not in M2M_FIELDS]
    organization.save(update_fields=[*scalar_changed, "updated_at"])
    if "tier" in changes:
        # The organization moves between the cohorts whose stored medians the scores page shows.
        from ..tasks import refresh_cohort_medians_task

        transaction.on_commit(refresh_cohort_medians_task.delay, robust=True)
    audit.record_change(
        obj=organization,
        actor=changed_by,
        action=audit.Action.UPDATE,
        before=before,
        after=audit.snapshot(organization, changes),
    )
    return OrganizationChange.objects.create(
        organization=organization, changed_by=changed_by, changes=changes
    )


@transaction.atomic
def save_person(*, organization: Organization, person: Person | None, fields: dict) -> Person:
    person = person or Person(organization=organization)
    for name, value in fields.items():
        setattr(person, name, value)
    person.organization = organization
    person.save()
    return person


@transaction.atomic
def remove_person(*, person: Person) -> None:
    person.delete()


@transaction.atomic
def add_membership(*, user: User, organization: Organization, role: str) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        user=user, organization=organization, defaults={"role": role, "is_active": True}
    )
    return membership


@transaction.atomic
def invite_member(
    *, organization: Organization, email: str, role: str, invited_by: User, base_url: str
) -> Invitation:
    """Create a single-use, expiring invitation and email its link (after commit)."""
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organization=organization,
        email=email.lower(),
        role=role,
        invited_by=invited_by,
        token_hash=Invitation.hash_token(token),
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    link = base_url.rstrip("/") + reverse("organizations:accept_invitation", args=[token])
    existing = User.objects.filter(email__iexact=email).first()
    language = existing.preferred_language if existing else settings.LANGUAGE_CODE
    transaction.on_commit(lambda: _send_invitation_email(invitation, link, language))
    invitation.link = link  # shown once to the inviting staff member, never stored
    return invitation


def _send_invitation_email(invitation: Invitation, link: str, language: str) -> None:
    with translation.override(language):
        context = {"invitation": invitation, "link": link, "days": settings.INVITATION_VALID_DAYS}
        subject = render_to_string("emails/invitation_subject.txt", context).strip()
        body = render_to_string("emails/invitation.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def find_usable_invitation(token: str) -> Invitation | None:
    return (
        Invitation.objects.usable()
        .select_related("organization")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )


@transaction.atomic
def accept_invitation(
    *, invitation: Invitation, display_name: str, password: str | None, language: str
) -> User:
    """Create (or reuse) the login for the invited email and join the organization."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None or invitation.expires_at <= timezone.now():
        raise ValueError("This invitation was already used or has expired.")
    user = User.objects.filter(email__iexact=invitation.email).first()
    if user is None:
        user = User.objects.create_user(
            invitation.email, password, display_name=display_name, preferred_language=language
        )
    elif password:
        user.set_password(password)
        user.save(update_fields=["password"])
    add_membership(user=user, organization=invitation.organization, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user


@transaction.atomic
def import_organizations(*, rows: list[dict[str, Any]], imported_by: User | None) -> int:
    """Create all organizations of a validated file at once: set-based, all or nothing."""
    scalar_rows = [{k: v for k, v in row.items() if k not in (*M2M_FIELDS, "row")} for row in rows]
    created = Organization.objects.bulk_create(
        [Organization(**fields) for fields in scalar_rows], batch_size=1000
    )
    theme_links, population_links, changes = [], [], []
    ThemeLink = Organization.thematic_areas.through
    PopulationLink = Organization.populations.through
    for organization, row in zip(created, rows, strict=True):
        theme_links += [
            ThemeLink(organization_id=organization.pk, thematicarea_id=t.pk)
            for t in row.get("thematic_areas", [])
        ]
        population_links += [
            PopulationLink(organization_id=organization.pk, population_id=p.pk)
            for p in row.get("populations", [])
        ]
        changes.append(
            OrganizationChange(
                organization=organization,
                changed_by=imported_by,
                note="imported",
                changes={k: [None, _json_value(v)] for k, v in row.items() if k != "row"},
            )
        )
    ThemeLink.objects.bulk_create(theme_links, batch_size=5000)
    PopulationLink.objects.bulk_create(population_links, batch_size=5000)
    OrganizationChange.objects.bulk_create(changes, batch_size=1000)
    # Set-based: one entry per organization (its History starts with the import) and one for
    # the import as a whole, which the admin finds by who ran it and when.
    now = timezone.now()
    audit.record_entries(
        audit.entry_for(
            obj=organization,
            actor=imported_by,
            action=audit.Action.CREATE,
            after={k: audit.display_value(v) for k, v in row.items() if k != "row"},
            note=IMPORTED,
            at=now,
        )
        for organization, row in zip(created, rows, strict=True)
    )
    audit.record_bulk(
        model=Organization,
        ids=[organization.pk for organization in created],
        actor=imported_by,
        note=IMPORTED,
    )
    return len(created)
