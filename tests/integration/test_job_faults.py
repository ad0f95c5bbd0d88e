"""Faults survived, nothing lost: workers killed with kill -9 in the middle of a job, a Redis
restart with jobs queued, and a report job that fails and succeeds on retry.

The fault tests run on a Redis of their own (private_services.PrivateRedis), so restarting it or
leaving a killed worker's unacknowledged message behind touches nobody else. To stop a job in
the middle deterministically, the test holds PostgreSQL row locks the job needs: the worker
blocks there (pg_blocking_pids shows it), and is killed while it waits.
"""

from __future__ import annotations

import os
import signal
import time
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from csa_portal.jobs import reconcile_jobs, start_job
from csa_portal.models import Job
from learning_communities.files import REPORTS
from learning_communities.models import KeyIssue, LearningCommunity, Report
from learning_communities.reference_data import ensure_key_issues
from learning_communities.services import (
    AttendanceEntry,
    add_facilitator,
    record_attendance,
    start_community_report,
)
from organizations.models import AreaScore, Assessment
from tests.learning_communities.helpers import event, small_world
from tests.personas import speak_english

from .conftest import WORKER_KEY, CeleryWorker, start_worker
from .private_services import app_broker, wait_until
from .test_scoring_worker import _validated, institutional

pytestmark = [pytest.mark.integration]

# Short enough for a test to see the reconciler take over a dead run; the worker gets the same.
STALE_AFTER = 4
RECOMPUTE = "organizations.recompute_scores"


@pytest.fixture
def faults(request, transactional_db, settings, tmp_path, worker_queue, private_redis):
    """Start workers on the private Redis (this process sends there too); stop them all after."""
    settings.JOB_STALE_AFTER_SECONDS = STALE_AFTER
    started: list[CeleryWorker] = []

    def start(pool: str = "solo", **env: str) -> CeleryWorker:
        worker = start_worker(
            queue=worker_queue,
            log_path=tmp_path / "celery-workers.log",  # every worker of the test, in turn
            data_dir=settings.MEDIA_ROOT.parent,
            broker_url=private_redis.url,
            pool=pool,
            hostname=f"{worker_queue}-{len(started)}",
            env={"JOB_STALE_AFTER_SECONDS": str(STALE_AFTER), **env},
        )
        started.append(worker)
        request.node.stash[WORKER_KEY] = worker
        return worker

    with app_broker(private_redis.url):
        try:
            yield start
        finally:
            for worker in started:
                worker.stop()


class RowLocks:
    """Row locks held by a session of its own, so jobs started meanwhile are sent at once."""

    def __init__(self, table: str, ids: list | None = None) -> None:
        """Lock these rows of the table, or with no ids the whole table against writes."""
        import psycopg2

        self.conn = psycopg2.connect(**connection.get_connection_params())
        self.cursor = self.conn.cursor()
        if ids is None:
            self.cursor.execute(f"LOCK TABLE {table} IN SHARE MODE")
        else:
            self.cursor.execute(
                f"SELECT id FROM {table} WHERE id = ANY(%s) FOR UPDATE",  # noqa: S608 - our model
                [ids],
            )
        self.pid = self.conn.get_backend_pid()

    def blocked(self) -> int:
        """How many sessions wait for these locks."""
        with self.conn.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # activity is cached per transaction
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
                [self.pid],
            )
            return cursor.fetchone()[0]

    def release(self) -> None:
        self.conn.rollback()
        self.conn.close()


def job(job_id) -> Job:
    return Job.objects.get(pk=job_id)


def finish_with_reconciler(job_id, worker: CeleryWorker, timeout: float = 45) -> Job:
    """Run the reconciler as beat would (every pass), until the job has finished."""

    def finished() -> Job | None:
        worker.assert_alive()
        reconcile_jobs()
        current = job(job_id)
        return current if current.is_finished else None

    return wait_until(finished, f"job {job_id} to finish", timeout, log=worker.log)


def all_scores() -> dict:
    areas = {
        (s.assessment_id, s.area_id): s.score
        for s in AreaScore.objects.order_by("assessment_id", "area_id")
    }
    overall = dict(Assessment.objects.order_by("id").values_list("id", "overall_score"))
    return {"areas": areas, "overall": overall}


