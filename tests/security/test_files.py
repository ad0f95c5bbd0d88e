"""Uploaded and generated files: served only through views that check permission, as
attachments unless they are images, never sniffed by the browser; uploads checked by content.
"""

from __future__ import annotations

import inspect

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse

from legal_assistance.models import CaseDocument
from organizations.uploads import UploadRejected, check_evidence
from tests.csa_portal.test_authorization_matrix import MATRIX, URLS, World
from tests.matrix_support import PERSONAS

# Every view that answers with a file, and its matrix variant.
DOWNLOADS = {
    "job_download": "",
    "organizations:evidence": "",
    "grants:application_file": "",
    "grants:report_file": "",
    "legal_assistance:document": "",
    "learning_communities:resource_file": "",
    "learning_communities:outcome_evidence": "",
    "learning_communities:report_pdf": "",
    "learning_communities:report_xlsx": "",
}


def _file_views() -> set[str]:
    """Names of the URLs whose view builds a FileResponse (read from the view's source)."""
    names = set()

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                if pattern.namespace != "admin":
                    walk(
                        pattern.url_patterns,
                        f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix,
                    )
            elif pattern.name:
                source = inspect.getsource(inspect.unwrap(pattern.callback))
                if "FileResponse(" in source or "_serve(" in source:
                    names.add(f"{prefix}{pattern.name}")

    walk(get_resolver().url_patterns)
    return names


def test_every_file_view_is_checked_here() -> None:
    # Views that call a helper (the reports) are listed by hand; the walk catches new ones.
    found = _file_views()
    assert len(found) >= 5
    assert found <= set(DOWNLOADS)


def _allowed(name: str) -> str:
    row = next(r for r in MATRIX if r.name == name and r.method == "GET")
    return next(p for p, cell in zip(PERSONAS, row.expected, strict=True) if cell == 200)


@pytest.mark.parametrize("name", sorted(DOWNLOADS))
def test_files_are_attachments_never_sniffed_and_hidden_from_outsiders(
    name: str, world: World, client_for
) -> None:
    url = URLS[(name, DOWNLOADS[name])](world)
    response = client_for(world.user(_allowed(name))).get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body
    assert response["X-Content-Type-Options"] == "nosniff"
    assert not response["Content-Type"].startswith(("text/html", "image/svg"))
    if not response["Content-Type"].startswith("image/"):
        assert response["Content-Disposition"].startswith("attachment")
    for outsider in ("other_leader", "other_lawyer"):
        assert client_for(world.user(outsider)).get(url).status_code == 404
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
HTML = b"<html><script>alert(1)</script></html>"


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (EXE, "contrato.pdf"),
        (HTML, "acta.pdf"),
        (EXE, "foto.png"),
        (b"", "vacio.pdf"),
        (b"PK\x03\x04zip", "programa.exe"),
    ],
)
def test_uploads_are_checked_by_content_not_by_name(content: bytes, name: str) -> None:
    with pytest.raises(UploadRejected):
        check_evidence(SimpleUploadedFile(name or "sin-nombre", content, "application/pdf"))


def test_a_real_pdf_is_kept_as_pdf_whatever_its_name() -> None:
    upload = SimpleUploadedFile(
        "../../etc/passwd.exe", b"%PDF-1.4 acta", "application/x-msdownload"
    )
    assert check_evidence(upload) == "pdf"


def test_a_renamed_executable_posted_as_a_case_document_is_refused(
    world: World, client_for
) -> None:
    legal = world.extra["legal_assistance"]
    before = CaseDocument.objects.count()
    response = client_for(world.cast.lawyer).post(
        reverse("legal_assistance:add_document", args=[legal.working.pk]),
        {"file": SimpleUploadedFile("poder.pdf", EXE, "application/pdf"), "description": "Poder"},
    )
    assert response.status_code in {200, 302}
    assert CaseDocument.objects.count() == before
