"""Program figures of legal assistance by area, firm, tier and year.

Each case counts in the year it was opened. Matched: a firm confirmed it has no conflict and
took the case; days to match run from the opening to that confirmation, days to resolve from
the opening to the resolution. Hours and pro bono value (hours x the firm's reference rate when
they were logged) are summed in SQL per case; the medians are taken in Python over those rows
(SQLite has no median), so the whole report is one query.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Tier

from .models import HoursEntry, LegalArea, LegalCase

MONEY = Decimal("0.01")
DAYS = Decimal("0.1")
DIMENSIONS = ("area", "firm", "tier", "year")


@dataclass
class ReportRow:
    label: str
    opened: int = 0
    matched: int = 0
    resolved: int = 0
    hours: Decimal = Decimal(0)
    value: Decimal = Decimal(0)
    days_to_match: list[int] = field(default_factory=list, repr=False)
    days_to_resolve: list[int] = field(default_factory=list, repr=False)

    @property
    def median_days_to_match(self) -> Decimal | None:
        return _median(self.days_to_match)

    @property
    def median_days_to_resolve(self) -> Decimal | None:
        return _median(self.days_to_resolve)


def _median(values: list[int]) -> Decimal | None:
    if not values:
        return None
    return Decimal(str(statistics.median(values))).quantize(DAYS)


@dataclass
class LegalReport:
    year: int | None
    total: ReportRow
    by: dict[str, list[ReportRow]]

    def table(self) -> list[list]:
        """Rows for the CSV/XLSX export: dimension, group and the figures."""
        rows = []
        for dimension in DIMENSIONS:
            rows += [[dimension, *_figures(row)] for row in self.by[dimension]]
        rows.append(["total", *_figures(self.total)])
        return rows


EXPORT_COLUMNS = [
    "dimension",
    "group",
    "cases_opened",
    "cases_matched",
    "cases_resolved",
    "median_days_to_match",
    "median_days_to_resolve",
    "hours",
    "pro_bono_value_mxn",
]


def _figures(row: ReportRow) -> list:
    return [
        row.label,
        row.opened,
        row.matched,
        row.resolved,
        row.median_days_to_match,
        row.median_days_to_resolve,
        row.hours,
        row.value,
    ]


def available_years() -> list[int]:
    # order_by(): the model's ordering would make DISTINCT run over (year, date, id), one row
    # per case instead of one per year.
    return sorted(
        LegalCase.objects.order_by()
        .annotate(y=ExtractYear("opened_on"))
        .values_list("y", flat=True)
        .distinct(),
        reverse=True,
    )


def _case_rows(year: int | None) -> list[dict]:
    decimal = DecimalField(max_digits=14, decimal_places=2)
    entries = HoursEntry.objects.filter(case=OuterRef("pk")).values("case")
    hours = entries.annotate(total=Sum("hours")).values("total")
    value = entries.annotate(
        total=Sum(ExpressionWrapper(F("hours") * F("hourly_rate"), output_field=decimal))
    ).values("total")
    cases = LegalCase.objects.all()
    if year is not None:
        cases = cases.filter(opened_on__year=year)
    return list(
        cases.annotate(
            hours_total=Coalesce(
                Subquery(hours, output_field=decimal), Value(Decimal(0)), output_field=decimal
            ),
            value_total=Coalesce(
                Subquery(value, output_field=decimal), Value(Decimal(0)), output_field=decimal
            ),
        ).values(
            "area",
            "firm__name",
            "organization__tier__number",
            "organization__tier__name_en",
            "organization__tier__name_es",
            "opened_on",
            "conflict_confirmed_at",
            "resolved_at",
            "hours_total",
            "value_total",
        )
    )


def _days(opened_on, moment) -> int:
    return (timezone.localtime(moment).date() - opened_on).days


def _add(row: ReportRow, case: dict) -> None:
    row.opened += 1
    if case["conflict_confirmed_at"] is not None:
        row.matched += 1
        row.days_to_match.append(_days(case["opened_on"], case["conflict_confirmed_at"]))
    if case["resolved_at"] is not None:
        row.resolved += 1
        row.days_to_resolve.append(_days(case["opened_on"], case["resolved_at"]))
    row.hours += Decimal(case["hours_total"]).quantize(MONEY)
    row.value += Decimal(case["value_total"]).quantize(MONEY)


def legal_report(year: int | None = None) -> LegalReport:
    areas = dict(LegalArea.choices)
    groups: dict[str, dict] = {d: defaultdict(dict) for d in DIMENSIONS}
    total = ReportRow(label=_("All cases"))
    tier_labels: dict[int | None, str] = {None: _("No tier")}
    for case in _case_rows(year):
        tier_number = case["organization__tier__number"]
        if tier_number not in tier_labels:
            # One label per tier, not a model instance per case.
            tier_labels[tier_number] = str(
                Tier(
                    name_en=case["organization__tier__name_en"],
                    name_es=case["organization__tier__name_es"],
                )
            )
        tier_label = tier_labels[tier_number]
        keys = {
            "area": (list(areas).index(case["area"]), str(areas[case["area"]])),
            "firm": (case["firm__name"] is None, case["firm__name"] or _("No firm yet")),
            "tier": (tier_number is None, tier_number or 0, tier_label),
            "year": (case["opened_on"].year, str(case["opened_on"].year)),
        }
        for dimension, key in keys.items():
            row = groups[dimension].get(key)
            if row is None:
                row = groups[dimension][key] = ReportRow(label=key[-1])
            _add(row, case)
        _add(total, case)
    return LegalReport(
        year=year,
        total=total,
        by={d: [groups[d][k] for k in sorted(groups[d])] for d in DIMENSIONS},
    )
