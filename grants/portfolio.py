"""The program's grant portfolio: committed, paid and outstanding money, always per currency.

Everything is summed in SQL over tranches (they add up to each award):
- paid: tranches paid;
- outstanding: tranches not paid yet on grants still running;
- committed: paid + outstanding (a terminated grant's unpaid tranches are no longer owed).
One GROUP BY per breakdown, so the page runs a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from csa_portal.languages import active_code
from csa_portal.table_versions import kept_until_written
from organizations.geo import MexicanState

from .models import Currency, Grant, GrantApplication, GrantReport, Tranche
from .reads import with_overdue_counts, with_paid

ZERO = Decimal(0)
CENT = Decimal("0.01")
PAID = Q(paid_on__isnull=False)
OUTSTANDING = Q(paid_on__isnull=True, grant__status=Grant.Status.ACTIVE)

# Breakdown name -> (heading, the grouped columns: key first, then label columns).
BREAKDOWNS = {
    "tier": (_("By tier"), ["grant__organization__tier__number"]),
    "state": (_("By state of the organization"), ["grant__organization__state"]),
    "theme": (
        _("By theme"),
        [
            "grant__application__theme__code",
            "grant__application__theme__name_en",
            "grant__application__theme__name_es",
        ],
    ),
    "kind": (_("By kind"), ["grant__application__kind"]),
    "year": (_("By year the grant started"), ["year"]),
}


@dataclass
class Money:
    committed: Decimal = ZERO
    paid: Decimal = ZERO
    outstanding: Decimal = ZERO
    grants: int = 0


@dataclass
class Row:
    key: object
    label: str
    by_currency: dict[str, Money] = field(default_factory=dict)

    cells: list[Money] = field(default_factory=list)  # one per currency of the portfolio

    def money(self, currency: str) -> Money:
        return self.by_currency.get(currency, Money())


@dataclass
class Portfolio:
    totals: dict[str, Money]
    breakdowns: dict[str, tuple[str, list[Row]]]
    currencies: list[str]
    overdue_reports: int
    overdue_tranches: int

    def chart(self, name: str, currency: str = Currency.MXN) -> dict:
        _heading, rows = self.breakdowns[name]
        return {
            "labels": [row.label for row in rows],
            "series": [
                {"label": str(_("Paid")), "values": [float(r.money(currency).paid) for r in rows]},
                {
                    "label": str(_("Outstanding")),
                    "values": [float(r.money(currency).outstanding) for r in rows],
                },
            ],
        }


def _sums(queryset):
    return queryset.annotate(
        paid=Sum("amount", filter=PAID),
        outstanding=Sum("amount", filter=OUTSTANDING),
        grants=Count("grant", distinct=True),
    )


def _money(row: dict) -> Money:
    paid, outstanding = row["paid"] or ZERO, row["outstanding"] or ZERO
    return Money(
        committed=paid + outstanding, paid=paid, outstanding=outstanding, grants=row["grants"]
    )


def _label(name: str, row: dict) -> tuple[object, str]:
    if name == "tier":
        number = row["grant__organization__tier__number"]
        return number, (
            str(_("Tier %(number)s") % {"number": number}) if number else str(_("No tier"))
        )
    if name == "state":
        code = row["grant__organization__state"]
        return code, str(dict(MexicanState.choices).get(code, code))
    if name == "theme":
        code = row["grant__application__theme__code"]
        if not code:
            return "", str(_("No theme"))
        return code, row[f"grant__application__theme__name_{active_code()}"]
    if name == "kind":
        kind = row["grant__application__kind"]
        return kind, str(dict(GrantApplication.Kind.choices).get(kind, kind))
    return row["year"], str(row["year"])


def _grouped_sums(name: str, tranches) -> list[dict]:
    columns = BREAKDOWNS[name][1]
    if name == "year":
        tranches = tranches.annotate(year=ExtractYear("grant__start_date"))
    return list(_sums(tranches.values(*columns, "grant__currency").order_by()))


def _breakdown(name: str, sums: list[dict]) -> list[Row]:
    rows: dict[object, Row] = {}
    for row in sums:
        key, label = _label(name, row)
        entry = rows.setdefault(key, Row(key=key, label=label))
        entry.by_currency[row["grant__currency"]] = _money(row)
    if name in {"tier", "year"}:
        return sorted(rows.values(), key=lambda r: (r.key is None, r.key or 0))
    return sorted(rows.values(), key=lambda r: r.label)


def _portfolio_sums(today) -> dict:
    """The portfolio's figures as SQL gives them (no labels: those follow the language)."""
    tranches = Tranche.objects.all()
    return {
        "totals": list(_sums(tranches.values("grant__currency").order_by())),
        "breakdowns": {name: _grouped_sums(name, tranches) for name in BREAKDOWNS},
        "overdue_reports": GrantReport.objects.overdue(today).count(),
        "overdue_tranches": Tranche.objects.overdue(today).count(),
    }


def build_portfolio() -> Portfolio:
    today = timezone.localdate()
    # Eight grouped scans of every grant's tranches (~25 ms at 10,000 organizations), kept
    # until a grant, tranche, report, application or organization is written.
    sums = kept_until_written(
        f"grants:portfolio:{today.isoformat()}", lambda: _portfolio_sums(today)
    )
    totals = {row["grant__currency"]: _money(row) for row in sums["totals"]}
    breakdowns = {
        name: (str(heading), _breakdown(name, sums["breakdowns"][name]))
        for name, (heading, _columns) in BREAKDOWNS.items()
    }
    currencies = [c for c in Currency.values if c in totals]
    for _heading, rows in breakdowns.values():
        for row in rows:
            row.cells = [row.money(currency) for currency in currencies]
    return Portfolio(
        totals={currency: totals[currency] for currency in currencies},
        breakdowns=breakdowns,
        currencies=currencies,
        overdue_reports=sums["overdue_reports"],
        overdue_tranches=sums["overdue_tranches"],
    )


EXPORT_COLUMNS = [
    "grant_id",
    "organization",
    "tier",
    "state",
    "theme",
    "kind",
    "title",
    "status",
    "currency",
    "awarded",
    "paid",
    "outstanding",
    "start",
    "end",
    "overdue_reports",
    "overdue_tranches",
]


def export_rows() -> list[list]:
    """One row per grant, in one query."""
    today = timezone.localdate()
    grants = (
        with_paid(with_overdue_counts(Grant.objects.all(), today))
        .select_related("organization__tier", "application__theme")
        .order_by("start_date", "id")
    )
    rows = []
    for grant in grants:
        application, organization = grant.application, grant.organization
        rows.append(
            [
                grant.pk,
                organization.name,
                organization.tier.number if organization.tier else "",
                organization.state,
                application.theme.code if application.theme else "",
                application.kind,
                application.title,
                grant.status,
                grant.currency,
                grant.amount,
                grant.paid.quantize(CENT),
                (grant.unpaid if grant.is_active else ZERO).quantize(CENT),
                grant.start_date.isoformat(),
                grant.end_date.isoformat(),
                grant.overdue_reports,
                grant.overdue_tranches,
            ]
        )
    return rows
