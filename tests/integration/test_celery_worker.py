"""Background jobs run by a real Celery worker, through Redis, on PostgreSQL."""

from __future__ import annotations

import csv
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from csa_portal.jobs import job_files_dir, reconcile_jobs, start_job
from csa_portal.models import Job
from organizations.columns import COLUMNS
from organizations.models import Organization, OrganizationChange, Tier
from organizations.uploads import path_for_token, save_upload
from tests.personas import make_organization, speak_english
from tests.query_counts import LOGGED_IN

from .conftest import CeleryWorker

pytestmark = [pytest.mark.integration]

EXPORT_PARAMS = {"query": "", "format": "csv"}


def wait_for_job(job_id, worker: CeleryWorker, timeout: float = 60) -> Job:
    """Poll the Job row until it has finished; fail with the worker's log otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        job = Job.objects.get(pk=job_id)
        if job.is_finished:
            return job
        worker.assert_alive()
        if time.monotonic() > deadline:
            pytest.fail(
                f"Job {job.pk} ({job.kind}) is still {job.status} after {timeout}s "
                f"(progress {job.progress}%, attempts {job.attempts}).\n{worker.log()}",
                pytrace=False,
            )
        time.sleep(0.2)


def exported_rows(job: Job) -> list[list[str]]:
    path = job_files_dir(job) / job.result_file
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def assert_ran_in_worker(worker: CeleryWorker, count: int = 1) -> None:
    """The worker process took the task (not this process: the app is not eager)."""
    assert worker.tasks_run() == {"csa_portal.tasks.run_job": count}


def test_export_job_runs_in_the_worker(celery_worker, cast):
    tier = Tier.objects.get(number=1)
    for number in range(25):
        make_organization(f"Organización exportada {number:02d}", tier=tier, municipality="Ures")
    expected_names = sorted(Organization.objects.values_list("name", flat=True))

    job = start_job(kind="organizations.export", created_by=cast.staff, params=EXPORT_PARAMS)
    job = wait_for_job(job.pk, celery_worker)

    assert job.status == Job.Status.SUCCEEDED, job.error
    assert (job.progress, job.attempts, job.result_file) == (100, 1, "organizations.csv")
    rows = exported_rows(job)
    assert rows[0] == COLUMNS
    assert sorted(row[0] for row in rows[1:]) == expected_names
    assert job.result["rows"] == len(expected_names) == 27
    exported = {row[0]: dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]}
    assert exported["Organización exportada 07"]["tier"] == "1"
    assert exported["Organización exportada 07"]["municipality"] == "Ures"
    assert_ran_in_worker(celery_worker)


def test_import_job_creates_the_organizations(celery_worker, cast):
    content = (
        "name,state,tier,themes,populations,rfc,authorized_donee\n"
        "Colectivo Integración Uno,SON,2,youth;migration,women,CIU150101AB1,yes\n"
        "Colectivo Integración Dos,Chihuahua,,human-rights,,,no\n"
        "Colectivo Integración Tres,CDMX,3,,,,\n"
    ).encode()
    token = save_upload(SimpleUploadedFile("organizaciones.csv", content, "text/csv"))
    before = Organization.objects.count()

    job = start_job(kind="organizations.import", created_by=cast.staff, params={"token": token})
    job = wait_for_job(job.pk, celery_worker)

    assert job.status == Job.Status.SUCCEEDED, job.error
    assert (job.progress, job.result["created"]) == (100, 3)
    assert Organization.objects.count() == before + 3
    uno = Organization.objects.get(name="Colectivo Integración Uno")
    assert (uno.state, uno.tier.number, uno.rfc, uno.authorized_donee) == (
        "SON",
        2,
        "CIU150101AB1",
        True,
    )
    assert sorted(t.code for t in uno.thematic_areas.all()) == ["migration", "youth"]
    assert [p.code for p in uno.populations.all()] == ["women"]
    assert Organization.objects.get(name="Colectivo Integración Dos").state == "CHIH"
    assert Organization.objects.get(name="Colectivo Integración Tres").tier.number == 3
    assert OrganizationChange.objects.filter(note="imported", changed_by=cast.staff).count() == 3
    assert path_for_token(token) is None  # the upload is removed once imported
    assert_ran_in_worker(celery_worker)


def test_job_whose_message_was_lost_is_picked_up_after_reconcile(celery_worker, cast, settings):
    # The row says "queued" but no message was ever sent (e.g. Redis restarted meanwhile).
    long_ago = timezone.now() - timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS + 60)
    job = Job.objects.create(
        kind="organizations.export",
        created_by=cast.staff,
        params=EXPORT_PARAMS,
        status=Job.Status.QUEUED,
        queued_at=long_ago,
    )
    time.sleep(2)  # the worker is up and idle: nothing runs the job without a message
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.QUEUED, 0)

    assert reconcile_jobs() == 1
    job = wait_for_job(job.pk, celery_worker)

    assert job.status == Job.Status.SUCCEEDED, job.error
    assert (job.attempts, job.progress) == (1, 100)
    assert job.queued_at > long_ago
    rows = exported_rows(job)
    assert sorted(row[0] for row in rows[1:]) == sorted(
        Organization.objects.values_list("name", flat=True)
    )
    assert reconcile_jobs() == 0  # finished jobs are left alone
    assert_ran_in_worker(celery_worker)


def test_a_page_kept_before_the_worker_wrote_shows_what_it_wrote(celery_worker, cast, client_for):
    """Web and worker processes share the page cache's table versions (Redis): rows the worker
    writes make the page this process kept stale at once."""
    speak_english(cast.staff)
    client = client_for(cast.staff)
    client.get(reverse("home"))  # a browser that has its CSRF cookie
    directory = reverse("organizations:directory")
    client.get(directory)
    with CaptureQueriesContext(connection) as kept:
        assert "Colectivo del Trabajador" not in client.get(directory).text
    assert len(kept) == LOGGED_IN  # served from the page cache

    content = b"name,state\nColectivo del Trabajador,SON\n"
    token = save_upload(SimpleUploadedFile("organizaciones.csv", content, "text/csv"))
    job = start_job(kind="organizations.import", created_by=cast.staff, params={"token": token})
    assert wait_for_job(job.pk, celery_worker).status == Job.Status.SUCCEEDED
    assert_ran_in_worker(celery_worker)

    assert "Colectivo del Trabajador" in client.get(directory).text
