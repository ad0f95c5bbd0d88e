"""The weekly rebuild of active communities' reports (run by Celery beat)."""

from __future__ import annotations

from django.utils import timezone

from .models import LearningCommunity
from .services.reports import start_community_report


def rebuild_active_community_reports() -> list[str]:
    today = timezone.localdate()
    started = []
    for community in LearningCommunity.objects.active().filter(start__lte=today).order_by("pk"):
        end = min(today, community.end) if community.end else today
        job = start_community_report(
            community=community, start=community.start, end=end, requested_by=None
        )
        started.append(str(job.pk))
    return started
