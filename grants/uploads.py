"""Attachments of applications and reports, stored outside static files under names of ours.

Files are checked by content (organizations.uploads.check_evidence: size limit, PDF, office
documents and images only) and served only through permission-checked views.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from organizations.uploads import UploadRejected, check_evidence

__all__ = ["UploadRejected", "attachment_path", "check_attachment", "store_attachment"]

TOKEN = re.compile(r"^[0-9a-f]{32}\.(pdf|png|jpg|gif|docx|xlsx|pptx|odt|ods|doc|xls|ppt)$")


def folder() -> Path:
    path = Path(settings.MEDIA_ROOT) / "grants"
    path.mkdir(parents=True, exist_ok=True)
    return path


def check_attachment(upload: UploadedFile) -> str:
    """The extension the file will be stored under; raises UploadRejected with a reason."""
    return check_evidence(upload)


def store_attachment(upload: UploadedFile) -> str:
    token = f"{uuid.uuid4().hex}.{check_attachment(upload)}"
    with (folder() / token).open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return token


def attachment_path(token: str) -> Path | None:
    if not TOKEN.match(token or ""):
        return None
    path = folder() / token
    return path if path.is_file() else None
