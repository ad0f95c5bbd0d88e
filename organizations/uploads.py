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