def test_a_worker_killed_in_the_middle_of_recompute_all_loses_nothing(faults, cast):
    framework, areas, _indicators = institutional()
    internal, strategic, _local = areas
    orgs = [cast.org, cast.other_org]
    for n in range(6):  # 6 assessments, batches of 2: three batches, each committed alone
        _validated(
            orgs[n % 2],
            framework,
            {
                **dict(
                    zip(
                        internal.indicators.order_by("position"),
                        [1 + (n + k) % 4 for k in range(4)],
                        strict=True,
                    )
                ),
                **dict.fromkeys(strategic.indicators.all(), 1 + n % 4),
            },
        )
    worker = faults(SCORES_RECOMPUTE_BATCH="2")

    # An undisturbed run first: the reference.
    undisturbed = start_job(kind=RECOMPUTE, created_by=cast.staff)
    wait_until(lambda: job(undisturbed.pk).is_finished, "the undisturbed run", 30, log=worker.log)
    undisturbed = job(undisturbed.pk)
    assert (undisturbed.status, undisturbed.attempts) == (Job.Status.SUCCEEDED, 1)
    expected = all_scores()
    assert len(expected["areas"]) == 12
    assert all(score is not None for score in expected["overall"].values())

    # Wipe the scores, then recompute again with the last batch's assessments locked: the
    # worker commits two batches, then waits on the third; it is killed while it waits.
    AreaScore.objects.all().delete()
    Assessment.objects.update(overall_score=None, scored_at=None)
    last_batch = list(Assessment.objects.order_by("-id").values_list("id", flat=True)[:2])
    locks = RowLocks(Assessment._meta.db_table, last_batch)
    try:
        disturbed = start_job(kind=RECOMPUTE, created_by=cast.staff)
        wait_until(
            lambda: job(disturbed.pk).progress >= 66 and locks.blocked(),
            "the worker to block on the third batch",
            30,
            log=worker.log,
        )
        half_done = job(disturbed.pk)
        assert (half_done.status, half_done.attempts) == (Job.Status.RUNNING, 1)
        assert 0 < AreaScore.objects.count() < 12  # two batches written, one not
        worker.kill()
    finally:
        locks.release()

    # The dead run's open transaction is rolled back; its message stays unacknowledged in Redis
    # (redelivered only after the visibility timeout), so the reconciler is what takes over:
    # the job's heartbeat goes stale, it is queued again, and a new worker finishes it.
    replacement = faults(SCORES_RECOMPUTE_BATCH="2")
    finished = finish_with_reconciler(disturbed.pk, replacement)

    assert (finished.status, finished.progress) == (Job.Status.SUCCEEDED, 100), finished.error
    assert finished.attempts == 2  # the killed run, then the one that finished
    assert all_scores() == expected
    assert reconcile_jobs() == 0  # nothing left for the reconciler


def community_with_history(cast) -> LearningCommunity:
    ensure_key_issues(KeyIssue)  # flushed between transactional tests
    world = small_world(cast)
    workshop = event(world.community, date(2018, 5, 1), kind="workshop", title="Taller")
    add_facilitator(event=workshop, person=world.person)
    record_attendance(event=workshop, entries=[AttendanceEntry(person=world.colleague)])
    return world.community


def report_job(community: LearningCommunity, cast, year: int = 2020) -> Job:
    return start_community_report(
        community=community, start=date(2016, 1, 1), end=date(year, 12, 31), requested_by=cast.staff
    )


def pool_children(worker: CeleryWorker) -> list[int]:
    pid = worker.process.pid
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(child) for child in text.split()]


