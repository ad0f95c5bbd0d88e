"""Scoped fetch helpers for the cross-cutting records."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from .jobs import job_kind
from .models import Job


def get_job_for_user(request: HttpRequest, job_id) -> Job:
    """A job is seen by the person who asked for it and by admins; others get 404. The person
    who asked gets 403 once they no longer hold the permission its kind takes (a staff member
    whose role was removed keeps no access to an export of the directory), or when its kind is
    no longer known."""
    try:
        job = Job.objects.visible_to(request.user).get(pk=job_id)
    except (Job.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    kind = job_kind(job.kind)
    if not request.user.is_superuser and (
        kind is None or not request.user.has_perm(kind.permission)
    ):
        raise PermissionDenied
    return job


def require_program_staff(request: HttpRequest) -> None:
    if not request.user.is_program_staff:
        raise PermissionDenied
