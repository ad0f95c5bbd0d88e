"""The compliance checklist: staff and the organization's leaders record each item's status."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from csa_portal import audit
from csa_portal.models import User
from organizations.models import Organization

from ..models import (
    ComplianceChange,
    ComplianceItem,
    ComplianceStatus,
    LegalCase,
    OrganizationCompliance,
)
from . import LegalError


@transaction.atomic
def update_compliance_item(
    *,
    organization: Organization,
    item: ComplianceItem,
    status: str,
    evidence: str,
    checked_on: date,
    case: LegalCase | None,
    by: User | None,
) -> OrganizationCompliance:
    """Set the current status of one item and keep the dated change in the history."""
    if status not in ComplianceStatus.values:
        raise LegalError(_("Choose one of the statuses."))
    if checked_on > timezone.localdate():
        raise LegalError(_("The date checked cannot be in the future."))
    if case is not None and case.organization_id != organization.pk:
        raise LegalError(_("The linked case must be one of this organization's cases."))
    fields = ("status", "evidence", "checked_on", "case")
    stored = (
        OrganizationCompliance.objects.select_related("case")
        .filter(organization=organization, item=item)
        .first()
    )
    before = audit.snapshot(stored, fields)
    row, created = OrganizationCompliance.objects.update_or_create(
        organization=organization,
        item=item,
        defaults={
            "status": status,
            "evidence": evidence.strip(),
            "checked_on": checked_on,
            "case": case,
            "updated_by": by,
        },
    )
    ComplianceChange.objects.create(
        organization=organization,
        item=item,
        status=status,
        checked_on=checked_on,
        changed_by=by,
    )
    # On the organization's History page; ComplianceChange stays the dated record of statuses
    # that the checklist's timeline reads.
    audit.record_change(
        obj=row,
        actor=by,
        action=audit.Action.CREATE if created else audit.Action.UPDATE,
        before=before,
        after=audit.snapshot(row, fields),
        root=organization,
        label=str(item),
    )
    return row
