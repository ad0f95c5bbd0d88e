"""CBLD-9: the share of organizations that improved their performance, per fiscal year.

Fiscal year Y runs from 1 October of Y-1 to 30 September of Y.

- Denominator: organizations that planned performance improvement (an improvement plan agreed
  by both sides by the end of the year) and pursued it (one of its actions started or done,
  started by the end of the year).
- Numerator: those of them whose latest validated performance-instrument assessment in the
  year scored above their previous validated assessment on the same instrument.
- Each organization counts once, however many plans, actions or instruments it has. Only
  instruments that measure performance count; capacity instruments never do.

Reads only: four queries whatever the size of the program. The page shows a kept summary of
the report (cbld9_summary) and fifty of its organizations at a time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from csa_portal.languages import active_code
from csa_portal.table_versions import kept_until_written

from .geo import MexicanState
from .models import Action, Assessment, Organization, Sector


def fiscal_year_bounds(year: int) -> tuple[date, date]:
    return date(year - 1, 10, 1), date(year, 9, 30)


def fiscal_year_of(day: date) -> int:
    return day.year + 1 if day.month >= 10 else day.year


@dataclass
class Breakdown:
    dimension: str
    label: str
    numerator: int
    denominator: int

    @property
    def percent(self) -> Decimal | None:
        return _percent(self.numerator, self.denominator)


@dataclass
class Cbld9Report:
    fiscal_year: int
    start: date
    end: date
    improved: list[Organization]
    pursued: list[Organization]
    capacity_only: bool  # assessments in the year, but none on a performance instrument
    breakdowns: list[Breakdown] = field(default_factory=list)

    @property
    def numerator(self) -> int:
        return len(self.improved)

    @property
    def denominator(self) -> int:
        return len(self.pursued)

    @property
    def percent(self) -> Decimal | None:
        return _percent(self.numerator, self.denominator)

    def rows(self) -> list[dict]:
        """One row per organization of the denominator, for the page's list and the export."""
        improved = {o.pk for o in self.improved}
        return [{"organization": o, "improved": o.pk in improved} for o in self.pursued]


ROWS_PER_PAGE = 50


@dataclass(frozen=True)
class Cbld9Summary:
    """What the page shows of a year, in one language: the figures, the breakdowns, and the
    organizations behind them as (id, improved) in name order. Plain values, so that the
    shared cache can keep it (cbld9_summary)."""

    fiscal_year: int
    start: date
    end: date
    numerator: int
    denominator: int
    capacity_only: bool
    breakdowns: tuple[Breakdown, ...]
    rows: tuple[tuple[int, bool], ...]

    @property
    def percent(self) -> Decimal | None:
        return _percent(self.numerator, self.denominator)


def cbld9_summary(year: int) -> Cbld9Summary:
    """The year's report for the page, kept until a table it reads is written. At 10,000
    organizations some 8,500 of them planned and pursued: the report is 0.3 s, and the page
    that listed every one of them took 1.5 s a view."""
    return kept_until_written(
        f"organizations:cbld9:{year}:{active_code()}", lambda: _summary(cbld9_report(year))
    )


def _summary(report: Cbld9Report) -> Cbld9Summary:
    improved = {o.pk for o in report.improved}
    return Cbld9Summary(
        fiscal_year=report.fiscal_year,
        start=report.start,
        end=report.end,
        numerator=report.numerator,
        denominator=report.denominator,
        capacity_only=report.capacity_only,
        breakdowns=tuple(report.breakdowns),
        rows=tuple((o.pk, o.pk in improved) for o in report.pursued),
    )


def rows_for_page(rows: list[tuple[int, bool]]) -> list[dict]:
    """A page's (id, improved) pairs as rows with their organizations: one query."""
    organizations = Organization.objects.select_related("tier").in_bulk([pk for pk, _ in rows])
    return [
        {"organization": organizations[pk], "improved": improved}
        for pk, improved in rows
        if pk in organizations  # deleted since the summary was kept: gone from the page too
    ]


