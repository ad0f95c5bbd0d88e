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
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from csa_portal.table_versions import kept_until_written
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
    """The years cases were opened in, newest first (kept until a case is written: a
    DISTINCT over every case of the program)."""
    return kept_until_written("legal_assistance:report-years", _years_opened)


def _years_opened() -> list[int]:
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


def _days(opened_on, moment, zone) -> int:
    return (moment.astimezone(zone).date() - opened_on).days


@dataclass(frozen=True)
class _CaseFigures:
    """What a case adds to each group it falls in, worked out once for its four groups and the
    total (the report walks every case of the program)."""

    days_to_match: int | None
    days_to_resolve: int | None
    hours: Decimal
    value: Decimal

    @classmethod
    def of(cls, case: dict, zone) -> _CaseFigures:
        opened_on = case["opened_on"]
        confirmed, resolved = case["conflict_confirmed_at"], case["resolved_at"]
        return cls(
            days_to_match=None if confirmed is None else _days(opened_on, confirmed, zone),
            days_to_resolve=None if resolved is None else _days(opened_on, resolved, zone),
            hours=Decimal(case["hours_total"]).quantize(MONEY),
            value=Decimal(case["value_total"]).quantize(MONEY),
        )


def _add(row: ReportRow, figures: _CaseFigures) -> None:
    row.opened += 1
    if figures.days_to_match is not None:
        row.matched += 1
        row.days_to_match.append(figures.days_to_match)
    if figures.days_to_resolve is not None:
        row.resolved += 1
        row.days_to_resolve.append(figures.days_to_resolve)
    row.hours += figures.hours
    row.value += figures.value


def legal_report(year: int | None = None) -> LegalReport:
    """The report in the current language, kept until a case, an hours entry, a firm or a tier
    changes: every case of the program is read for it, and staff open it again and again."""
    return kept_until_written(
        f"legal_assistance:report:{year}:{get_language()}", lambda: _build_report(year)
    )


def _build_report(year: int | None) -> LegalReport:
    zone = timezone.get_current_timezone()
    areas = dict(LegalArea.choices)
    area_keys = {code: (index, str(label)) for index, (code, label) in enumerate(areas.items())}
    groups: dict[str, dict] = {d: defaultdict(dict) for d in DIMENSIONS}
    total = ReportRow(label=_("All cases"))
    tier_labels: dict[int | None, str] = {None: _("No tier")}
    no_firm = _("No firm yet")
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
        opened_year = case["opened_on"].year
        keys = {
            "area": area_keys[case["area"]],
            "firm": (case["firm__name"] is None, case["firm__name"] or no_firm),
            "tier": (tier_number is None, tier_number or 0, tier_labels[tier_number]),
            "year": (opened_year, str(opened_year)),
        }
        figures = _CaseFigures.of(case, zone)
        for dimension, key in keys.items():
            row = groups[dimension].get(key)
            if row is None:
                row = groups[dimension][key] = ReportRow(label=key[-1])
            _add(row, figures)
        _add(total, figures)
    return LegalReport(
        year=year,
        total=total,
        by={d: [groups[d][k] for k in sorted(groups[d])] for d in DIMENSIONS},
    )
