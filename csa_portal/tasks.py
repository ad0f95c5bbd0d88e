"""Thin Celery adapters: take ids, call the job runner."""

from celery import shared_task

from . import jobs


@shared_task(acks_late=True, name="csa_portal.tasks.run_job")
def run_job_task(job_id: str) -> None:
    jobs.run_job(job_id)


@shared_task(name="csa_portal.tasks.reconcile_jobs")
def reconcile_jobs() -> int:
    return jobs.reconcile_jobs()