def _percent(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(100) * numerator / denominator).quantize(Decimal("0.1"))


def available_years() -> list[int]:
    """Fiscal years that have validated assessments, newest first."""
    bounds = Assessment.objects.validated().aggregate(
        first=Min("assessed_on"), last=Max("assessed_on")
    )
    if bounds["first"] is None:
        return []
    first, last = fiscal_year_of(bounds["first"]), fiscal_year_of(bounds["last"])
    return list(range(last, first - 1, -1))


def pursued_organizations(end: date):
    """Organizations with a plan agreed by `end` and an action of it started by `end`."""
    started = Q(status__in=[Action.Status.STARTED, Action.Status.DONE]) & (
        Q(started_on__isnull=True) | Q(started_on__lte=end)
    )
    # Agreed on `end` or before (in the current time zone) is agreed before the next day's
    # midnight: compared as stored, rather than turning every plan's two times into local
    # dates (__date__lte), which took 5 ms of the page at 10,000 plans.
    next_midnight = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    plans = Action.objects.filter(
        started,
        plan__cso_agreed_at__lt=next_midnight,
        plan__staff_agreed_at__lt=next_midnight,
    ).values("plan__organization_id")
    return Organization.objects.filter(pk__in=plans)


def improved_ids(organization_ids: set[int], start: date, end: date) -> set[int]:
    """Of these organizations, those whose performance score went up within the year."""
    rows = (
        Assessment.objects.validated()
        .performance()
        .filter(organization_id__in=organization_ids, assessed_on__lte=end)
        .exclude(overall_score__isnull=True)
        .order_by("organization_id", "framework__code", "assessed_on", "id")
        .values_list("organization_id", "framework__code", "assessed_on", "overall_score")
    )
    history: dict[tuple[int, str], list[tuple[date, Decimal]]] = defaultdict(list)
    for organization_id, code, assessed_on, score in rows:
        history[(organization_id, code)].append((assessed_on, score))
    improved = set()
    for (organization_id, _code), scores in history.items():
        in_year = [i for i, (day, _s) in enumerate(scores) if day >= start]
        if in_year and in_year[-1] > 0 and scores[in_year[-1]][1] > scores[in_year[-1] - 1][1]:
            improved.add(organization_id)
    return improved


def cbld9_report(year: int) -> Cbld9Report:
    start, end = fiscal_year_bounds(year)
    pursued = list(pursued_organizations(end).select_related("tier").order_by("name", "pk"))
    improved_set = improved_ids({o.pk for o in pursued}, start, end)
    in_year = Assessment.objects.validated().filter(assessed_on__range=(start, end))
    capacity_only = in_year.exists() and not in_year.performance().exists()
    report = Cbld9Report(
        fiscal_year=year,
        start=start,
        end=end,
        improved=[o for o in pursued if o.pk in improved_set],
        pursued=pursued,
        capacity_only=capacity_only,
    )
    report.breakdowns = _breakdowns(pursued, improved_set)
    return report


def _breakdowns(pursued: list[Organization], improved: set[int]) -> list[Breakdown]:
    sectors, states = dict(Sector.choices), dict(MexicanState.choices)
    dimensions = [
        (_("Organization type"), lambda o: str(sectors.get(o.sector, o.sector))),
        (_("Tier"), lambda o: str(o.tier) if o.tier else str(_("No tier"))),
        (_("State"), lambda o: str(states.get(o.state, o.state or "—"))),
    ]
    result = []
    for dimension, label_of in dimensions:
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for organization in pursued:
            cell = counts[label_of(organization)]
            cell[1] += 1
            cell[0] += organization.pk in improved
        result += [
            Breakdown(str(dimension), label, numerator, denominator)
            for label, (numerator, denominator) in sorted(counts.items())
        ]
    return result
