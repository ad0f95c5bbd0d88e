"""Background jobs: a registry of kinds, services to start and retry them, and the runner.

Apps register a handler per kind from their AppConfig.ready(). A handler receives the Job and a
`report(percent, message)` callable and returns the job's result dict; it raises JobError with a
readable message for failures the user can act on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Job, User

logger = logging.getLogger(__name__)

Reporter = Callable[[int, str], None]


class JobError(Exception):
    """A failure whose message is shown to the user as the reason the job failed."""


@dataclass(frozen=True)
class JobKind:
    name: str
    label: object  # a lazy translated string
    handler: Callable[[Job, Reporter], dict]
    # Optional template that describes a finished job's result (it gets `job` in its context).
    result_template: str = ""


_KINDS: dict[str, JobKind] = {}


def register_job_kind(
    *, name: str, label, handler: Callable[[Job, Reporter], dict], result_template: str = ""
) -> None:
    _KINDS[name] = JobKind(name=name, label=label, handler=handler, result_template=result_template)


def job_kind(name: str) -> JobKind | None:
    return _KINDS.get(name)


def job_files_dir(job: Job) -> Path:
    path = settings.MEDIA_ROOT / "jobs" / str(job.id)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _enqueue_on_commit(job: Job) -> None:
    from .tasks import run_job_task

    job_id = str(job.id)
    transaction.on_commit(lambda: run_job_task.delay(job_id))


@transaction.atomic
def start_job(*, kind: str, created_by: User | None, params: dict | None = None) -> Job:
    if kind not in _KINDS:
        raise ValueError(f"Unknown job kind {kind!r}")
    job = Job.objects.create(kind=kind, created_by=created_by, params=params or {})
    _enqueue_on_commit(job)
    return job


@transaction.atomic
def retry_job(*, job: Job) -> Job:
    """Put a failed job back in the queue with its original parameters."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.status != Job.Status.FAILED:
        return job
    job.status = Job.Status.QUEUED
    job.progress = 0
    job.message = ""
    job.error = ""
    job.queued_at = timezone.now()
    job.started_at = None
    job.finished_at = None
    job.save()
    _enqueue_on_commit(job)
    return job


def reconcile_jobs() -> int:
    """Re-enqueue jobs still queued long after they were sent: their broker message was lost."""
    stale_after = timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS)
    count = 0
    for job in Job.objects.stale_queued(stale_after).only("id"):
        with transaction.atomic():
            updated = Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
                queued_at=timezone.now()
            )
            if updated:
                _enqueue_on_commit(job)
                count += 1
    if count:
        logger.warning("Re-enqueued %s job(s) whose broker message was lost", count)
    return count


def _claim(job_id: str) -> Job | None:
    """Mark the job running, unless it is finished or another worker is on it right now."""
    stale_after = timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS)
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return None
        running_elsewhere = (
            job.status == Job.Status.RUNNING
            and job.started_at is not None
            and job.started_at > timezone.now() - stale_after
        )
        if running_elsewhere:
            return None
        job.status = Job.Status.RUNNING
        job.attempts += 1
        job.started_at = timezone.now()
        job.save(update_fields=["status", "attempts", "started_at"])
        return job


def run_job(job_id: str) -> None:
    job = _claim(job_id)
    if job is None:
        return
    kind = _KINDS.get(job.kind)

    def report(percent: int, message: str = "") -> None:
        Job.objects.filter(pk=job.pk).update(
            progress=max(0, min(100, int(percent))), message=message[:255]
        )

    try:
        if kind is None:
            raise JobError(_("This kind of job is no longer available."))
        result = kind.handler(job, report)
    except JobError as exc:
        _finish(job, status=Job.Status.FAILED, error=str(exc))
    except Exception as exc:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        reason = _("An unexpected error stopped the job (%(error)s). You can retry it.") % {
            "error": exc.__class__.__name__
        }
        _finish(job, status=Job.Status.FAILED, error=reason)
    else:
        _finish(job, status=Job.Status.SUCCEEDED, result=result or {})


def _finish(job: Job, *, status: str, result: dict | None = None, error: str = "") -> None:
    fields = {"status": status, "error": error, "finished_at": timezone.now()}
    if result is not None:
        fields["result"] = result
        fields["progress"] = 100
        fields["result_file"] = result.get("file", "")
        fields["result_url"] = result.get("url", "")
    Job.objects.filter(pk=job.pk).update(**fields)
