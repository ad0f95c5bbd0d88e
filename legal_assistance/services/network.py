"""Law firms and their lawyers."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from csa_portal.models import User

from ..models import FirmPracticeArea, LawFirm, Lawyer, LegalArea
from . import LegalError

FIRM_FIELDS = (
    "name",
    "city",
    "state",
    "reference_hourly_rate",
    "yearly_pledged_hours",
    "contact_name",
    "contact_email",
    "contact_phone",
    "is_active",
)


def _set_areas(firm: LawFirm, areas: list[str]) -> None:
    unknown = set(areas) - set(LegalArea.values)
    if unknown or not areas:
        raise LegalError(_("Choose at least one practice area."))
    firm.areas.exclude(area__in=areas).delete()
    have = set(firm.areas.values_list("area", flat=True))
    FirmPracticeArea.objects.bulk_create(
        [FirmPracticeArea(firm=firm, area=area) for area in areas if area not in have]
    )


@transaction.atomic
def save_firm(*, firm: LawFirm | None, fields: dict[str, Any], areas: list[str]) -> LawFirm:
    """Create (firm=None) or change a firm; `fields` are FIRM_FIELDS, `areas` LegalArea values."""
    firm = firm or LawFirm()
    for name in FIRM_FIELDS:
        if name in fields:
            setattr(firm, name, fields[name])
    firm.save()
    _set_areas(firm, list(areas))
    return firm


@transaction.atomic
def add_lawyer(
    *, firm: LawFirm, email: str, display_name: str, practice_areas: list[str]
) -> Lawyer:
    """Give the lawyer role to a login (made when the email has none yet).

    A new login has no usable password: the lawyer sets one through "forgot your password".
    """
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email, None, display_name=display_name.strip())
    elif user.is_program_staff:
        raise LegalError(_("Program staff cannot be lawyers of a firm."))
    existing = Lawyer.objects.filter(user=user).select_related("firm").first()
    if existing is not None and existing.firm_id != firm.pk:
        raise LegalError(
            _("%(email)s is already a lawyer of %(firm)s.")
            % {"email": user.email, "firm": existing.firm.name}
        )
    lawyer = existing or Lawyer(user=user, firm=firm)
    lawyer.practice_areas = [a for a in LegalArea.values if a in set(practice_areas)]
    lawyer.is_active = True
    lawyer.save()
    return lawyer


@transaction.atomic
def update_lawyer(*, lawyer: Lawyer, practice_areas: list[str], is_active: bool) -> Lawyer:
    lawyer.practice_areas = [a for a in LegalArea.values if a in set(practice_areas)]
    lawyer.is_active = is_active
    lawyer.save(update_fields=["practice_areas", "is_active"])
    return lawyer
