"""Background job handlers of this app, registered in apps.py."""

from django.conf import settings
from django.db import connection
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from csa_portal.jobs import JobError, job_files_dir
from csa_portal.models import Job
from csa_portal.parallel import run_batches

from .exports import export_rows, write_csv, write_xlsx
from .filters import OrganizationFilter, sort_queryset
from .imports import FileProblem, checked_file, forget_checked
from .models import Organization
from .services import import_organizations
from .uploads import path_for_token


def run_import(job: Job, report) -> dict:
    path = path_for_token(job.params.get("token", ""))
    if path is None:
        raise JobError(_("The uploaded file is no longer available. Upload it again."))
    report(5, _("Checking every row"))
    try:
        # The preview validated every row; only what can change since is checked again.
        preview = checked_file(path)
    except FileProblem as exc:
        raise JobError(str(exc)) from exc
    if not preview.is_valid:
        # The data changed since the preview (e.g. an RFC was added meanwhile): write nothing.
        first = preview.errors[0] if preview.errors else None
        detail = f" {_('Row')} {first.row}, {first.column}: {first.message}" if first else ""
        raise JobError(
            _("The file has %(count)s problem(s); nothing was imported.")
            % {"count": len(preview.errors)}
            + detail
        )
    report(50, _("Writing organizations"))
    created = import_organizations(rows=preview.rows, imported_by=job.created_by)
    path.unlink(missing_ok=True)
    forget_checked(path)
    return {"created": created, "url": reverse("organizations:directory")}


def run_export(job: Job, report) -> dict:
    params = QueryDict(job.params.get("query", ""))
    file_format = job.params.get("format", "csv")
    queryset = Organization.objects.visible_to(job.created_by) if job.created_by else None
    if queryset is None:
        raise JobError(_("The person who asked for this export no longer exists."))
    queryset = OrganizationFilter(params, queryset=queryset).qs
    queryset, _sort = sort_queryset(queryset, params.get("sort", "name"))
    total = queryset.count() or 1

    def progress(done: int) -> None:
        report(
            int(done * 95 / total), _("%(done)s of %(total)s rows") % {"done": done, "total": total}
        )

    name = f"organizations.{file_format}"
    path = job_files_dir(job) / name
    if file_format == "xlsx":
        with path.open("wb") as out:
            written = write_xlsx(export_rows(queryset), out, progress)
    else:
        with path.open("w", newline="", encoding="utf-8-sig") as out:
            written = write_csv(export_rows(queryset), out, progress)
    return {"file": name, "rows": written}


def _recompute_threads() -> int:
    """Batches go out on SCORES_RECOMPUTE_CONNECTIONS connections at once on PostgreSQL (one
    core per statement there). Inside a transaction (tests, a caller's atomic block) other
    connections would not see its rows, and SQLite takes one writer at a time: one, then."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return 1
    return settings.SCORES_RECOMPUTE_CONNECTIONS


def run_recompute_scores(job: Job, report) -> dict:
    from . import scoring

    chunks = scoring.assessment_id_chunks(settings.SCORES_RECOMPUTE_BATCH)
    changed = 0
    batches = run_batches(
        lambda chunk: scoring.recompute_scores(first_id=chunk[0], last_id=chunk[1]),
        chunks,
        threads=_recompute_threads(),
    )
    for index, written in enumerate(batches, start=1):
        changed += written
        report(
            index * 100 // len(chunks),
            _("%(done)s of %(total)s batches") % {"done": index, "total": len(chunks)},
        )
    # Once, after every batch: the stored cohort medians follow the new scores. They depend on
    # area scores and on tiers and participation, whose changes refresh them on their own.
    if changed:
        from .services.medians import refresh_cohort_medians

        refresh_cohort_medians()
    return {"scores": changed}
