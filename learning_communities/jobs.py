"""Background job handlers of this app, registered in apps.py (see csa_portal.jobs)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from csa_portal.jobs import JobError, lasting_write
from csa_portal.models import Job

from .files import save_report_file
from .models import LearningCommunity, Report
from .report_files import render_xlsx
from .reports import community_report, program_report
from .services.reports import compute_network_snapshot


def _date(job: Job, name: str) -> date | None:
    value = job.params.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise JobError(_("The job's dates are not valid.")) from exc


def _community(job: Job) -> LearningCommunity:
    community = LearningCommunity.objects.filter(pk=job.params.get("community")).first()
    if community is None:
        raise JobError(_("The community no longer exists."))
    return community


def run_network(job: Job, report) -> dict:
    community = _community(job) if job.params.get("community") else None
    on = _date(job, "on")
    if on is None:
        raise JobError(_("The job's dates are not valid."))
    report(10, _("Reading the ties"))
    snapshot = compute_network_snapshot(
        community=community, on=on, compared_to=_date(job, "compared_to")
    )
    url = (
        reverse("learning_communities:network", args=[community.pk])
        if community
        else reverse("learning_communities:program")
    )
    return {"snapshot": snapshot.pk, "url": url, **snapshot.data["summary"]}


def build_report(
    *,
    community: LearningCommunity | None,
    start: date,
    end: date,
    built_by=None,
    progress=lambda percent, message="": None,
    keep: Callable[[], AbstractContextManager] = nullcontext,
) -> Report:
    """Build and keep a community report (community given) or the program results report.

    The PDF is not drawn here: WeasyPrint's layout of a ten-page report takes seconds of CPU
    (93% of the job before), so services.ensure_report_pdf draws it from the kept data on its
    first download and keeps the file for the next ones."""
    if community is not None:
        data = community_report(community, start, end, progress)
        kind = Report.Kind.COMMUNITY
    else:
        data = program_report(start, end, progress)
        kind = Report.Kind.PROGRAM
    progress(85, _("Writing the workbook"))
    built = Report(
        kind=kind,
        community=community,
        period_start=start,
        period_end=end,
        data=data,
        built_by=built_by,
    )
    built.xlsx_file = save_report_file(render_xlsx(data), "xlsx")
    with keep():  # a job's run keeps its report only while it still owns the job
        built.save()
    return built


def _period(job: Job) -> tuple[date, date]:
    start, end = _date(job, "start"), _date(job, "end")
    if start is None or end is None or end < start:
        raise JobError(_("The report's period is not valid."))
    return start, end


def run_community_report(job: Job, report) -> dict:
    community = _community(job)
    start, end = _period(job)
    built = build_report(
        community=community,
        start=start,
        end=end,
        built_by=job.created_by,
        progress=report,
        keep=lambda: lasting_write(job),
    )
    return {"report": built.pk, "url": built.get_absolute_url()}


def run_program_report(job: Job, report) -> dict:
    start, end = _period(job)
    built = build_report(
        community=None,
        start=start,
        end=end,
        built_by=job.created_by,
        progress=report,
        keep=lambda: lasting_write(job),
    )
    return {"report": built.pk, "url": built.get_absolute_url()}
