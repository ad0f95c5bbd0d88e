"""A real Celery worker builds a community report and a network, through Redis, on
PostgreSQL."""

from __future__ import annotations

import time
from datetime import date

import pytest

from csa_portal.models import Job
from learning_communities.files import report_path
from learning_communities.models import KeyIssue, NetworkSnapshot, Report
from learning_communities.reference_data import ensure_key_issues
from learning_communities.services import (
    AttendanceEntry,
    add_facilitator,
    ensure_report_pdf,
    record_attendance,
    record_collaboration,
    start_community_report,
    start_network_job,
)
from tests.learning_communities.helpers import event, small_world

from .conftest import CeleryWorker

pytestmark = [pytest.mark.integration]


def wait_for_job(job_id, worker: CeleryWorker, timeout: float = 90) -> Job:
    deadline = time.monotonic() + timeout
    while True:
        job = Job.objects.get(pk=job_id)
        if job.is_finished:
            return job
        worker.assert_alive()
        if time.monotonic() > deadline:
            pytest.fail(
                f"Job {job.pk} ({job.kind}) is still {job.status} after {timeout}s "
                f"(progress {job.progress}%).\n{worker.log()}",
                pytrace=False,
            )
        time.sleep(0.2)


def test_the_worker_builds_a_community_report_and_a_network(celery_worker, cast):
    ensure_key_issues(KeyIssue)  # flushed between transactional tests
    world = small_world(cast)
    workshop = event(world.community, date(2018, 5, 1), kind="workshop", title="Taller")
    add_facilitator(event=workshop, person=world.person)
    add_facilitator(event=workshop, person=world.expert)
    record_attendance(event=workshop, entries=[AttendanceEntry(person=world.colleague)])
    record_collaboration(
        first=cast.org,
        second=world.university,
        kind="information",
        since=date(2017, 1, 1),
        recorded_by=cast.staff,
    )

    report_job = start_community_report(
        community=world.community,
        start=date(2016, 1, 1),
        end=date(2020, 12, 31),
        requested_by=cast.staff,
    )
    network_job = start_network_job(
        community=world.community,
        on=date(2019, 1, 1),
        compared_to=date(2016, 6, 1),
        requested_by=cast.staff,
    )

    report_job = wait_for_job(report_job.pk, celery_worker)
    network_job = wait_for_job(network_job.pk, celery_worker)

    assert (report_job.status, report_job.progress) == (Job.Status.SUCCEEDED, 100), report_job.error
    report = Report.objects.get()
    assert report_job.result == {"report": report.pk, "url": report.get_absolute_url()}
    assert [e["title"] for e in report.data["events"]] == ["Taller"]
    assert report.data["attendance"][0]["organization"] == cast.org.name
    assert report.data["network"]["end"]["ties"] == 1
    # The PDF is drawn on its first download (learning_communities.jobs.build_report).
    assert report.pdf_file == ""
    assert report_path(ensure_report_pdf(report=report)).read_bytes().startswith(b"%PDF")
    assert report_path(report.xlsx_file).read_bytes().startswith(b"PK")

    assert network_job.status == Job.Status.SUCCEEDED, network_job.error
    snapshot = NetworkSnapshot.objects.get()
    assert snapshot.data["summary"]["ties"] == 1
    assert snapshot.comparison["new_ties"]  # none on 2016-06-01, one by 2019
    assert celery_worker.tasks_run() == {"csa_portal.tasks.run_job": 2}
