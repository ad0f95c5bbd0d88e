"""Files of this app, kept under MEDIA_ROOT/learning_communities/ with names of our own.

Shared resources are checked by content (organizations.uploads.check_evidence); reports are
written by the report jobs. Nothing here is served as a static file: views check permissions.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from organizations.uploads import check_evidence

RESOURCE_NAME = re.compile(r"^[0-9a-f]{32}\.(pdf|png|jpg|gif|docx|xlsx|pptx|odt|ods|doc|xls|ppt)$")
REPORT_NAME = re.compile(r"^[0-9a-f]{32}\.(pdf|xlsx)$")


def _folder(name: str) -> Path:
    path = settings.MEDIA_ROOT / "learning_communities" / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_resource_file(upload: UploadedFile) -> str:
    """Store a checked upload; raises organizations.uploads.UploadRejected with the reason."""
    token = f"{uuid.uuid4().hex}.{check_evidence(upload)}"
    with (_folder("resources") / token).open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return token


def resource_path(token: str) -> Path | None:
    if not RESOURCE_NAME.match(token or ""):
        return None
    path = _folder("resources") / token
    return path if path.is_file() else None


def save_report_file(content: bytes, extension: str) -> str:
    token = f"{uuid.uuid4().hex}.{extension}"
    (_folder("reports") / token).write_bytes(content)
    return token


def report_path(token: str) -> Path | None:
    if not REPORT_NAME.match(token or ""):
        return None
    path = _folder("reports") / token
    return path if path.is_file() else None
