"""This app's panels on the home page and an organization's page (see csa_portal.panels)."""

from __future__ import annotations

from django.db.models import Subquery
from django.utils import timezone

from csa_portal.panels import register_panel
from organizations.models import Membership

from .models import Grant, GrantApplication, GrantReport, Tranche
from .reads import with_overdue_counts

LIMIT = 10


def organization_panel(request, organization) -> dict | None:
    """The organization's grants and open applications: three queries with "may they apply?".

    The organization's page has already checked that the user sees the organization, and whoever
    sees it sees its grants (grants.view_grants is the same rule).
    """
    user = request.user
    today = timezone.localdate()
    grants = list(
        with_overdue_counts(Grant.objects.filter(organization=organization), today)
        .select_related("application")
        .order_by("-start_date", "-id")[:LIMIT]
    )
    applications = list(
        GrantApplication.objects.filter(organization=organization)
        .exclude(status=GrantApplication.Status.AWARDED)
        .order_by("-created_at", "-id")[:LIMIT]
    )
    return {
        "grants": grants,
        "applications": applications,
        "can_apply": user.has_perm("grants.apply", organization),
    }


def home_panel(request) -> dict | None:
    if request.user.is_program_staff:
        return _staff_home()
    return _cso_home(request.user)


def _staff_home() -> dict | None:
    today = timezone.localdate()
    first_waiting = GrantApplication.objects.waiting_for_review().order_by("submitted_at", "id")
    waiting = list(
        GrantApplication.objects.filter(pk__in=Subquery(first_waiting[:LIMIT].values("pk")))
        .select_related("organization")
        .with_review_count()
        .order_by("submitted_at", "id")
    )
    to_accept = list(
        GrantReport.objects.filter(
            status=GrantReport.Status.SUBMITTED, grant__status=Grant.Status.ACTIVE
        )
        .select_related("grant__organization", "grant__application")
        .order_by("submitted_at", "id")[:LIMIT]
    )
    # The first LIMIT rows are picked without the organization and application joins, which
    # then apply to those rows only: joined before the LIMIT, PostgreSQL hashed every
    # organization for each list (14 ms each at 10,000 organizations).
    first_reports = GrantReport.objects.overdue(today).order_by("due_date", "id")[:LIMIT]
    overdue_reports = list(
        GrantReport.objects.filter(pk__in=Subquery(first_reports.values("pk")))
        .select_related("grant__organization", "grant__application")
        .order_by("due_date", "id")
    )
    first_tranches = Tranche.objects.overdue(today).order_by("planned_date", "id")[:LIMIT]
    overdue_tranches = list(
        Tranche.objects.filter(pk__in=Subquery(first_tranches.values("pk")))
        .select_related("grant__organization", "grant__application")
        .order_by("planned_date", "id")
    )
    if not (waiting or to_accept or overdue_reports or overdue_tranches):
        return None
    return {
        "staff": True,
        "waiting": waiting,
        "to_accept": to_accept,
        "overdue_reports": overdue_reports,
        "overdue_tranches": overdue_tranches,
    }


def _cso_home(user) -> dict | None:
    memberships = Membership.objects.active().filter(user=user)
    organization_ids = memberships.values("organization_id")
    led_ids = memberships.filter(role=Membership.Role.LEADER).values("organization_id")
    today = timezone.localdate()
    grants = list(
        with_overdue_counts(
            Grant.objects.filter(organization_id__in=organization_ids, status=Grant.Status.ACTIVE),
            today,
        )
        .select_related("organization", "application")
        .order_by("end_date", "id")[:LIMIT]
    )
    drafts = list(
        GrantApplication.objects.filter(
            organization_id__in=led_ids, status__in=GrantApplication.EDITABLE
        )
        .select_related("organization")
        .order_by("-updated_at")[:LIMIT]
    )
    if not (grants or drafts):
        return None
    return {"staff": False, "grants": grants, "drafts": drafts}


def register() -> None:
    register_panel(
        page="organization",
        name="grants",
        order=30,
        template="grants/panels/organization.html",
        load=organization_panel,
    )
    register_panel(
        page="home",
        name="grants",
        order=30,
        template="grants/panels/home.html",
        load=home_panel,
    )
