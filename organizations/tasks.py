"""Thin Celery adapters for this app: ids in, services out."""

from celery import shared_task

from csa_portal.tasks import RETRY_TRANSIENT

from . import scoring
from .services.medians import refresh_cohort_medians


@shared_task(acks_late=True, name="organizations.tasks.score_assessment", **RETRY_TRANSIENT)
def score_assessment_task(assessment_id: int) -> int:
    written = scoring.score_assessment(assessment_id)
    # A newly validated assessment moves the cohort medians the scores page shows.
    refresh_cohort_medians()
    return written


@shared_task(acks_late=True, name="organizations.tasks.refresh_cohort_medians", **RETRY_TRANSIENT)
def refresh_cohort_medians_task() -> int:
    return refresh_cohort_medians()


@shared_task(name="organizations.tasks.nightly_recompute_scores", **RETRY_TRANSIENT)
def nightly_recompute_scores() -> str:
    from csa_portal.jobs import start_job

    return str(start_job(kind="organizations.recompute_scores", created_by=None).pk)
