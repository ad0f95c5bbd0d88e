"""Attachments of applications and reports, stored outside static files under names of ours.

Files are checked by content (organizations.uploads.check_evidence: size limit, PDF, office
documents and images only) and served only through permission-checked views.
"""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import UploadedFile

from organizations.uploads import (
    UploadRejected,
    check_evidence,
    private_folder,
    store_checked_upload,
    stored_upload_path,
)

__all__ = ["UploadRejected", "attachment_path", "check_attachment", "store_attachment"]
FOLDER = "grants"


def folder() -> Path:
    return private_folder(FOLDER)


def check_attachment(upload: UploadedFile) -> str:
    """The extension the file will be stored under; raises UploadRejected with a reason."""
    return check_evidence(upload)


def store_attachment(upload: UploadedFile) -> str:
    return store_checked_upload(upload, FOLDER)


def attachment_path(token: str) -> Path | None:
    return stored_upload_path(FOLDER, token)
