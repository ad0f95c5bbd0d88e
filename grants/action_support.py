"""Grant applications shown on the improvement-plan actions they serve (organizations' plan page)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from organizations.action_support import SupportLink

from .models import GrantApplication


def applications_serving(action_ids: list[int]):
    """One query for all the actions of a plan page."""
    through = GrantApplication.serves_actions.through
    rows = (
        through.objects.filter(action_id__in=action_ids)
        .select_related("grantapplication")
        .order_by("grantapplication__created_at")
    )
    for row in rows:
        application = row.grantapplication
        label = _("Grant application: %(title)s (%(status)s)") % {
            "title": application.title,
            "status": application.get_status_display(),
        }
        yield (
            row.action_id,
            SupportLink(label=label, url=reverse("grants:application", args=[application.pk])),
        )
