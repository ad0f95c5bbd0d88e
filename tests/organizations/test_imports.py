"""Importing organizations: preview every problem first, then import all rows in a job."""

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from csa_portal.models import Job
from organizations.columns import COLUMNS
from organizations.models import Organization, OrganizationChange
from organizations.uploads import imports_dir
from organizations.views.imports import SESSION_KEY
from tests.personas import make_organization

HEADER = ["name", "state", "rfc", "tier", "status", "themes", "populations", "authorized_donee"]
GOOD_ROWS = [
    ["Colectivo Uno", "SON", "CUN050101AB1", "1", "active", "youth;women", "youth", "sí"],
    ["Red Dos", "Coahuila", "RDO060202CD2", "Tier 2", "graduated", "justice-reform", "", "no"],
    ["Centro Tres", "chih", "", "", "", "", "victims;women", ""],
]


def csv_file(rows: list[list], name: str = "organizaciones.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


def xlsx_file(rows: list[list], name: str = "organizaciones.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def upload(client, file: SimpleUploadedFile):
    return client.post(reverse("organizations:import"), {"file": file})


def confirm(client, token: str, capture):
    with capture(execute=True):
        return client.post(reverse("organizations:import_confirm"), {"token": token})


def error_rows(response) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for error in response.context["preview"].errors:
        found.setdefault(error.row, set()).add(error.column)
    return found


def stored_uploads() -> list[str]:
    """The uploads kept; a valid file's preview also keeps its checked rows beside it."""
    return sorted(p.name for p in imports_dir().iterdir() if not p.name.endswith(".checked.json"))


def checked_rows_kept() -> list[str]:
    return sorted(p.name for p in imports_dir().iterdir() if p.name.endswith(".checked.json"))


# --- Preview -------------------------------------------------------------------------------


def test_bad_rows_are_listed_with_their_row_numbers_and_nothing_is_written(cast, client_for):
    client = client_for(cast.staff)
    organizations_before = Organization.objects.count()
    rows = [
        HEADER,
        GOOD_ROWS[0],
        ["RFC malo", "SON", "ABC-123", "", "", "", "", ""],  # row 3
        ["Estado desconocido", "Atlántida", "", "", "", "", "", ""],  # row 4
        GOOD_ROWS[1],
        ["Tema desconocido", "SON", "", "9", "", "cooking", "", "tal vez"],  # row 6
    ]

    response = upload(client, csv_file(rows))

    assert response.status_code == 200
    assert error_rows(response) == {
        3: {"rfc"},
        4: {"state"},
        6: {"tier", "themes", "authorized_donee"},
    }
    html = response.content.decode()
    for row in (3, 4, 6):
        assert f'data-row="{row}"' in html
    assert 'data-row="2"' not in html
    assert 'name="token"' not in html  # no button to import a bad file
    assert Organization.objects.count() == organizations_before
    assert not Job.objects.exists()
    assert SESSION_KEY not in client.session or client.session[SESSION_KEY] == []
    assert stored_uploads() == []  # the rejected upload is not kept


def test_a_bad_rows_column_is_named_in_the_readers_language(cast, client_for):
    rows = [HEADER, ["Estado desconocido", "Atlántida", "", "", "", "", "", ""]]

    html = upload(client_for(cast.staff), csv_file(rows)).content.decode()

    assert "<td>Estado <code>state</code></td>" in html  # the portal speaks Spanish by default


def test_a_valid_file_previews_without_writing_and_remembers_the_token(cast, client_for):
    client = client_for(cast.staff)
    before = Organization.objects.count()

    response = upload(client, csv_file([HEADER, *GOOD_ROWS]))

    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.is_valid
    assert preview.total == 3
    token = response.context["token"]
    assert client.session[SESSION_KEY] == [token]
    assert f'value="{token}"' in response.content.decode()
    assert stored_uploads() == [token]
    assert checked_rows_kept() == [f"{token}.checked.json"]  # the job won't validate again
    assert Organization.objects.count() == before


def test_confirming_a_valid_csv_imports_every_row_in_a_job(
    cast, client_for, django_capture_on_commit_callbacks
):
    client = client_for(cast.staff)
    token = upload(client, csv_file([HEADER, *GOOD_ROWS])).context["token"]

    response = confirm(client, token, django_capture_on_commit_callbacks)

    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    assert job.kind == "organizations.import"
    assert job.created_by == cast.staff
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.result["created"] == 3
    assert job.progress == 100

    one = Organization.objects.get(name="Colectivo Uno")
    assert (one.state, one.rfc, one.tier.number, one.status) == (
        "SON",
        "CUN050101AB1",
        1,
        "active",
    )
    assert one.authorized_donee is True
    assert set(one.thematic_areas.values_list("code", flat=True)) == {"youth", "women"}
    assert list(one.populations.values_list("code", flat=True)) == ["youth"]
    two = Organization.objects.get(name="Red Dos")
    assert (two.state, two.tier.number, two.authorized_donee) == ("COAH", 2, False)
    three = Organization.objects.get(name="Centro Tres")
    assert (three.state, three.tier, three.status, three.sector, three.legal_form) == (
        "CHIH",
        None,
        "none",
        "cso",
        "ac",
    )
    assert OrganizationChange.objects.filter(note="imported", changed_by=cast.staff).count() == 3
    assert client.session[SESSION_KEY] == []
    assert stored_uploads() == []
    assert checked_rows_kept() == []

    # The token was used up: confirming again is refused and imports nothing more.
    again = confirm(client, token, django_capture_on_commit_callbacks)
    assert again.status_code == 400
    assert Job.objects.count() == 1


def test_an_xlsx_file_imports_too(cast, client_for, django_capture_on_commit_callbacks):
    client = client_for(cast.staff)
    rows = [
        ["name", "state", "founded", "participation_start", "participation_end", "tier"],
        ["Hoja Uno", "JAL", 2005, date(2016, 3, 1), date(2020, 9, 30), 3],
        ["Hoja Dos", "Nuevo León", 1999, None, None, None],
    ]

    response = upload(client, xlsx_file(rows))
    assert response.context["preview"].is_valid, response.context["preview"].errors
    token = response.context["token"]
    assert token.endswith(".xlsx")
    confirm(client, token, django_capture_on_commit_callbacks)

    assert Job.objects.get().status == Job.Status.SUCCEEDED
    first = Organization.objects.get(name="Hoja Uno")
    assert (first.founded, first.participation_start, first.participation_end) == (
        2005,
        date(2016, 3, 1),
        date(2020, 9, 30),
    )
    assert first.tier.number == 3
    assert Organization.objects.get(name="Hoja Dos").state == "NL"


def test_a_bad_xlsx_row_is_reported_with_its_row_number(cast, client_for):
    rows = [
        ["name", "state", "participation_start", "participation_end"],
        ["Fechas al revés", "SON", date(2020, 1, 1), date(2016, 1, 1)],
    ]
    response = upload(client_for(cast.staff), xlsx_file(rows))
    assert error_rows(response) == {2: {"participation_end"}}


def test_duplicate_rfcs_in_the_file_and_in_the_database_are_reported(cast, client_for):
    rows = [
        ["name", "state", "rfc"],
        ["Primera", "SON", "DUP010101AB1"],
        ["Repetida", "SON", "dup010101ab1"],  # row 3: the same RFC as row 2
        ["Ya registrada", "SON", cast.org.rfc],  # row 4: already in the database
    ]

    response = upload(client_for(cast.staff), csv_file(rows))

    assert error_rows(response) == {3: {"rfc"}, 4: {"rfc"}}
    messages = {e.row: e.message for e in response.context["preview"].errors}
    assert "2" in messages[3]
    assert cast.org.name in messages[4]
    assert not Organization.objects.filter(name="Primera").exists()


@pytest.mark.parametrize(
    ("file", "problem"),
    [
        (SimpleUploadedFile("lista.txt", b"name,state\nA,SON\n"), "extension"),
        (SimpleUploadedFile("lista.csv", b"name,municipality\nA,Hermosillo\n"), "missing column"),
        (SimpleUploadedFile("lista.csv", b"name,state,colour\nA,SON,red\n"), "unknown column"),
        (SimpleUploadedFile("lista.csv", "name,state\nÁ,SON\n".encode("latin-1")), "encoding"),
        (SimpleUploadedFile("lista.csv", b"\n\n"), "empty"),
        (SimpleUploadedFile("lista.xlsx", b"not a zip"), "bad workbook"),
    ],
)
def test_an_unreadable_file_is_refused_as_a_whole(cast, client_for, file, problem):
    client = client_for(cast.staff)
    response = upload(client, file)
    assert response.status_code == 200
    assert response.context["form"].errors["file"], problem
    assert "preview" not in response.context
    assert not client.session.get(SESSION_KEY)


# --- Confirming ----------------------------------------------------------------------------


def test_a_token_not_in_this_session_is_refused(
    cast, client_for, django_capture_on_commit_callbacks
):
    token = upload(client_for(cast.staff), csv_file([HEADER, *GOOD_ROWS])).context["token"]

    # Another staff member (a different session) cannot import someone else's upload.
    other = client_for(cast.legal_coordinator)
    response = confirm(other, token, django_capture_on_commit_callbacks)

    assert response.status_code == 400
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert 'type="file"' in response.content.decode()  # the upload form, to start again
    assert not Job.objects.exists()
    assert not Organization.objects.filter(name="Colectivo Uno").exists()
    assert stored_uploads() == [token]


@pytest.mark.parametrize("token", ["", "../../settings.py", "0" * 32 + ".csv"])
def test_a_forged_token_is_refused(cast, client_for, django_capture_on_commit_callbacks, token):
    client = client_for(cast.staff)
    session = client.session
    session[SESSION_KEY] = [token]
    session.save()

    response = confirm(client, token, django_capture_on_commit_callbacks)

    assert response.status_code == 400
    assert not Job.objects.exists()


def test_a_failed_import_job_explains_why_and_its_retry_imports_after_the_fix(
    cast, client_for, django_capture_on_commit_callbacks
):
    client = client_for(cast.staff)
    token = upload(client, csv_file([HEADER, *GOOD_ROWS])).context["token"]
    # Between the preview and the confirmation someone registers one of the file's RFCs.
    blocker = make_organization("Llegó Primero", rfc="RDO060202CD2")

    confirm(client, token, django_capture_on_commit_callbacks)

    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert "Llegó Primero" in job.error  # says which organization holds the RFC
    assert "3" in job.error  # and on which row of the file
    assert "IntegrityError" not in job.error
    assert not Organization.objects.filter(name="Colectivo Uno").exists()  # all or nothing
    progress = client.get(reverse("job_progress", args=[job.pk]))
    assert reverse("job_retry", args=[job.pk]) in progress.content.decode()
    assert job.error in progress.content.decode()

    blocker.rfc = ""
    blocker.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("job_retry", args=[job.pk]))

    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.error == ""
    assert job.attempts == 2
    assert job.result["created"] == 3
    assert Organization.objects.filter(name__in=[r[0] for r in GOOD_ROWS]).count() == 3


def test_the_job_checks_every_row_again_when_the_file_differs_from_its_preview(
    cast, client_for, django_capture_on_commit_callbacks
):
    client = client_for(cast.staff)
    token = upload(client, csv_file([HEADER, *GOOD_ROWS])).context["token"]
    # The kept rows belong to the previewed content only: a changed file is validated anew.
    bad = [HEADER, ["Estado desconocido", "Atlántida", "", "", "", "", "", ""]]
    (imports_dir() / token).write_bytes(csv_file(bad).read())

    confirm(client, token, django_capture_on_commit_callbacks)

    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert not Organization.objects.filter(name="Estado desconocido").exists()


def test_the_template_has_every_column_the_importer_reads(cast, client_for):
    response = client_for(cast.staff).get(reverse("organizations:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    header = response.content.decode("utf-8-sig").strip().split(",")
    assert header == COLUMNS


def test_checking_a_file_costs_the_same_queries_for_3_and_28_rows(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from organizations.imports import validate_table

    def table(count: int) -> list[list[str]]:
        return [
            ["name", "state", "rfc", "tier", "themes"],
            *(
                [f"Org {i}", "SON", f"ORG0101{i:02d}AB1"[:12], "1", "youth"]
                for i in range(1, count + 1)
            ),
        ]

    with CaptureQueriesContext(connection) as small:
        assert validate_table(table(3)).is_valid
    with CaptureQueriesContext(connection) as large:
        assert validate_table(table(28)).is_valid
    assert len(large) == len(small)
