"""Scoped fetch helpers for legal assistance: 404 for outsiders, 403 for the wrong role.

Who sees what of a case:
- full (the need, messages, notes, documents, hours): legal coordinators (superusers too), the
  lawyers of the firm the case is assigned to, and the organization's leaders;
- limited (organization, area, urgency, status, dates): program staff without the coordinator
  role, and the organization's other members;
- nothing (404): everyone else, including lawyers of other firms.
Every page that shows the full case writes a ConfidentialAccess row.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from organizations.models import Membership

from .models import CaseDocument, LawFirm, Lawyer, LegalCase


def lawyer_for(user) -> Lawyer | None:
    """The user's lawyer role, if active (an inactive lawyer or firm has no access)."""
    if not user.is_authenticated or not user.is_active:
        return None
    return Lawyer.objects.active().select_related("firm").filter(user=user).first()


@dataclass(frozen=True)
class CaseAccess:
    full: bool
    coordinator: bool = False
    leader: bool = False
    lawyer: Lawyer | None = None

    @property
    def can_write_messages(self) -> bool:
        return self.full

    @property
    def can_write_notes(self) -> bool:
        return self.coordinator or self.lawyer is not None


def case_access(user, case: LegalCase) -> CaseAccess | None:
    """What `user` may see of `case`; None when the case must not exist for them."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_legal_coordinator:
        return CaseAccess(full=True, coordinator=True)
    role = (
        Membership.objects.active()
        .filter(user=user, organization_id=case.organization_id)
        .values_list("role", flat=True)
        .first()
    )
    if role == Membership.Role.LEADER:
        return CaseAccess(full=True, leader=True)
    if case.firm_id is not None and not user.is_program_staff:
        lawyer = lawyer_for(user)
        if lawyer is not None and lawyer.firm_id == case.firm_id:
            return CaseAccess(full=True, lawyer=lawyer)
    if user.is_program_staff or role == Membership.Role.MEMBER:
        return CaseAccess(full=False)
    return None


def get_case_for_user(request: HttpRequest, pk: int) -> tuple[LegalCase, CaseAccess]:
    case = LegalCase.objects.select_related("organization__tier", "firm").filter(pk=pk).first()
    access = case_access(request.user, case) if case is not None else None
    if access is None:
        raise Http404
    return case, access


def get_case_with_full_access(request: HttpRequest, pk: int) -> tuple[LegalCase, CaseAccess]:
    case, access = get_case_for_user(request, pk)
    if not access.full:
        raise PermissionDenied
    return case, access


def get_case_for_coordinator(request: HttpRequest, pk: int) -> LegalCase:
    case, access = get_case_for_user(request, pk)
    if not access.coordinator:
        raise PermissionDenied
    return case


def get_case_for_lawyer(request: HttpRequest, pk: int) -> tuple[LegalCase, Lawyer]:
    """A case of the user's firm, for the lawyer's own actions (hours, the conflict check)."""
    case, access = get_case_for_user(request, pk)
    if access.lawyer is None:
        raise PermissionDenied
    return case, access.lawyer


def get_document_for_user(
    request: HttpRequest, case_pk: int, document_pk: int
) -> tuple[LegalCase, CaseDocument]:
    case, _access = get_case_with_full_access(request, case_pk)
    document = case.documents.filter(pk=document_pk).first()
    if document is None:
        raise Http404
    return case, document


def require_coordinator(request: HttpRequest) -> None:
    if not request.user.is_legal_coordinator:
        raise PermissionDenied


def require_program_staff(request: HttpRequest) -> None:
    """The network, reports and the compliance overview are program pages: others get 403."""
    if not request.user.is_program_staff:
        raise PermissionDenied


def require_lawyer(request: HttpRequest) -> Lawyer:
    lawyer = lawyer_for(request.user)
    if lawyer is None:
        raise PermissionDenied
    return lawyer


def get_firm_for_staff(request: HttpRequest, pk: int) -> LawFirm:
    require_program_staff(request)
    firm = LawFirm.objects.filter(pk=pk).first()
    if firm is None:
        raise Http404
    return firm


def get_lawyer_for_staff(request: HttpRequest, pk: int) -> Lawyer:
    require_program_staff(request)
    lawyer = Lawyer.objects.select_related("user", "firm").filter(pk=pk).first()
    if lawyer is None:
        raise Http404
    return lawyer
