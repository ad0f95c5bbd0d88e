"""The legal assistance app's part of the privacy registries (csa_portal.privacy)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from csa_portal.models import User
from csa_portal.privacy import Kept, register_anonymizer, register_personal_data

from .models import CaseMessage, CaseNote, HoursEntry, LawFirm, Lawyer, LegalCase


def collect(user: User) -> dict[str, list[dict]]:
    # Case contents stay out of the archive: they are the organization's confidential matter;
    # the person's own part (their profile, the hours they logged, what they wrote) is in.
    return {
        "lawyer_profile": list(
            Lawyer.objects.filter(user=user).values(
                "firm__name", "practice_areas", "is_active", "created_at"
            )
        ),
        "legal_hours_logged": list(
            HoursEntry.objects.filter(lawyer__user=user).values(
                "case_id", "worked_on", "hours", "description", "created_at"
            )
        ),
        "legal_cases_requested": list(
            LegalCase.objects.filter(created_by=user).values(
                "id", "organization__name", "subject", "status", "opened_on"
            )
        ),
        "case_notes_written": list(
            CaseNote.objects.filter(author=user).values("case_id", "text", "created_at")
        ),
        "case_messages_written": list(
            CaseMessage.objects.filter(author=user).values("case_id", "text", "created_at")
        ),
    }


def anonymize(*, user: User, token: str) -> list[Kept]:
    lawyers = Lawyer.objects.filter(user=user).update(is_active=False)
    hours = HoursEntry.objects.filter(lawyer__user=user).count()
    firm_contacts = LawFirm.objects.filter(contact_email__iexact=user.email).update(
        contact_name=token, contact_email="", contact_phone=""
    )
    entries = (
        CaseNote.objects.filter(author=user).count()
        + CaseMessage.objects.filter(author=user).count()
    )
    cases = LegalCase.objects.filter(created_by=user).count()
    return [
        Kept(
            section=_("Pro bono lawyer profile"),
            records=lawyers,
            action=Kept.DETACHED,
            reason=_("Closed and kept without a name, so the firm's hours stay attributed."),
        ),
        Kept(
            section=_("Legal hours logged"),
            records=hours,
            action=Kept.DETACHED,
            reason=_(
                "Kept with their hours and rates: they are the program's pro bono value figures."
            ),
        ),
        Kept(
            section=_("Law firm contact"),
            records=firm_contacts,
            action=Kept.ANONYMIZED,
            reason=_("The firm's contact name, email and phone were erased."),
        ),
        Kept(
            section=_("Legal case records"),
            records=cases + entries,
            action=Kept.DETACHED,
            reason=_(
                "Kept: case files are held under the lawyers' professional duty of secrecy and "
                "record-keeping. They now show a code instead of the author."
            ),
        ),
    ]


def register() -> None:
    register_personal_data(name="legal_assistance", collect=collect, order=40)
    register_anonymizer(name="legal_assistance", anonymize=anonymize, order=40)
