import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from csa_portal.rendering import render

from ..access import get_job_for_user
from ..jobs import job_files_dir, job_kind, retry_job


def _job_context(job) -> dict:
    kind = job_kind(job.kind)
    return {
        "job": job,
        "kind_label": kind.label if kind else job.kind,
        "result_template": kind.result_template if kind else "",
    }


@require_safe
@login_required
def job_detail(request, job_id):
    job = get_job_for_user(request, job_id)
    return render(request, "jobs/detail.html", _job_context(job))


@require_safe
@login_required
def job_progress(request, job_id):
    """The fragment htmx polls; it stops polling once the job has finished."""
    job = get_job_for_user(request, job_id)
    return render(request, "jobs/_progress.html", _job_context(job))


@require_POST
@login_required
def job_retry(request, job_id):
    job = get_job_for_user(request, job_id)
    retry_job(job=job)
    messages.info(request, _("The job was queued again."))
    return redirect("job_detail", job_id=job.pk)


@require_safe
@login_required
def job_download(request, job_id):
    job = get_job_for_user(request, job_id)
    if not job.result_file:
        raise Http404
    # The stored name comes from our own handler, but never trust it for a path anyway.
    directory = job_files_dir(job)
    path = (directory / job.result_file).resolve()
    if path.parent != directory.resolve() or not path.is_file():
        raise Http404
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=path.name, content_type=content_type
    )
