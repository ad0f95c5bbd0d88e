"""Report figures and pro bono value on hand-made data, and their CSV/XLSX export."""

import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from legal_assistance.models import LegalCase
from legal_assistance.reports import legal_report
from legal_assistance.services.cases import log_hours, resolve_case
from organizations.models import Tier
from organizations.services import update_organization
from tests.personas import make_user

from .helpers import make_firm, make_lawyer, requested_case, working_case

MEXICO = ZoneInfo("America/Mexico_City")


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=MEXICO)


def dated(case, *, confirmed: date, resolved: date | None = None):
    LegalCase.objects.filter(pk=case.pk).update(
        conflict_confirmed_at=noon(confirmed), resolved_at=noon(resolved) if resolved else None
    )


@pytest.fixture
def figures(cast, network):
    """Four cases, by hand:

    1. cast.org (Tier 1), fiscal, opened 2018-01-10, Bufete Uno (2000/h); confirmed after 10 days,
       resolved after 60; 3 h + 2 h = 5 h, MXN 10,000.
    2. cast.org, labor, opened 2018-02-01, Tres (1500/h); confirmed after 20 days, in progress;
       4 h, MXN 6,000.
    3. other_org (Tier 2), fiscal, opened 2019-05-01, Despacho Dos (3000/h); confirmed after 30
       days, resolved after 90; 1.5 h, MXN 4,500.
    4. other_org, aml, opened 2019-06-01, still requested.
    """
    coordinator = cast.legal_coordinator
    update_organization(
        organization=cast.org, changed_by=None, fields={"tier": Tier.objects.get(number=1)}
    )
    update_organization(
        organization=cast.other_org, changed_by=None, fields={"tier": Tier.objects.get(number=2)}
    )
    tres = make_firm("Tres", state="SON", areas=("labor",), rate="1500")
    tres_lawyer = make_lawyer(tres, make_user("tres@test.mx"))

    one = working_case(
        cast.org, cast.leader, coordinator, network.lawyer, opened_on=date(2018, 1, 10)
    )
    for day, amount in ((date(2018, 1, 25), "3"), (date(2018, 2, 5), "2")):
        log_hours(
            case=one, lawyer=network.lawyer, worked_on=day, hours=Decimal(amount), description="x"
        )
    resolve_case(case=one, outcome="Listo", by=cast.lawyer)
    dated(one, confirmed=date(2018, 1, 20), resolved=date(2018, 3, 11))

    two = working_case(
        cast.org, cast.leader, coordinator, tres_lawyer, area="labor", opened_on=date(2018, 2, 1)
    )
    log_hours(
        case=two, lawyer=tres_lawyer, worked_on=date(2018, 3, 1), hours=Decimal(4), description="x"
    )
    dated(two, confirmed=date(2018, 2, 21))

    three = working_case(
        cast.other_org,
        cast.other_leader,
        coordinator,
        network.other_lawyer,
        opened_on=date(2019, 5, 1),
    )
    log_hours(
        case=three,
        lawyer=network.other_lawyer,
        worked_on=date(2019, 6, 3),
        hours=Decimal("1.5"),
        description="x",
    )
    resolve_case(case=three, outcome="Listo", by=network.other_lawyer.user)
    dated(three, confirmed=date(2019, 5, 31), resolved=date(2019, 7, 30))

    requested_case(cast.other_org, cast.other_leader, area="aml", opened_on=date(2019, 6, 1))


def row_figures(row) -> tuple:
    return (
        row.label,
        row.opened,
        row.matched,
        row.resolved,
        row.median_days_to_match,
        row.median_days_to_resolve,
        row.hours,
        row.value,
    )


D = Decimal


def test_figures_by_area_firm_tier_and_year(figures):
    report = legal_report()

    assert row_figures(report.total) == (
        "All cases",
        4,
        3,
        2,
        D("20.0"),
        D("75.0"),
        D("10.50"),
        D("20500.00"),
    )
    assert [row_figures(r) for r in report.by["area"]] == [
        ("Fiscal", 2, 2, 2, D("20.0"), D("75.0"), D("6.50"), D("14500.00")),
        ("Labor", 1, 1, 0, D("20.0"), None, D("4.00"), D("6000.00")),
        ("Anti-money-laundering", 1, 0, 0, None, None, D("0.00"), D("0.00")),
    ]
    assert [row_figures(r) for r in report.by["firm"]] == [
        ("Bufete Uno", 1, 1, 1, D("10.0"), D("60.0"), D("5.00"), D("10000.00")),
        ("Despacho Dos", 1, 1, 1, D("30.0"), D("90.0"), D("1.50"), D("4500.00")),
        ("Tres", 1, 1, 0, D("20.0"), None, D("4.00"), D("6000.00")),
        ("No firm yet", 1, 0, 0, None, None, D("0.00"), D("0.00")),
    ]
    assert [r.label for r in report.by["tier"]] == [
        str(Tier.objects.get(number=1)),
        str(Tier.objects.get(number=2)),
    ]
    assert [row_figures(r)[1:] for r in report.by["tier"]] == [
        (2, 2, 1, D("15.0"), D("60.0"), D("9.00"), D("16000.00")),
        (2, 1, 1, D("30.0"), D("90.0"), D("1.50"), D("4500.00")),
    ]
    assert [row_figures(r) for r in report.by["year"]] == [
        ("2018", 2, 2, 1, D("15.0"), D("60.0"), D("9.00"), D("16000.00")),
        ("2019", 2, 1, 1, D("30.0"), D("90.0"), D("1.50"), D("4500.00")),
    ]


