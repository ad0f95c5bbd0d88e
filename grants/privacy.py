"""The grants app's part of the privacy registries (csa_portal.privacy)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from csa_portal.models import User
from csa_portal.privacy import Kept, register_anonymizer, register_personal_data

from .models import GrantApplication, GrantReport


def _applications(user: User):
    return GrantApplication.objects.filter(Q(created_by=user) | Q(submitted_by=user))


def collect(user: User) -> dict[str, list[dict]]:
    return {
        "grant_applications_authored": list(
            _applications(user).values(
                "id",
                "organization__name",
                "title",
                "status",
                "requested_amount",
                "currency",
                "created_at",
                "submitted_at",
            )
        ),
        "grant_reports_submitted": list(
            GrantReport.objects.filter(submitted_by=user).values(
                "grant__application__title", "kind", "due_date", "status", "submitted_at"
            )
        ),
    }


def anonymize(*, user: User, token: str) -> list[Kept]:
    # Nothing to rewrite here: the records point to the login, which csa_portal anonymizes.
    applications = _applications(user).count()
    reports = GrantReport.objects.filter(submitted_by=user).count()
    return [
        Kept(
            section=_("Grant applications authored"),
            records=applications,
            action=Kept.DETACHED,
            reason=_(
                "Kept: they are the basis of grants and their financial records, which tax law "
                "(Código Fiscal de la Federación, art. 30) and the funder's audit rules require "
                "keeping for at least five years. They now show a code instead of the author."
            ),
        ),
        Kept(
            section=_("Grant reports submitted"),
            records=reports,
            action=Kept.DETACHED,
            reason=_(
                "Kept with their amounts as financial records the law requires; they now show a "
                "code instead of who submitted them."
            ),
        ),
    ]


def register() -> None:
    register_personal_data(name="grants", collect=collect, order=30)
    register_anonymizer(name="grants", anonymize=anonymize, order=30)
