"""The staff portfolio: money per currency (never mixed), by tier, state, theme, kind and year,
computed on hand-made data; and its CSV/XLSX export."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from grants.portfolio import build_portfolio
from grants.services import (
    TrancheInput,
    record_tranche_payment,
    record_tranche_release,
    terminate_grant,
)
from organizations.models import Organization, ThematicArea, Tier
from tests.grants.helpers import awarded
from tests.personas import speak_english

D = Decimal


def pay(grant, number: int) -> None:
    tranche = grant.tranches.get(number=number)
    record_tranche_release(tranche=tranche, on=tranche.planned_date, by=None)
    record_tranche_payment(tranche=tranche, on=tranche.planned_date, by=None)


@pytest.fixture
def portfolio_data(cast):
    """
    A  cast.org (Tier 1, SON), thematic, crime prevention, MXN 100,000: 60,000 paid, 40,000 due.
    B  cast.org, capacity, justice reform, MXN 50,000 (20,000 + 30,000): 20,000 paid, then
       terminated, so the 30,000 left is no longer owed.
    C  other_org (Tier 2, COAH), thematic, MXN request but awarded in USD 10,000, all paid.
    """
    Organization.objects.filter(pk=cast.org.pk).update(tier=Tier.objects.get(number=1))
    Organization.objects.filter(pk=cast.other_org.pk).update(tier=Tier.objects.get(number=2))
    a = awarded(cast.org, cast.leader, cast.staff, title="A")
    pay(a, 1)
    b = awarded(
        cast.org,
        cast.leader,
        cast.staff,
        title="B",
        kind="capacity_development",
        theme=ThematicArea.objects.get(code="justice-reform"),
        amount=D("50000.00"),
        start=date(2024, 3, 1),
        end=date(2025, 3, 1),
        tranches=[
            TrancheInput(D("20000.00"), date(2024, 3, 15)),
            TrancheInput(D("30000.00"), date(2024, 9, 15)),
        ],
    )
    pay(b, 1)
    terminate_grant(grant=b, reason="Se disolvió.", by=cast.staff)
    c = awarded(
        cast.other_org,
        cast.other_leader,
        cast.staff,
        title="C",
        currency="USD",
        amount=D("10000.00"),
        tranches=[TrancheInput(D("10000.00"), date(2025, 2, 1))],
    )
    pay(c, 1)
    return a, b, c


def money(m) -> tuple:
    return (m.grants, m.committed, m.paid, m.outstanding)


def test_totals_are_per_currency(portfolio_data):
    portfolio = build_portfolio()

    assert portfolio.currencies == ["MXN", "USD"]
    assert money(portfolio.totals["MXN"]) == (2, D("120000.00"), D("80000.00"), D("40000.00"))
    assert money(portfolio.totals["USD"]) == (1, D("10000.00"), D("10000.00"), D(0))


def test_breakdowns_by_tier_state_theme_kind_and_year(portfolio_data):
    with translation.override("en"):  # the labels are in the reader's language
        breakdowns = build_portfolio().breakdowns

    def rows(name):
        return {
            row.label: {c: money(m) for c, m in row.by_currency.items()}
            for row in breakdowns[name][1]
        }

    assert rows("tier") == {
        "Tier 1": {"MXN": (2, D("120000.00"), D("80000.00"), D("40000.00"))},
        "Tier 2": {"USD": (1, D("10000.00"), D("10000.00"), D(0))},
    }
    assert rows("state") == {
        "Sonora": {"MXN": (2, D("120000.00"), D("80000.00"), D("40000.00"))},
        "Coahuila": {"USD": (1, D("10000.00"), D("10000.00"), D(0))},
    }
    kinds = rows("kind")
    assert kinds["Capacity-development initiative"] == {
        "MXN": (1, D("20000.00"), D("20000.00"), D(0))
    }
    assert kinds["Thematic project"] == {
        "MXN": (1, D("100000.00"), D("60000.00"), D("40000.00")),
        "USD": (1, D("10000.00"), D("10000.00"), D(0)),
    }
    assert {row.key for row in breakdowns["theme"][1]} == {"crime-prevention", "justice-reform"}
    assert rows("year") == {
        "2024": {"MXN": (1, D("20000.00"), D("20000.00"), D(0))},
        "2025": {
            "MXN": (1, D("100000.00"), D("60000.00"), D("40000.00")),
            "USD": (1, D("10000.00"), D("10000.00"), D(0)),
        },
    }


def test_the_portfolio_page_shows_totals_and_a_chart(portfolio_data, cast, client_for):
    speak_english(cast.staff)
    html = client_for(cast.staff).get(reverse("grants:portfolio")).content.decode()

    assert 'data-testid="committed-MXN">120,000.00 MXN' in html
    assert 'data-testid="outstanding-MXN">40,000.00 MXN' in html
    assert 'data-testid="paid-USD">10,000.00 USD' in html
    assert 'id="chart-grants-tier"' in html and 'data-chart="chart-grants-tier"' in html


def test_the_export_has_one_row_per_grant_in_csv_and_xlsx(portfolio_data, cast, client_for):
    client = client_for(cast.staff)

    response = client.get(reverse("grants:portfolio_export"), {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))

    assert response["Content-Disposition"].startswith('attachment; filename="grants-')
    by_title = {row["title"]: row for row in rows}
    assert set(by_title) == {"A", "B", "C"}
    assert (by_title["A"]["paid"], by_title["A"]["outstanding"]) == ("60000.00", "40000.00")
    assert (by_title["B"]["status"], by_title["B"]["outstanding"]) == ("terminated", "0.00")
    assert (by_title["C"]["currency"], by_title["C"]["tier"]) == ("USD", "2")
    assert by_title["A"]["overdue_tranches"] == "1"

    xlsx = client.get(reverse("grants:portfolio_export"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = list(sheet.values)
    assert values[0][:3] == ("grant_id", "organization", "tier")
    assert len(values) == 4
    assert {row[9] for row in values[1:]} == {100000, 50000, 10000}  # numbers, not text


@pytest.mark.django_db(transaction=True)
def test_kept_sums_follow_a_payment_and_the_reader_s_language(cast, django_assert_num_queries):
    """The portfolio's sums are kept between views (csa_portal.table_versions) until a table
    they were computed from is written; labels still follow each reader's language."""
    from django.core.cache import cache

    cache.clear()
    a = awarded(cast.org, cast.leader, cast.staff, title="A")
    with translation.override("en"):
        assert build_portfolio().totals["MXN"].paid == D(0)
    with translation.override("es"), django_assert_num_queries(0):
        kept = build_portfolio()
    assert kept.totals["MXN"].paid == D(0)
    assert [row.label for row in kept.breakdowns["kind"][1]] == ["Proyecto temático"]

    pay(a, 1)

    assert build_portfolio().totals["MXN"].paid == D("60000.00")
