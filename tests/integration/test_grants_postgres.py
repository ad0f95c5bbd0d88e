"""Grant money on PostgreSQL: the portfolio's per-currency sums (FILTER, correlated
subqueries) and the export give exact two-place decimals, as on SQLite."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from grants.portfolio import build_portfolio
from tests.grants.test_portfolio import money, portfolio_data  # noqa: F401 - a fixture

pytestmark = [pytest.mark.integration]
D = Decimal


def test_portfolio_totals_per_currency_on_postgresql(portfolio_data):  # noqa: F811
    portfolio = build_portfolio()

    assert money(portfolio.totals["MXN"]) == (2, D("120000.00"), D("80000.00"), D("40000.00"))
    assert money(portfolio.totals["USD"]) == (1, D("10000.00"), D("10000.00"), D(0))
    tiers = {row.key: row for row in portfolio.breakdowns["tier"][1]}
    assert money(tiers[1].money("MXN")) == (2, D("120000.00"), D("80000.00"), D("40000.00"))


def test_the_export_on_postgresql(portfolio_data, cast, client_for):  # noqa: F811
    response = client_for(cast.staff).get(reverse("grants:portfolio_export"))
    rows = {
        r["title"]: r for r in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    }

    assert (rows["A"]["awarded"], rows["A"]["paid"], rows["A"]["outstanding"]) == (
        "100000.00",
        "60000.00",
        "40000.00",
    )
    assert rows["B"]["outstanding"] == "0.00"
