"""Background jobs: a registry of kinds, services to start and retry them, and the runner.

Apps register a handler per kind from their AppConfig.ready(). A handler receives the Job and a
`report(percent, message)` callable and returns the job's result dict; it raises JobError with a
readable message for failures the user can act on. Each report is also the job's heartbeat: a
handler must report more often than every JOB_STALE_AFTER_SECONDS, or the reconciler takes the
job for dead and another worker takes it over.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Job, JobQuerySet, User

logger = logging.getLogger(__name__)

Reporter = Callable[[int, str], None]


class JobError(Exception):
    """A failure whose message is shown to the user as the reason the job failed."""


class _Superseded(Exception):
    """This run was presumed dead and a newer run claimed the job: stop, leave no trace."""


@dataclass(frozen=True)
class JobKind:
    name: str
    label: object  # a lazy translated string
    handler: Callable[[Job, Reporter], dict]
    # The permission (without an object) that starting such a job takes: whoever asked for a
    # job must still hold it to follow the job, download its result or retry it, so a person
    # who loses the role loses the jobs started with it (csa_portal.access.get_job_for_user).
    permission: str
    # Optional template that describes a finished job's result (it gets `job` in its context).
    result_template: str = ""


_KINDS: dict[str, JobKind] = {}


def register_job_kind(
    *,
    name: str,
    label,
    handler: Callable[[Job, Reporter], dict],
    permission: str,
    result_template: str = "",
) -> None:
    _KINDS[name] = JobKind(
        name=name,
        label=label,
        handler=handler,
        permission=permission,
        result_template=result_template,
    )


def job_kind(name: str) -> JobKind | None:
    return _KINDS.get(name)


def job_files_dir(job: Job) -> Path:
    path = settings.MEDIA_ROOT / "jobs" / str(job.id)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _enqueue_on_commit(job: Job) -> None:
    _enqueue_ids_on_commit([str(job.id)])


def _enqueue_ids_on_commit(job_ids: list[str]) -> None:
    from .tasks import run_job_task

    def send() -> None:
        for job_id in job_ids:
            run_job_task.delay(job_id)

    # robust: with the broker down the request still succeeds (logged, not raised); the Job row
    # is committed as queued, and the reconciler sends it once the broker is back.
    transaction.on_commit(send, robust=True)


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
    job.heartbeat_at = None
    job.finished_at = None
    job.save()
    _enqueue_on_commit(job)
    return job


def reconcile_jobs() -> int:
    """Re-enqueue the jobs nobody is working on.

    Queued ones still waiting long after they were sent lost their broker message; running ones
    without a heartbeat for as long lost their worker (it died, or Redis restarted and took the
    unacknowledged message with it).
    """
    stale_after = timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS)
    with transaction.atomic():
        # Locked rows are skipped: a worker is claiming them, or another reconciler has them.
        stale = Job.objects.stale(stale_after).select_for_update(skip_locked=True)
        job_ids = [str(pk) for pk in stale.values_list("pk", flat=True)]
        if not job_ids:
            return 0
        # Back in the queue and re-stamped, so the next pass does not send them again; the next
        # claim takes over from a dead run (its attempt number makes the old run's writes void).
        Job.objects.filter(pk__in=job_ids).update(
            status=Job.Status.QUEUED, queued_at=timezone.now(), progress=0, message=""
        )
        _enqueue_ids_on_commit(job_ids)
    logger.warning("Re-enqueued %s job(s) whose message or worker was lost", len(job_ids))
    return len(job_ids)


def _claim(job_id: str) -> Job | None:
    """Mark the job running, unless it is finished or another worker is on it right now."""
    stale_after = timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS)
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return None
        now = timezone.now()
        last_sign_of_life = job.heartbeat_at or job.started_at
        running_elsewhere = (
            job.status == Job.Status.RUNNING
            and last_sign_of_life is not None
            and last_sign_of_life > now - stale_after
        )
        if running_elsewhere:
            return None
        job.status = Job.Status.RUNNING
        job.attempts += 1  # from here on, a run presumed dead can no longer write to the job
        job.started_at = now
        job.heartbeat_at = now
        job.save(update_fields=["status", "attempts", "started_at", "heartbeat_at"])
        return job


def run_job(job_id: str) -> None:
    job = _claim(job_id)
    if job is None:
        return
    # Progress messages and errors are read by whoever asked, in their language; a worker
    # process has no request to take a language from.
    creator = job.created_by if job.created_by_id else None
    language = (creator.preferred_language if creator else "") or settings.LANGUAGE_CODE
    with translation.override(language):
        _run(job)


def _this_run(job: Job) -> JobQuerySet:
    """The job's row while this run still owns it: a newer claim bumped the attempt number."""
    return Job.objects.filter(pk=job.pk, attempts=job.attempts)


def _run(job: Job) -> None:
    kind = _KINDS.get(job.kind)

    def report(percent: int, message: str = "") -> None:
        owned = _this_run(job).update(
            progress=max(0, min(100, int(percent))),
            message=message[:255],
            heartbeat_at=timezone.now(),
        )
        if not owned:
            raise _Superseded

    try:
        if kind is None:
            raise JobError(_("This kind of job is no longer available."))
        result = kind.handler(job, report)
    except _Superseded:
        logger.warning("Job %s (%s): a newer run took it over; this one stops", job.pk, job.kind)
    except (OperationalError, InterfaceError):
        # The database blinked: not the job's fault. Hand the job back and let the task retry
        # with backoff (csa_portal.tasks.RETRY_TRANSIENT) rather than fail it for good.
        _release(job)
        raise
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


@contextmanager
def lasting_write(job: Job) -> Iterator[None]:
    """Wrap a handler's lasting write (a report row, say) in this: it commits only while this run
    still owns the job, and refreshes the heartbeat so the job is not taken over just before it
    finishes. A run presumed dead that wakes up late then leaves no duplicate behind, and a run
    killed half-way through the write leaves nothing (its transaction never commits)."""
    with transaction.atomic():
        owned = _this_run(job).select_for_update().filter(status=Job.Status.RUNNING).exists()
        if not owned:
            raise _Superseded
        _this_run(job).update(heartbeat_at=timezone.now())
        yield


def _release(job: Job) -> None:
    """Put a run that hit a transient error back to queued, so its retry can claim it at once.

    If the database is still away this fails too; the row then stays running and the reconciler
    takes it over once its heartbeat is stale.
    """
    try:
        _this_run(job).update(
            status=Job.Status.QUEUED, queued_at=timezone.now(), started_at=None, heartbeat_at=None
        )
    except DatabaseError:
        logger.warning("Job %s (%s): could not hand the job back", job.pk, job.kind)


def _finish(job: Job, *, status: str, result: dict | None = None, error: str = "") -> None:
    fields = {"status": status, "error": error, "finished_at": timezone.now()}
    if result is not None:
        fields["result"] = result
        fields["progress"] = 100
        fields["result_file"] = result.get("file", "")
        fields["result_url"] = result.get("url", "")
    _this_run(job).update(**fields)
