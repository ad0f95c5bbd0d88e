"""Case documents on disk: checked by content (organizations.uploads.check_evidence), stored
under DATA_DIR/media/legal_assistance/ with a random name of ours, never served as static."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from organizations.uploads import UploadRejected, check_evidence

__all__ = ["UploadRejected", "delete_document", "document_path", "save_document"]

STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(pdf|png|jpg|gif|docx|xlsx|pptx|odt|ods|doc|xls|ppt)$")


def _folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "legal_assistance"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_document(upload: UploadedFile) -> str:
    """Store a checked upload and return its stored name; raise UploadRejected with a reason."""
    stored_name = f"{uuid.uuid4().hex}.{check_evidence(upload)}"
    with (_folder() / stored_name).open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return stored_name


def document_path(stored_name: str) -> Path | None:
    if not STORED_NAME.match(stored_name or ""):
        return None
    path = _folder() / stored_name
    return path if path.is_file() else None


def delete_document(stored_name: str) -> None:
    path = document_path(stored_name)
    if path is not None:
        path.unlink(missing_ok=True)
