"""Attachments, served only to those allowed to see the application or grant."""

import mimetypes

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from ..access import get_application_attachment_for_user, get_report_attachment_for_user
from ..uploads import attachment_path


def _serve(attachment) -> FileResponse:
    path = attachment_path(attachment.file)
    if path is None:
        raise Http404
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    inline = content_type.startswith("image/")  # everything else downloads, never renders
    return FileResponse(
        path.open("rb"),
        as_attachment=not inline,
        filename=attachment.name or path.name,
        content_type=content_type,
    )


@require_safe
@login_required
def application_file(request, pk, file_pk):
    return _serve(get_application_attachment_for_user(request, pk, file_pk))


@require_safe
@login_required
def report_file(request, pk, report_pk, file_pk):
    return _serve(get_report_attachment_for_user(request, pk, report_pk, file_pk))
