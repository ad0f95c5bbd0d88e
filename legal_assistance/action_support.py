"""Legal cases shown on the improvement-plan actions they serve (organizations' plan page).

Only the area and status: whoever sees the plan may not see the case's confidential details.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from organizations.action_support import SupportLink

from .models import LegalCase


def cases_serving(action_ids: list[int]):
    """One query for all the actions of a plan page."""
    cases = LegalCase.objects.filter(serves_action_id__in=action_ids).order_by("pk")
    for case in cases:
        label = _("Legal assistance: %(area)s (%(status)s)") % {
            "area": case.get_area_display(),
            "status": case.get_status_display(),
        }
        yield (
            case.serves_action_id,
            SupportLink(label=label, url=reverse("legal_assistance:case", args=[case.pk])),
        )
