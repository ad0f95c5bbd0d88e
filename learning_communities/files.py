"""Files of this app, kept under MEDIA_ROOT/learning_communities/ with names of our own.

Shared resources are checked by content (organizations.uploads.check_evidence); reports are
written by the report jobs. Nothing here is served as a static file: views check permissions.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile

from organizations.uploads import private_folder, store_checked_upload, stored_upload_path

RESOURCES = "learning_communities/resources"
OUTCOME_EVIDENCE = "learning_communities/evidence"
REPORTS = "learning_communities/reports"
REPORT_NAME = re.compile(r"^[0-9a-f]{32}\.(pdf|xlsx)$")


def save_resource_file(upload: UploadedFile) -> str:
    """Store a checked upload; raises organizations.uploads.UploadRejected with the reason."""
    return store_checked_upload(upload, RESOURCES)


def resource_path(token: str) -> Path | None:
    return stored_upload_path(RESOURCES, token)


def remove_resource_file(token: str) -> None:
    _remove(resource_path(token))


def save_outcome_evidence(upload: UploadedFile) -> str:
    """Store a checked upload; raises organizations.uploads.UploadRejected with the reason."""
    return store_checked_upload(upload, OUTCOME_EVIDENCE)


def outcome_evidence_path(token: str) -> Path | None:
    return stored_upload_path(OUTCOME_EVIDENCE, token)


def remove_outcome_evidence(token: str) -> None:
    _remove(outcome_evidence_path(token))


def _remove(path: Path | None) -> None:
    # Called on commit, once no row points at the file any more.
    if path is not None:
        path.unlink(missing_ok=True)


def save_report_file(content: bytes, extension: str) -> str:
    token = f"{uuid.uuid4().hex}.{extension}"
    (private_folder(REPORTS) / token).write_bytes(content)
    return token


def report_path(token: str) -> Path | None:
    if not REPORT_NAME.match(token or ""):
        return None
    path = private_folder(REPORTS) / token
    return path if path.is_file() else None


def remove_report_file(token: str) -> None:
    _remove(report_path(token))
