"""Case documents on disk: checked by content (organizations.uploads.check_evidence), stored
under DATA_DIR/media/legal_assistance/ with a random name of ours, never served as static."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import UploadedFile

from organizations.uploads import UploadRejected, store_checked_upload, stored_upload_path

__all__ = ["UploadRejected", "delete_document", "document_path", "save_document"]
FOLDER = "legal_assistance"


def save_document(upload: UploadedFile) -> str:
    """Store a checked upload and return its stored name; raise UploadRejected with a reason."""
    return store_checked_upload(upload, FOLDER)


def document_path(stored_name: str) -> Path | None:
    return stored_upload_path(FOLDER, stored_name)


def delete_document(stored_name: str) -> None:
    path = document_path(stored_name)
    if path is not None:
        path.unlink(missing_ok=True)
