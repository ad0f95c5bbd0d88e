"""Background jobs: the runner, retries, the reconciler and the pages that follow a job."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from csa_portal import jobs
from csa_portal.jobs import (
    JobError,
    JobKind,
    job_files_dir,
    reconcile_jobs,
    retry_job,
    run_job,
    start_job,
)
from csa_portal.models import Job, ProgramRole, User

KIND = "tests.recorder"
# Staff hold it (the test jobs are started by staff, as the real kinds are).
PERMISSION = "organizations.manage_directory"


class Recorder:
    """A job kind for these tests: records each run, and fails or succeeds as told."""

    def __init__(self):
        self.runs: list[str] = []
        self.fail_with: Exception | None = None

    def __call__(self, job: Job, report) -> dict:
        self.runs.append(str(job.pk))
        report(40, "halfway there")
        assert Job.objects.get(pk=job.pk).progress == 40
        if self.fail_with is not None:
            raise self.fail_with
        return {"answer": 42}


@pytest.fixture
def recorder(monkeypatch) -> Recorder:
    handler = Recorder()
    monkeypatch.setitem(
        jobs._KINDS,
        KIND,
        JobKind(name=KIND, label="Test job", handler=handler, permission=PERMISSION),
    )
    return handler


def make_job(user, **fields) -> Job:
    return Job.objects.create(kind=KIND, created_by=user, **fields)


# --- start, run, finish --------------------------------------------------------------------


def test_start_job_runs_the_handler_after_commit(
    cast, recorder, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(kind=KIND, created_by=cast.staff, params={"x": 1})
        assert recorder.runs == []  # nothing runs before the commit

    job.refresh_from_db()
    assert recorder.runs == [str(job.pk)]
    assert job.status == Job.Status.SUCCEEDED
    assert (job.progress, job.result, job.attempts, job.params) == (
        100,
        {"answer": 42},
        1,
        {"x": 1},
    )
    assert job.started_at is not None and job.finished_at >= job.started_at


def test_a_rolled_back_start_enqueues_nothing(cast, recorder, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        start_job(kind=KIND, created_by=cast.staff)
        raise RuntimeError("the request failed")
    assert callbacks == []
    assert recorder.runs == []
    assert not Job.objects.exists()


def test_start_job_refuses_an_unknown_kind(cast):
    with pytest.raises(ValueError):
        start_job(kind="no.such.kind", created_by=cast.staff)
    assert not Job.objects.exists()


def test_a_job_error_is_kept_as_the_readable_reason(cast, recorder):
    recorder.fail_with = JobError("Row 7 has no name.")
    job = make_job(cast.staff)

    run_job(str(job.pk))

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == "Row 7 has no name."
    assert job.finished_at is not None


def test_an_unexpected_error_fails_the_job_without_leaking_details(cast, recorder):
    recorder.fail_with = KeyError("secret internals")
    job = make_job(cast.staff)

    run_job(str(job.pk))

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "KeyError" in job.error
    assert "secret internals" not in job.error


def test_a_job_of_an_unknown_kind_fails_with_a_reason(cast):
    job = Job.objects.create(kind="removed.kind", created_by=cast.staff)
    run_job(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error


@pytest.mark.parametrize("status", [Job.Status.SUCCEEDED, Job.Status.FAILED])
def test_run_job_on_a_finished_job_does_nothing(cast, recorder, status):
    finished_at = timezone.now() - timedelta(hours=1)
    job = make_job(cast.staff, status=status, attempts=1, finished_at=finished_at, error="e")

    run_job(str(job.pk))

    job.refresh_from_db()
    assert recorder.runs == []
    assert (job.status, job.attempts, job.finished_at, job.error) == (status, 1, finished_at, "e")


def test_run_job_leaves_a_job_another_worker_is_running(cast, recorder):
    job = make_job(cast.staff, status=Job.Status.RUNNING, started_at=timezone.now(), attempts=1)
    run_job(str(job.pk))
    job.refresh_from_db()
    assert recorder.runs == []
    assert (job.status, job.attempts) == (Job.Status.RUNNING, 1)


def test_run_job_takes_over_a_job_whose_worker_died(cast, recorder, settings):
    settings.JOB_STALE_AFTER_SECONDS = 60
    started = timezone.now() - timedelta(minutes=5)
    job = make_job(cast.staff, status=Job.Status.RUNNING, started_at=started, attempts=1)

    run_job(str(job.pk))

    job.refresh_from_db()
    assert recorder.runs == [str(job.pk)]
    assert (job.status, job.attempts) == (Job.Status.SUCCEEDED, 2)


def test_run_job_ignores_a_job_that_no_longer_exists(recorder, db):
    run_job("00000000-0000-0000-0000-000000000000")
    assert recorder.runs == []


# --- retry and reconcile -------------------------------------------------------------------


def test_retry_requeues_a_failed_job_and_runs_it_again(
    cast, recorder, django_capture_on_commit_callbacks
):
    job = make_job(
        cast.staff,
        status=Job.Status.FAILED,
        error="boom",
        progress=30,
        attempts=1,
        queued_at=timezone.now() - timedelta(hours=1),
        finished_at=timezone.now(),
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queued = retry_job(job=job)
    assert (queued.status, queued.error, queued.progress, queued.finished_at) == (
        Job.Status.QUEUED,
        "",
        0,
        None,
    )
    assert queued.queued_at > timezone.now() - timedelta(minutes=1)
    assert len(callbacks) == 1

    callbacks[0]()
    job.refresh_from_db()
    assert recorder.runs == [str(job.pk)]
    assert (job.status, job.attempts) == (Job.Status.SUCCEEDED, 2)


@pytest.mark.parametrize("status", [Job.Status.QUEUED, Job.Status.RUNNING, Job.Status.SUCCEEDED])
def test_retry_leaves_a_job_that_did_not_fail(
    cast, recorder, django_capture_on_commit_callbacks, status
):
    job = make_job(cast.staff, status=status)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        retry_job(job=job)
    assert callbacks == []
    job.refresh_from_db()
    assert job.status == status


def test_reconcile_requeues_only_stale_queued_jobs(
    cast, recorder, settings, django_capture_on_commit_callbacks
):
    settings.JOB_STALE_AFTER_SECONDS = 60
    long_ago = timezone.now() - timedelta(minutes=10)
    lost = make_job(cast.staff, queued_at=long_ago)
    fresh = make_job(cast.staff)
    running = make_job(cast.staff, status=Job.Status.RUNNING, queued_at=long_ago)
    done = make_job(cast.staff, status=Job.Status.SUCCEEDED, queued_at=long_ago)

    with django_capture_on_commit_callbacks(execute=True):
        count = reconcile_jobs()

    assert count == 1
    assert recorder.runs == [str(lost.pk)]
    lost.refresh_from_db()
    assert lost.status == Job.Status.SUCCEEDED
    for job, status in ((fresh, "queued"), (running, "running"), (done, "succeeded")):
        job.refresh_from_db()
        assert job.status == status


def test_reconcile_moves_the_queued_time_so_a_job_is_not_sent_twice(
    cast, recorder, settings, django_capture_on_commit_callbacks
):
    settings.JOB_STALE_AFTER_SECONDS = 60
    lost = make_job(cast.staff, queued_at=timezone.now() - timedelta(minutes=10))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert reconcile_jobs() == 1
        assert reconcile_jobs() == 0  # the first pass re-stamped it

    assert len(callbacks) == 1
    lost.refresh_from_db()
    assert lost.queued_at > timezone.now() - timedelta(minutes=1)


def test_the_celery_tasks_are_thin_adapters(cast, recorder, settings):
    from csa_portal import tasks

    settings.JOB_STALE_AFTER_SECONDS = 60
    job = make_job(cast.staff)
    tasks.run_job_task(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert tasks.reconcile_jobs() == 0


# --- pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "polls"),
    [
        (Job.Status.QUEUED, True),
        (Job.Status.RUNNING, True),
        (Job.Status.SUCCEEDED, False),
        (Job.Status.FAILED, False),
    ],
)
def test_the_progress_fragment_polls_only_while_the_job_is_unfinished(
    cast, recorder, client_for, status, polls
):
    job = make_job(cast.staff, status=status, progress=40)
    client = client_for(cast.staff)

    fragment = client.get(reverse("job_progress", args=[job.pk])).content.decode()
    page = client.get(reverse("job_detail", args=[job.pk])).content.decode()

    assert ("hx-trigger" in fragment) is polls
    assert (f'hx-get="{reverse("job_progress", args=[job.pk])}"' in fragment) is polls
    assert ("hx-trigger" in page) is polls
    assert "<html" not in fragment  # a fragment, not a page
    assert f'data-status="{status}"' in fragment
    assert 'value="40"' in fragment


def test_a_failed_job_page_offers_the_retry_button(cast, recorder, client_for):
    job = make_job(cast.staff, status=Job.Status.FAILED, error="The file has 2 problems.")
    html = client_for(cast.staff).get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "The file has 2 problems." in html
    assert f'action="{reverse("job_retry", args=[job.pk])}"' in html


def test_the_retry_view_requeues_and_runs_the_job(
    cast, recorder, client_for, django_capture_on_commit_callbacks
):
    job = make_job(cast.staff, status=Job.Status.FAILED, error="boom", attempts=1)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.staff).post(reverse("job_retry", args=[job.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    job.refresh_from_db()
    assert recorder.runs == [str(job.pk)]
    assert (job.status, job.error, job.attempts) == (Job.Status.SUCCEEDED, "", 2)


def test_an_admin_may_retry_someone_elses_job(
    cast, recorder, client_for, django_capture_on_commit_callbacks
):
    job = make_job(cast.staff, status=Job.Status.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(cast.admin).post(reverse("job_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED


def test_download_serves_the_jobs_file(cast, recorder, client_for):
    job = make_job(cast.staff, status=Job.Status.SUCCEEDED, result_file="report.csv")
    (job_files_dir(job) / "report.csv").write_bytes(b"a,b\r\n1,2\r\n")

    response = client_for(cast.staff).get(reverse("job_download", args=[job.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"a,b\r\n1,2\r\n"
    assert 'attachment; filename="report.csv"' in response["Content-Disposition"]
    assert response["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize("result_file", ["", "missing.csv", "../escape.csv", "/etc/passwd"])
def test_download_without_a_file_of_this_job_is_404(cast, recorder, client_for, result_file):
    job = make_job(cast.staff, status=Job.Status.SUCCEEDED, result_file=result_file)
    (job_files_dir(job).parent / "escape.csv").write_text("not yours")
    response = client_for(cast.staff).get(reverse("job_download", args=[job.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("view", ["job_detail", "job_progress", "job_download", "job_retry"])
def test_whoever_lost_the_role_loses_the_jobs_started_with_it(cast, recorder, client_for, view):
    """A staff member whose role was removed must not keep a program-wide export (403: they
    asked for the job, so it is no secret to them that it exists)."""
    job = make_job(cast.staff, status=Job.Status.FAILED, result_file="report.csv")
    (job_files_dir(job) / "report.csv").write_bytes(b"a,b\r\n")
    client = client_for(cast.staff)
    send = client.post if view == "job_retry" else client.get
    assert send(reverse(view, args=[job.pk])).status_code in (200, 302)

    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED)  # as before a retry
    User.objects.filter(pk=cast.staff.pk).update(program_role=ProgramRole.NONE)

    assert send(reverse(view, args=[job.pk])).status_code == 403
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED  # not queued again


def test_a_job_of_a_kind_no_longer_known_is_for_admins_only(cast, client_for):
    job = Job.objects.create(kind="tests.gone", created_by=cast.staff)
    assert client_for(cast.staff).get(reverse("job_detail", args=[job.pk])).status_code == 403
    assert client_for(cast.admin).get(reverse("job_detail", args=[job.pk])).status_code == 200


def test_a_malformed_job_id_is_404_not_500(cast, client_for):
    # The URL converter only accepts UUIDs; anything else never reaches the view.
    response = client_for(cast.staff).get("/jobs/not-a-uuid/")
    assert response.status_code == 404


# --- heartbeats: a running job whose worker died is taken over --------------------------------


def test_a_run_stamps_its_heartbeat_when_it_starts_and_at_every_report(cast, monkeypatch):
    beats = []

    def handler(job: Job, report) -> dict:
        beats.append(Job.objects.get(pk=job.pk).heartbeat_at)
        Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
        report(50, "halfway")
        beats.append(Job.objects.get(pk=job.pk).heartbeat_at)
        return {}

    monkeypatch.setitem(
        jobs._KINDS, KIND, JobKind(name=KIND, label="Test", handler=handler, permission=PERMISSION)
    )
    job = make_job(cast.staff)

    run_job(str(job.pk))

    job.refresh_from_db()
    assert beats[0] == job.started_at
    assert beats[1] > timezone.now() - timedelta(minutes=1)


def test_reconcile_requeues_running_jobs_whose_heartbeat_stopped(
    cast, recorder, settings, django_capture_on_commit_callbacks
):
    settings.JOB_STALE_AFTER_SECONDS = 60
    long_ago = timezone.now() - timedelta(minutes=10)
    running = {"status": Job.Status.RUNNING, "attempts": 1, "queued_at": long_ago}
    dead = make_job(cast.staff, **running, started_at=long_ago, heartbeat_at=long_ago, progress=30)
    from_before_heartbeats = make_job(cast.staff, **running, started_at=long_ago)
    alive = make_job(cast.staff, **running, started_at=long_ago, heartbeat_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert reconcile_jobs() == 2
        assert reconcile_jobs() == 0  # re-queued and re-stamped: not sent twice
    dead.refresh_from_db()
    assert (dead.status, dead.progress) == (Job.Status.QUEUED, 0)
    assert dead.queued_at > timezone.now() - timedelta(minutes=1)

    for callback in callbacks:
        callback()
    assert sorted(recorder.runs) == sorted([str(dead.pk), str(from_before_heartbeats.pk)])
    for job in (dead, from_before_heartbeats):
        job.refresh_from_db()
        assert (job.status, job.attempts) == (Job.Status.SUCCEEDED, 2)
    alive.refresh_from_db()
    assert (alive.status, alive.attempts) == (Job.Status.RUNNING, 1)


def test_run_job_leaves_a_long_running_job_whose_heartbeat_is_fresh(cast, recorder, settings):
    settings.JOB_STALE_AFTER_SECONDS = 60
    job = make_job(
        cast.staff,
        status=Job.Status.RUNNING,
        started_at=timezone.now() - timedelta(hours=1),
        heartbeat_at=timezone.now(),
        attempts=1,
    )
    run_job(str(job.pk))
    job.refresh_from_db()
    assert recorder.runs == []
    assert (job.status, job.attempts) == (Job.Status.RUNNING, 1)


@pytest.mark.parametrize("reports_after_takeover", [True, False])
def test_a_run_presumed_dead_cannot_write_over_the_run_that_took_over(
    cast, settings, monkeypatch, reports_after_takeover
):
    settings.JOB_STALE_AFTER_SECONDS = 60
    went_on = []

    def handler(job: Job, report) -> dict:
        report(10, "started")
        # This worker stalls past the limit; meanwhile another run claims the job.
        stalled = timezone.now() - timedelta(minutes=5)
        Job.objects.filter(pk=job.pk).update(heartbeat_at=stalled)
        assert jobs._claim(str(job.pk)) is not None
        if reports_after_takeover:
            report(90, "too late")
            went_on.append(True)
        return {"from": "the stalled run"}

    monkeypatch.setitem(
        jobs._KINDS, KIND, JobKind(name=KIND, label="Test", handler=handler, permission=PERMISSION)
    )
    job = make_job(cast.staff)

    run_job(str(job.pk))

    job.refresh_from_db()
    assert went_on == []  # a report after the takeover stops the stalled run
    assert (job.status, job.attempts, job.progress, job.message) == (
        Job.Status.RUNNING,
        2,
        10,
        "started",
    )
    assert (job.result, job.finished_at) == ({}, None)


# --- language: a worker speaks the language of whoever asked --------------------------------


@pytest.mark.parametrize(
    ("creator_language", "active", "expected"),
    [("en", "es", "en"), ("es", "en", "es"), (None, "en", "es")],
)
def test_a_job_runs_in_the_language_of_whoever_asked(
    cast, settings, monkeypatch, creator_language, active, expected
):
    settings.LANGUAGE_CODE = "es"
    seen = []

    def handler(job: Job, report) -> dict:
        seen.append(translation.get_language())
        report(50, translation.gettext("Writing organizations"))
        raise JobError(translation.gettext("This kind of job is no longer available."))

    monkeypatch.setitem(
        jobs._KINDS, KIND, JobKind(name=KIND, label="Test", handler=handler, permission=PERMISSION)
    )
    creator = None
    if creator_language:
        creator = cast.staff
        User.objects.filter(pk=creator.pk).update(preferred_language=creator_language)
    job = make_job(creator)

    with translation.override(active):  # whatever the worker process happens to speak
        run_job(str(job.pk))

    job.refresh_from_db()
    assert seen == [expected]
    english = expected == "en"
    assert job.message == ("Writing organizations" if english else "Guardando las organizaciones")
    assert job.error == (
        "This kind of job is no longer available."
        if english
        else "Este tipo de tarea ya no está disponible."
    )
