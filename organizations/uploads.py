"""Import files kept between the preview and the confirmed import, outside static files.

The stored name is ours (a random id plus the checked extension); the uploaded name is never
used for a path.
"""

import re
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

TOKEN_PATTERN = re.compile(r"^[0-9a-f]{32}\.(csv|xlsx)$")


def imports_dir() -> Path:
    path = settings.MEDIA_ROOT / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_upload(upload: UploadedFile) -> str:
    extension = "xlsx" if upload.name.lower().endswith(".xlsx") else "csv"
    token = f"{uuid.uuid4().hex}.{extension}"
    with (imports_dir() / token).open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return token


def path_for_token(token: str) -> Path | None:
    if not TOKEN_PATTERN.match(token or ""):
        return None
    path = imports_dir() / token
    return path if path.is_file() else None


# Evidence and attachment files: checked by content, not by their name.
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
SIGNATURES = {
    b"%PDF-": "pdf",
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpg",
    b"GIF87a": "gif",
    b"GIF89a": "gif",
    b"PK\x03\x04": "office",  # docx, xlsx, pptx, odt … are zip containers
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "office",  # legacy doc, xls
}
OFFICE_EXTENSIONS = {"docx", "xlsx", "pptx", "odt", "ods", "doc", "xls", "ppt"}
EVIDENCE_TOKEN = re.compile(r"^[0-9a-f]{32}\.(pdf|png|jpg|gif|docx|xlsx|pptx|odt|ods|doc|xls|ppt)$")


class UploadRejected(ValueError):
    pass


def sniff_kind(head: bytes) -> str | None:
    for signature, kind in SIGNATURES.items():
        if head.startswith(signature):
            return kind
    return None


def check_evidence(upload: UploadedFile) -> str:
    """The extension we will store the file under; raise UploadRejected with a reason."""
    from django.utils.translation import gettext as _

    if upload.size > EVIDENCE_MAX_BYTES:
        raise UploadRejected(_("The file is larger than 10 MB."))
    head = upload.read(16)
    upload.seek(0)
    kind = sniff_kind(head)
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if kind is None:
        raise UploadRejected(_("Only PDF, office documents and images are accepted."))
    if kind == "office":
        if extension not in OFFICE_EXTENSIONS:
            raise UploadRejected(_("Only PDF, office documents and images are accepted."))
    else:
        extension = kind
    return extension


def private_folder(name: str) -> Path:
    """A folder under MEDIA_ROOT (DATA_DIR/media): never served as static files."""
    path = Path(settings.MEDIA_ROOT) / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_checked_upload(upload: UploadedFile, folder: str) -> str:
    """Check an upload by content, store it in private_folder(folder) under a random name of
    ours and return that name (the uploaded name is never used for a path)."""
    token = f"{uuid.uuid4().hex}.{check_evidence(upload)}"
    with (private_folder(folder) / token).open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return token


def stored_upload_path(folder: str, token: str) -> Path | None:
    """The file a stored name points at, or None for a name we could not have made."""
    if not EVIDENCE_TOKEN.match(token or ""):
        return None
    path = private_folder(folder) / token
    return path if path.is_file() else None


def save_evidence(upload: UploadedFile) -> str:
    """Store a checked evidence file under a name of ours and return that name."""
    return store_checked_upload(upload, "evidence")


def evidence_path(token: str) -> Path | None:
    return stored_upload_path("evidence", token)
