"""Exporting the filtered organization list as CSV or Excel, at once or as a background job."""

import csv
import io
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from csa_portal.models import Job
from organizations.columns import COLUMNS
from organizations.models import ThematicArea
from tests.personas import make_organization

FORMULAS = {
    "name": '=HYPERLINK("http://example.com","clic")',
    "acronym": "+SUMA",
    "municipality": "-1+2",
    "mission": "@SUM(A1:A9)",
}


@pytest.fixture
def organizations(cast):
    """Three organizations in Sonora (one with formula-like text), two in Coahuila."""
    make_organization("Fundación Sonora", state="SON", thematic_areas=_themes("youth"))
    make_organization(state="SON", rfc="FOR010101AB1", **FORMULAS)
    make_organization("Coahuila Unida", state="COAH")
    return cast


def _themes(*codes):
    return list(ThematicArea.objects.filter(code__in=codes))


def sonora_names() -> set[str]:
    return {"Red de Prueba por la Paz", "Fundación Sonora", "'" + FORMULAS["name"]}


def export(client, query: dict, file_format: str):
    return client.post(
        reverse("organizations:export"), {"query": urlencode(query), "format": file_format}
    )


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


def rows_of(file_format: str, content: bytes) -> list[list]:
    return csv_rows(content) if file_format == "csv" else xlsx_rows(content)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_contains_exactly_the_filtered_organizations(organizations, client_for, file_format):
    response = export(client_for(organizations.staff), {"state": "SON"}, file_format)

    assert response.status_code == 200
    assert f'filename="organizations.{file_format}"' in response["Content-Disposition"]
    header, *rows = rows_of(file_format, response.content)
    assert header == COLUMNS
    assert {row[0] for row in rows} == sonora_names()
    assert len(rows) == 3


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_follows_every_filter_of_the_directory(organizations, client_for, file_format):
    crime_prevention = ThematicArea.objects.get(code="crime-prevention")  # parent of "youth"
    response = export(
        client_for(organizations.staff),
        {"theme": crime_prevention.pk, "q": "sonora", "sort": "-name"},
        file_format,
    )
    _header, *rows = rows_of(file_format, response.content)
    assert [row[0] for row in rows] == ["Fundación Sonora"]
    assert rows[0][COLUMNS.index("themes")] == "youth"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_neutralizes_cells_a_spreadsheet_would_run(organizations, client_for, file_format):
    response = export(client_for(organizations.staff), {"q": "FOR010101AB1"}, file_format)

    _header, row = rows_of(file_format, response.content)
    for column, value in FORMULAS.items():
        assert row[COLUMNS.index(column)] == "'" + value
    assert row[COLUMNS.index("state")] == "SON"  # ordinary text is left alone
    assert row[COLUMNS.index("rfc")] == "FOR010101AB1"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_list_above_the_sync_limit_becomes_a_job_whose_download_is_the_file(
    organizations, client_for, settings, django_capture_on_commit_callbacks, file_format
):
    settings.EXPORT_SYNC_LIMIT = 1
    client = client_for(organizations.staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = export(client, {"state": "SON"}, file_format)

    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    assert (job.kind, job.created_by) == ("organizations.export", organizations.staff)
    assert job.params == {"query": "state=SON", "format": file_format}
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.result_file == f"organizations.{file_format}"
    assert job.result["rows"] == 3

    page = client.get(reverse("job_detail", args=[job.pk]))
    assert reverse("job_download", args=[job.pk]) in page.content.decode()
    download = client.get(reverse("job_download", args=[job.pk]))
    assert download.status_code == 200
    assert f'filename="organizations.{file_format}"' in download["Content-Disposition"]
    content = b"".join(download.streaming_content)  # reading to the end closes the file
    _header, *rows = rows_of(file_format, content)
    assert {row[0] for row in rows} == sonora_names()


def test_a_list_within_the_sync_limit_makes_no_job(organizations, client_for, settings):
    settings.EXPORT_SYNC_LIMIT = 3
    response = export(client_for(organizations.staff), {"state": "SON"}, "csv")
    assert response.status_code == 200
    assert not Job.objects.exists()


def test_an_unknown_format_falls_back_to_csv(organizations, client_for):
    response = export(client_for(organizations.staff), {}, "pdf")
    assert response["Content-Type"].startswith("text/csv")
    _header, *rows = csv_rows(response.content)
    assert len(rows) == 5


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_keeps_international_phone_numbers_as_they_are(cast, client_for, file_format):
    make_organization("Colectivo Telefónico", rfc="TEL010101AB1", phone="+52 (55) 1234-5678")

    response = export(client_for(cast.staff), {"q": "TEL010101AB1"}, file_format)

    _header, row = rows_of(file_format, response.content)
    assert row[COLUMNS.index("phone")] == "+52 (55) 1234-5678"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("+52 55 1234 5678", "+52 55 1234 5678"),
        ("+1 (555) 010-0000", "+1 (555) 010-0000"),
        ("+52.55.1234.5678", "+52.55.1234.5678"),
        ("+52 55 1234 5678+SUM(A1:A2)", "'+52 55 1234 5678+SUM(A1:A2)"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("+52\t55", "'+52\t55"),
        ("=1+2", "'=1+2"),
        ("-52 55", "'-52 55"),
        (52, 52),
    ],
)
def test_safe_cell_neutralizes_formulas_but_not_phone_numbers(value, cell):
    from organizations.columns import safe_cell

    assert safe_cell(value) == cell


def test_rows_carry_each_organization_s_codes_across_chunks(
    cast, monkeypatch, django_assert_num_queries
):
    """Themes and populations are read per chunk of organizations (two queries a chunk, after
    the one that streams the organizations), each organization getting its own codes in the
    themes' order, whatever the chunk."""
    from organizations import exports
    from organizations.models import Organization, Population

    monkeypatch.setattr(exports, "CHUNK", 2)
    youth, women = Population.objects.order_by("code")[:2]
    themes = list(ThematicArea.objects.order_by("code")[:3])
    make_organization("Zz A", thematic_areas=themes[:2], populations=[youth, women], tier=None)
    make_organization("Zz B")
    make_organization("Zz C", thematic_areas=themes[2:], founded=1999)
    listed = Organization.objects.filter(name__startswith="Zz").order_by("name")

    with django_assert_num_queries(1 + 2 * 2):  # two chunks
        rows = {row[0]: row for row in exports.export_rows(listed)}

    expected = {
        name: [t.code for t in ThematicArea.objects.filter(organizations__name=name)]
        for name in rows
    }
    assert {name: row[14] for name, row in rows.items()} == {
        name: ";".join(codes) for name, codes in expected.items()
    }
    assert rows["Zz A"][14].count(";") == 1 and rows["Zz B"][14] == ""
    assert rows["Zz A"][15] == f"{youth.code};{women.code}" and rows["Zz C"][15] == ""
    assert rows["Zz A"][3] == "" and rows["Zz C"][11] == 1999
    assert len(rows["Zz A"]) == len(COLUMNS)
