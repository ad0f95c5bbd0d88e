"""Scoped fetch helpers for the cross-cutting records."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from .models import Job


def get_job_for_user(request: HttpRequest, job_id) -> Job:
    """A job is seen by the person who asked for it and by admins; others get 404."""
    try:
        return Job.objects.visible_to(request.user).get(pk=job_id)
    except (Job.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def require_program_staff(request: HttpRequest) -> None:
    if not request.user.is_program_staff:
        raise PermissionDenied