def test_cases_without_a_firm_are_grouped_apart(figures):
    firms = legal_report().by["firm"]

    assert [(r.label, r.opened) for r in firms] == [
        ("Bufete Uno", 1),
        ("Despacho Dos", 1),
        ("Tres", 1),
        ("No firm yet", 1),
    ]


def test_a_year_keeps_only_the_cases_opened_in_it(figures):
    report = legal_report(2019)

    assert row_figures(report.total) == (
        "All cases",
        2,
        1,
        1,
        D("30.0"),
        D("90.0"),
        D("1.50"),
        D("4500.00"),
    )
    assert [r.label for r in report.by["year"]] == ["2019"]


def test_each_year_is_offered_once(figures):
    from legal_assistance.reports import available_years

    # Two cases were opened in 2018: the year filter lists it once, not once per case.
    years = available_years()
    assert years == sorted(set(years), reverse=True)
    assert years.count(2018) == 1


def test_the_report_is_one_query(figures, django_assert_num_queries):
    with django_assert_num_queries(1):
        legal_report()


def test_export_csv_and_xlsx(figures, cast, client_for):
    client = client_for(cast.staff)

    csv = client.get(reverse("legal_assistance:report_export"), {"format": "csv"})
    lines = csv.content.decode("utf-8-sig").splitlines()
    xlsx = client.get(reverse("legal_assistance:report_export"), {"format": "xlsx", "year": "2018"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]

    assert csv["Content-Disposition"] == 'attachment; filename="legal-assistance-all-years.csv"'
    assert lines[0] == (
        "dimension,group,cases_opened,cases_matched,cases_resolved,median_days_to_match,"
        "median_days_to_resolve,hours,pro_bono_value_mxn"
    )
    assert "area,Fiscal,2,2,2,20.0,75.0,6.50,14500.00" in lines
    assert lines[-1] == "total,All cases,4,3,2,20.0,75.0,10.50,20500.00"
    assert xlsx["Content-Disposition"] == 'attachment; filename="legal-assistance-2018.xlsx"'
    assert rows[-1] == ["total", "All cases", 2, 2, 1, 15, 60, 9, 16000]


def test_the_report_page_shows_the_totals(figures, cast, client_for):
    html = client_for(cast.staff).get(reverse("legal_assistance:reports")).content.decode()

    assert 'data-testid="total-opened">4<' in html
    assert 'data-testid="total-hours">10.50<' in html
    # Grouped in thousands, as money is everywhere in the portal.
    assert 'data-testid="total-value">20,500.00<' in html
    assert '<td class="text-end">14,500.00</td>' in html


@pytest.mark.parametrize(
    ("language", "headings"),
    [
        ("es", ["Casos resueltos", ">Abiertos<", ">Asignados<", ">Resueltos<"]),
        ("en", ["Cases resolved", ">Opened<", ">Matched<", ">Resolved<"]),
    ],
)
def test_the_report_counts_cases_in_the_reader_s_language(
    figures, cast, client_for, language, headings
):
    """Its columns count cases: plural in Spanish, unlike the same words as a case's status."""
    cast.staff.preferred_language = language
    cast.staff.save(update_fields=["preferred_language"])

    html = client_for(cast.staff).get(reverse("legal_assistance:reports")).content.decode()

    for heading in headings:
        assert heading in html


@pytest.mark.django_db(transaction=True)
def test_kept_report_follows_logged_hours_and_the_reader_s_language(
    cast, network, django_assert_num_queries
):
    """The report reads every case of the program, so it is kept between views
    (csa_portal.table_versions) until a table it was computed from is written; its labels
    follow each reader's language."""
    from django.core.cache import cache
    from django.utils import translation

    cache.clear()
    case = working_case(cast.org, cast.leader, cast.legal_coordinator, network.lawyer)
    with translation.override("en"):
        assert legal_report().total.hours == Decimal(0)
        with django_assert_num_queries(0):
            kept = legal_report()
    assert kept.total.label == "All cases"
    with translation.override("es"):
        assert legal_report().total.label == "Todos los casos"

    log_hours(
        case=case,
        lawyer=network.lawyer,
        worked_on=timezone.localdate(),
        hours=Decimal(2),
        description="x",
    )

    with translation.override("en"):
        assert legal_report().total.hours == Decimal("2.00")


@pytest.mark.parametrize("year", ["²", "٢٠١٨", "9" * 40, "abc"])
def test_a_year_that_is_not_plain_digits_gives_every_year(figures, cast, client_for, year):
    client = client_for(cast.staff)

    page = client.get(reverse("legal_assistance:reports"), {"year": year})
    export = client.get(reverse("legal_assistance:report_export"), {"format": "csv", "year": year})

    assert page.status_code == 200 and export.status_code == 200
    assert export["Content-Disposition"] == 'attachment; filename="legal-assistance-all-years.csv"'
