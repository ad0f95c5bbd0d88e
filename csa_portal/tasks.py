"""Thin Celery adapters: take ids, call the job runner."""

from importlib import import_module

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from . import jobs, security

# A database that restarts or a connection that drops is worth another try, later and later
# (2 s, 4 s, 8 s … at most 5 minutes apart, with jitter), a bounded number of times; anything
# else is a bug or bad data, which retrying does not fix. A job whose retries run out is still
# not lost: its row stays queued or running, and the reconciler sends it again.
RETRY_TRANSIENT = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(acks_late=True, name="csa_portal.tasks.run_job", **RETRY_TRANSIENT)
def run_job_task(job_id: str) -> None:
    jobs.run_job(job_id)


# Not retried: beat sends the next one within a minute anyway.
@shared_task(name="csa_portal.tasks.reconcile_jobs")
def reconcile_jobs() -> int:
    return jobs.reconcile_jobs()


@shared_task(name="csa_portal.tasks.prune_security_events")
def prune_security_events() -> int:
    return security.prune_security_events(older_than_days=settings.SECURITY_EVENT_RETENTION_DAYS)


# Expired sessions stay in their table until removed (Django's clearsessions): one row per
# login, every day, for as long as the program runs.
@shared_task(name="csa_portal.tasks.clear_expired_sessions")
def clear_expired_sessions() -> None:
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