def test_a_worker_killed_in_the_middle_of_a_community_report_loses_nothing(faults, cast):
    community = community_with_history(cast)
    # A prefork worker: kill -9 hits the pool process running the task; the worker notices,
    # hands the message back (reject on worker lost) and starts a new pool process.
    worker = faults(pool="prefork")

    undisturbed = report_job(community, cast)
    wait_until(
        lambda: job(undisturbed.pk).is_finished, "the undisturbed report", 45, log=worker.log
    )
    undisturbed = job(undisturbed.pk)
    assert undisturbed.status == Job.Status.SUCCEEDED, undisturbed.error
    reference = Report.objects.get(pk=undisturbed.result["report"])

    # With the reports' table locked against writes, the job renders its workbook,
    # then waits to insert the report row (before its commit: a kill then leaves nothing).
    locks = RowLocks(Report._meta.db_table)
    try:
        disturbed = report_job(community, cast)
        wait_until(
            lambda: job(disturbed.pk).progress >= 85 and locks.blocked(),
            "the report job to wait on its last write",
            45,
            log=worker.log,
        )
        (child,) = pool_children(worker)  # the process running the job
        os.kill(child, signal.SIGKILL)
        wait_until(lambda: child not in pool_children(worker), "the pool process to go")
    finally:
        locks.release()

    finished = finish_with_reconciler(disturbed.pk, worker)

    assert (finished.status, finished.progress) == (Job.Status.SUCCEEDED, 100), finished.error
    # The killed run, then at least one more: the pool's new process may take the handed-back
    # message, and the reconciler may take over a run that stayed silent too long.
    assert finished.attempts >= 2
    # One report per job, however the first run ended; the same content as undisturbed.
    assert Report.objects.count() == 2
    rebuilt = Report.objects.get(pk=finished.result["report"])
    assert rebuilt.data == reference.data
    assert worker.process.poll() is None  # the same worker carried on


def test_redis_restarted_with_jobs_queued_loses_nothing(faults, cast, private_redis):
    community = community_with_history(cast)
    worker = faults()

    # The worker is busy with a first report (held at its last write), so the next three
    # wait in Redis: prefetch 1, nothing else taken.
    locks = RowLocks(LearningCommunity._meta.db_table, [community.pk])
    try:
        busy = report_job(community, cast, 2020)
        wait_until(lambda: locks.blocked(), "the first job to hold the worker", 45, log=worker.log)
        queued = [report_job(community, cast, year) for year in (2017, 2018, 2019)]
        wait_until(
            lambda: private_redis.client().llen(worker.queue) == 3, "three messages in Redis"
        )
        private_redis.restart()  # a crash: every queued message is gone
        assert private_redis.client().llen(worker.queue) == 0
    finally:
        locks.release()
    wait_until(lambda: job(busy.pk).is_finished, "the first job", 30, log=worker.log)

    assert [job(j.pk).status for j in queued] == [Job.Status.QUEUED] * 3
    for lost in queued:
        finish_with_reconciler(lost.pk, worker)

    jobs = [job(j.pk) for j in [busy, *queued]]
    assert [j.status for j in jobs] == [Job.Status.SUCCEEDED] * 4, [j.error for j in jobs]
    assert [j.attempts for j in jobs] == [1, 1, 1, 1]  # each ran once
    # Exactly once in effect: one report per job, for the period it asked for.
    reports = Report.objects.order_by("period_end")
    assert [r.period_end.year for r in reports] == [2017, 2018, 2019, 2020]
    assert sorted(j.result["report"] for j in jobs) == sorted(r.pk for r in reports)
    assert reconcile_jobs() == 0
    time.sleep(1)  # a late duplicate message, if any, would run now
    assert Report.objects.count() == 4


def test_a_report_job_that_fails_says_why_and_succeeds_on_retry(faults, cast, settings, client_for):
    community = community_with_history(cast)
    worker = faults()
    # The reports' folder is taken by a file (a disk mishap): writing the PDF fails.
    blocker = Path(settings.MEDIA_ROOT) / REPORTS
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("not a folder")
    speak_english(cast.staff)

    failed = report_job(community, cast)
    wait_until(lambda: job(failed.pk).is_finished, "the report job", 45, log=worker.log)
    failed = job(failed.pk)
    assert failed.status == Job.Status.FAILED
    assert failed.error == (
        "An unexpected error stopped the job (FileExistsError). You can retry it."
    )
    client = client_for(cast.staff)
    page = client.get(reverse("job_detail", args=[failed.pk])).content.decode()
    assert failed.error in page
    assert "Traceback" not in page
    assert Report.objects.count() == 0

    blocker.unlink()  # fixed
    response = client.post(reverse("job_retry", args=[failed.pk]))
    assert response.status_code == 302
    wait_until(lambda: job(failed.pk).is_finished, "the retried job", 45, log=worker.log)
    retried = job(failed.pk)

    assert (retried.status, retried.error) == (Job.Status.SUCCEEDED, "")
    report = Report.objects.get()
    assert retried.result["report"] == report.pk
    page = client.get(reverse("job_detail", args=[failed.pk])).content.decode()
    assert report.get_absolute_url() in page
