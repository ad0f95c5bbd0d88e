"""Thin Celery adapters for this app."""

from celery import shared_task

from csa_portal.tasks import RETRY_TRANSIENT


@shared_task(name="learning_communities.tasks.weekly_community_reports", **RETRY_TRANSIENT)
def weekly_community_reports() -> list[str]:
    """Rebuild the report of every active community, from its start to today (or its end)."""
    from .weekly import rebuild_active_community_reports

    return rebuild_active_community_reports()
