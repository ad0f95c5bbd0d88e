"""Scoped fetch helpers: 404 for outsiders (existence is not leaked), 403 for the wrong role.

Every object is reached through its organization: whoever cannot see the organization gets
404, whoever sees it without the permission asked for gets 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from .models import (
    ApplicationAttachment,
    Grant,
    GrantApplication,
    GrantReport,
    ReportAttachment,
    Tranche,
)

VIEW = "grants.view_grants"


def _check(request: HttpRequest, organization, perm: str) -> None:
    if not request.user.has_perm(VIEW, organization):
        raise Http404
    if perm != VIEW and not request.user.has_perm(perm, organization):
        raise PermissionDenied


def require_grants_staff(request: HttpRequest) -> None:
    """Program-wide grant pages are for staff; a logged-in CSO user gets 403."""
    if not request.user.has_perm("grants.manage"):
        raise PermissionDenied


def get_application_for_user(
    request: HttpRequest, pk: int, *, perm: str = VIEW
) -> GrantApplication:
    application = (
        GrantApplication.objects.select_related("organization__tier", "theme").filter(pk=pk).first()
    )
    if application is None:
        raise Http404
    _check(request, application.organization, perm)
    return application


def get_application_attachment_for_user(
    request: HttpRequest, application_pk: int, pk: int, *, perm: str = VIEW
) -> ApplicationAttachment:
    application = get_application_for_user(request, application_pk, perm=perm)
    attachment = application.attachments.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    attachment.application = application
    return attachment


def get_grant_for_user(request: HttpRequest, pk: int, *, perm: str = VIEW) -> Grant:
    grant = (
        Grant.objects.select_related("application__theme", "organization__tier")
        .filter(pk=pk)
        .first()
    )
    if grant is None:
        raise Http404
    _check(request, grant.organization, perm)
    return grant


def get_tranche_for_user(
    request: HttpRequest, grant_pk: int, pk: int, *, perm: str = "grants.manage"
) -> Tranche:
    grant = get_grant_for_user(request, grant_pk, perm=perm)
    tranche = grant.tranches.filter(pk=pk).first()
    if tranche is None:
        raise Http404
    tranche.grant = grant
    return tranche


def get_report_for_user(
    request: HttpRequest, grant_pk: int, pk: int, *, perm: str = VIEW
) -> GrantReport:
    grant = get_grant_for_user(request, grant_pk, perm=perm)
    report = grant.reports.filter(pk=pk).first()
    if report is None:
        raise Http404
    report.grant = grant
    return report


def get_report_attachment_for_user(
    request: HttpRequest, grant_pk: int, report_pk: int, pk: int
) -> ReportAttachment:
    report = get_report_for_user(request, grant_pk, report_pk)
    attachment = report.attachments.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    return attachment
