"""The organization import with hostile files, and exports that neutralize formulas.

Uploading only previews (writes nothing); confirming imports every row or none. Whatever was
imported, the CSV and XLSX exports start no cell with a formula prefix.
"""

from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import TestCase
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from csa_portal.models import Job
from organizations.columns import COLUMNS, FORMULA_PREFIXES, PHONE_NUMBER
from organizations.exports import export_rows, write_csv, write_xlsx
from organizations.models import Organization

from .hostile import FORMULAS, hostile_text, invalid_utf8

# A valid row, column by column; examples replace some cells with hostile ones.
GOOD = {"name": "Colectivo Nuevo", "state": "SON", "sector": "cso", "municipality": "Hermosillo"}

encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"])


def _csv_bytes(header: list[str], rows: list[list[str]], encoding: str, delimiter: str) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows([header, *rows])
    return out.getvalue().encode(encoding, errors="replace")


@st.composite
def hostile_files(draw) -> tuple[str, bytes]:
    header = list(GOOD) + draw(st.lists(st.sampled_from(COLUMNS), max_size=3, unique=True))
    header = list(dict.fromkeys(header))
    rows = []
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        cells = {h: GOOD.get(h, "") for h in header}
        for column in draw(st.lists(st.sampled_from(header), max_size=3)):
            cells[column] = draw(hostile_text)
        rows.append([cells[h] for h in header])
    body = _csv_bytes(header, rows, draw(encodings), draw(st.sampled_from([",", ";", "\t"])))
    mangle = draw(st.sampled_from(["none", "bytes", "nul", "bom", "truncate", "xlsx"]))
    if mangle == "bytes":
        body += draw(invalid_utf8)
    elif mangle == "nul":
        body = body.replace(b",", b"\x00,", 1)
    elif mangle == "bom":
        body = b"\xef\xbb\xbf\xef\xbb\xbf" + body
    elif mangle == "truncate":
        body = body[: draw(st.integers(min_value=0, max_value=len(body)))]
    name = "organizaciones.xlsx" if mangle == "xlsx" else "organizaciones.csv"
    return name, body  # an .xlsx that is really CSV text: a broken workbook


def _upload_and_confirm(client, name: str, body: bytes):
    before = Organization.objects.count()
    response = client.post(
        reverse("organizations:import"), {"file": SimpleUploadedFile(name, body, "text/csv")}
    )
    assert response.status_code == 200
    assert Organization.objects.count() == before, "a preview wrote organizations"
    preview = response.context.get("preview")
    token = response.context.get("token")
    if not token:
        return preview
    # The job is enqueued on commit: run it here (the test's transaction never commits).
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("organizations:import_confirm"), {"token": token})
    assert response.status_code == 302
    added = Organization.objects.count() - before
    assert added in {0, preview.total}, "the import was partly written"
    return preview


@given(file=hostile_files())
def test_hostile_import_files_never_break_the_import_or_write_half(cast, client_for, file) -> None:
    client = client_for(cast.staff)
    with transaction.atomic():
        _upload_and_confirm(client, *file)
        transaction.set_rollback(True)


def _assert_neutral(cell) -> None:
    if isinstance(cell, str) and cell.startswith(FORMULA_PREFIXES):
        assert PHONE_NUMBER.fullmatch(cell), f"an export starts a cell with a formula: {cell!r}"


@given(
    value=st.one_of(st.sampled_from(FORMULAS), st.sampled_from("=+-@\t\r").map(lambda p: p + "1"))
)
def test_imported_formulas_are_neutralized_in_every_export(cast, client_for, value) -> None:
    client = client_for(cast.staff)
    header = ["name", "acronym", "state", "municipality", "mission", "phone"]
    row = [f"Colectivo {value}", value, "SON", value, value, value]
    with transaction.atomic():
        _upload_and_confirm(client, "formulas.csv", _csv_bytes(header, [row], "utf-8", ","))
        # Whatever got in (the form may refuse some cells), store the values directly too.
        Organization.objects.filter(pk=cast.org.pk).update(mission=value, acronym=value[:20])
        text = io.StringIO()
        write_csv(export_rows(Organization.objects.all()), text)
        for cells in csv.reader(io.StringIO(text.getvalue())):
            for cell in cells:
                _assert_neutral(cell)
        binary = io.BytesIO()
        write_xlsx(export_rows(Organization.objects.all()), binary)
        sheet = load_workbook(io.BytesIO(binary.getvalue()), read_only=True).worksheets[0]
        for cells in sheet.iter_rows(values_only=True):
            for cell in cells:
                _assert_neutral(cell)
        transaction.set_rollback(True)


def test_a_good_file_with_bom_and_formulas_imports_whole_and_exports_neutralized(
    cast, client_for
) -> None:
    # Guards the fuzz tests above: hostile-looking cells that are valid text do get through.
    header = ["name", "state", "mission", "phone"]
    rows = [
        ["=Colectivo Uno", "SON", '=HYPERLINK("http://x")', "+52 55 1234 5678"],
        ["@Colectivo Dos", "Sonora", "-2+3", ""],
    ]
    before = Organization.objects.count()
    _upload_and_confirm(
        client_for(cast.staff), "bom.csv", _csv_bytes(header, rows, "utf-8-sig", ";")
    )
    assert Organization.objects.count() == before + 2
    text = io.StringIO()
    write_csv(export_rows(Organization.objects.filter(name__contains="Colectivo ")), text)
    exported = list(csv.DictReader(io.StringIO(text.getvalue())))
    by_name = {row["name"]: row for row in exported}
    assert by_name["'=Colectivo Uno"]["mission"] == '\'=HYPERLINK("http://x")'
    assert by_name["'=Colectivo Uno"]["phone"] == "+52 55 1234 5678"
    assert by_name["'@Colectivo Dos"]["mission"] == "'-2+3"


@given(token=st.one_of(hostile_text, st.sampled_from(["../../etc/passwd", "0" * 32 + ".csv/.."])))
def test_hostile_confirm_tokens_are_refused_and_write_nothing(cast, client_for, token) -> None:
    client = client_for(cast.staff)
    before = (Organization.objects.count(), Job.objects.count())
    response = client.post(reverse("organizations:import_confirm"), {"token": token})
    assert response.status_code == 400
    assert (Organization.objects.count(), Job.objects.count()) == before
