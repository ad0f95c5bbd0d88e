"""This app's panels on the home page and an organization's page (see csa_portal.panels)."""

from __future__ import annotations

from django.utils import timezone

from csa_portal.panels import register_panel
from organizations.models import Membership

from .models import Grant, GrantApplication, GrantReport, Tranche
from .reads import with_overdue_counts

LIMIT = 10
# What the staff home shows of a grant (templates/grants/panels/home.html).
GRANT_COLUMNS = ("grant__currency", "grant__organization__name", "grant__application__title")
REPORT_COLUMNS = ("kind", "due_date", *GRANT_COLUMNS)


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
    """Four short lists, each read in index order and stopped after LIMIT rows (the indexes
    of grants.0002: waiting applications by (status, submitted_at, id), open reports by
    (due_date, id), unpaid tranches by (planned_date, id)); joins are then made for those rows
    only, whatever the size of the program. Only the columns the panel shows are read."""
    today = timezone.localdate()
    waiting = list(
        GrantApplication.objects.waiting_for_review()
        .select_related("organization")
        .only("title", "organization__name")
        .with_review_count()
        .order_by("submitted_at", "id")[:LIMIT]
    )
    to_accept = list(
        GrantReport.objects.filter(
            status=GrantReport.Status.SUBMITTED, grant__status=Grant.Status.ACTIVE
        )
        .select_related("grant__organization", "grant__application")
        .only(*REPORT_COLUMNS)
        .order_by("submitted_at", "id")[:LIMIT]
    )
    overdue_reports = list(
        GrantReport.objects.overdue(today)
        .select_related("grant__organization", "grant__application")
        .only(*REPORT_COLUMNS)
        .order_by("due_date", "id")[:LIMIT]
    )
    overdue_tranches = list(
        Tranche.objects.overdue(today)
        .select_related("grant__organization", "grant__application")
        .only("amount", "planned_date", *GRANT_COLUMNS)
        .order_by("planned_date", "id")[:LIMIT]
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
