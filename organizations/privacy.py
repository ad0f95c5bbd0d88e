"""The organizations app's part of the privacy registries (csa_portal.privacy)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from csa_portal.models import User
from csa_portal.privacy import Kept, register_anonymizer, register_personal_data

from .models import Invitation, Membership, Person


def collect(user: User) -> dict[str, list[dict]]:
    return {
        "memberships": list(
            Membership.objects.filter(user=user).values(
                "organization__name", "role", "is_active", "created_at"
            )
        ),
        "person_records": list(
            Person.objects.filter(user=user).values(
                "id", "organization__name", "name", "position", "level", "email", "phone"
            )
        ),
        "invitations": list(
            Invitation.objects.filter(email__iexact=user.email).values(
                "organization__name", "role", "created_at", "expires_at", "accepted_at"
            )
        ),
    }


def anonymize(*, user: User, token: str) -> list[Kept]:
    people = Person.objects.filter(user=user).update(name=token, email="", phone="", position="")
    invitations = Invitation.objects.filter(email__iexact=user.email).update(
        email=f"{token}@anonymized.invalid"
    )
    memberships = Membership.objects.filter(user=user).update(is_active=False)
    return [
        Kept(
            section=_("Contact records in organizations"),
            records=people,
            action=Kept.ANONYMIZED,
            reason=_(
                "Name, position, email and phone erased; the record stays so the organization's "
                "staff counts and event attendance figures stay right."
            ),
        ),
        Kept(
            section=_("Invitations"),
            records=invitations,
            action=Kept.ANONYMIZED,
            reason=_("The invited email address was replaced by a code."),
        ),
        Kept(
            section=_("Organization memberships"),
            records=memberships,
            action=Kept.DETACHED,
            reason=_("Ended and kept without a name, for the program's participation counts."),
        ),
    ]


def register() -> None:
    register_personal_data(name="organizations", collect=collect, order=10)
    register_anonymizer(name="organizations", anonymize=anonymize, order=10)
