"""Reads of the compliance checklist, with a fixed number of queries.

An item that applies only to authorized donees counts as not applicable for other
organizations until someone records a status for it. Percent compliant = compliant items /
applicable items (all items less those marked or counted not applicable).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, Q, Window
from django.db.models.functions import ExtractYear, Lead
from django.utils import timezone

from csa_portal.table_versions import kept_until_written
from organizations.models import Organization, Tier

from .models import (
    ComplianceChange,
    ComplianceItem,
    ComplianceStatus,
    LegalArea,
    OrganizationCompliance,
)

DONEE_ONLY = ComplianceItem.AppliesTo.AUTHORIZED_DONEE
FIRST_YEAR = 2016


def _percent(part: int, whole: int) -> Decimal | None:
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


@dataclass
class ChecklistLine:
    item: ComplianceItem
    row: OrganizationCompliance | None
    applies: bool

    @property
    def status(self) -> str:
        if self.row is not None:
            return self.row.status
        return "" if self.applies else ComplianceStatus.NOT_APPLICABLE

    @property
    def status_label(self) -> str:
        return str(dict(ComplianceStatus.choices).get(self.status, ""))


@dataclass
class AreaSummary:
    area: str
    label: str
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    total: int = 0

    @property
    def applicable(self) -> int:
        return self.total - self.counts[ComplianceStatus.NOT_APPLICABLE]

    @property
    def compliant(self) -> int:
        return self.counts[ComplianceStatus.COMPLIANT]

    @property
    def in_progress(self) -> int:
        return self.counts[ComplianceStatus.IN_PROGRESS]

    @property
    def not_compliant(self) -> int:
        return self.counts[ComplianceStatus.NOT_COMPLIANT]

    @property
    def unchecked(self) -> int:
        return self.counts[""]

    @property
    def percent(self) -> Decimal | None:
        return _percent(self.compliant, self.applicable)


@dataclass
class Checklist:
    organization: Organization
    areas: list[tuple[AreaSummary, list[ChecklistLine]]]

    @property
    def summaries(self) -> list[AreaSummary]:
        return [summary for summary, _lines in self.areas]

    @property
    def overall(self) -> AreaSummary:
        total = AreaSummary(area="", label="")
        for summary in self.summaries:
            total.total += summary.total
            for status, count in summary.counts.items():
                total.counts[status] += count
        return total


def organization_checklist(organization: Organization) -> Checklist:
    """Two queries: the items, the organization's rows (with their linked cases)."""
    items = list(ComplianceItem.objects.order_by("area", "position", "code"))
    rows = {
        row.item_id: row
        for row in OrganizationCompliance.objects.filter(organization=organization).select_related(
            "case", "updated_by"
        )
    }
    labels = dict(LegalArea.choices)
    by_area: dict[str, list[ChecklistLine]] = defaultdict(list)
    for item in items:
        line = ChecklistLine(
            item=item, row=rows.get(item.pk), applies=item.applies_by_default(organization)
        )
        by_area[item.area].append(line)
    areas = []
    for area in LegalArea.values:
        lines = by_area.get(area, [])
        summary = AreaSummary(area=area, label=str(labels[area]), total=len(lines))
        for line in lines:
            summary.counts[line.status] += 1
        areas.append((summary, lines))
    return Checklist(organization=organization, areas=areas)


def _slots(organizations: list[dict], items: list[dict]) -> tuple[dict[tuple, int], dict[str, int]]:
    """Applicable item slots by (tier id, area) and by area alone, before marked N/A.

    Each entry of `organizations` is a group of `n` organizations of one tier and donee status.
    """
    per_area_all: dict[str, int] = defaultdict(int)
    per_area_donee: dict[str, int] = defaultdict(int)
    for item in items:
        per_area_all[item["area"]] += 1
        if item["applies_to"] == DONEE_ONLY:
            per_area_donee[item["area"]] += 1
    by_tier: dict[tuple, int] = defaultdict(int)
    by_area: dict[str, int] = defaultdict(int)
    for org in organizations:
        for area in LegalArea.values:
            slots = per_area_all[area] - (0 if org["authorized_donee"] else per_area_donee[area])
            by_tier[(org["tier_id"], area)] += slots * org["n"]
            by_area[area] += slots * org["n"]
    return by_tier, by_area


@dataclass
class Overview:
    tiers: list[Tier]
    # rows: one per area; cells: percent compliant per tier, then the area's total
    rows: list[dict]
    history: list[tuple[int, Decimal | None]]
    organizations: int


def compliance_overview() -> Overview:
    """Participating CSOs by area and tier, now and at the end of each year, kept until a
    checklist, an organization or a tier changes: it counts every status and walks every change
    of the program (1.6 s at 10,000 organizations before it was grouped in SQL; still about a
    tenth of a second of SQL now). Labels stay lazy, so one kept value serves both languages."""
    today = timezone.localdate()
    return kept_until_written(
        f"legal_assistance:compliance-overview:{today.isoformat()}",
        lambda: _build_overview(today),
    )


def _build_overview(today: date) -> Overview:
    """4 queries."""
    tiers = list(Tier.objects.order_by("number"))
    # Grouped in SQL: the slots only depend on tier and donee status, so a handful of rows
    # replace one row per participating CSO (thousands, turned into dicts on every request).
    organizations = list(
        Organization.objects.csos()
        .participating()
        .order_by()
        .values("tier_id", "authorized_donee")
        .annotate(n=Count("pk"))
    )
    items = list(ComplianceItem.objects.values("pk", "area", "applies_to"))
    slots_by_tier, slots_by_area = _slots(organizations, items)
    counted = (
        OrganizationCompliance.objects.filter(
            organization__in=Organization.objects.csos().participating()
        )
        .exclude(Q(item__applies_to=DONEE_ONLY) & Q(organization__authorized_donee=False))
        .values("item__area", "organization__tier_id", "status")
        .annotate(n=Count("id"))
    )
    compliant: dict[tuple, int] = defaultdict(int)
    not_applicable: dict[tuple, int] = defaultdict(int)
    for row in counted:
        for key in ((row["organization__tier_id"], row["item__area"]), (None, row["item__area"])):
            if row["status"] == ComplianceStatus.COMPLIANT:
                compliant[key] += row["n"]
            elif row["status"] == ComplianceStatus.NOT_APPLICABLE:
                not_applicable[key] += row["n"]
    labels = dict(LegalArea.choices)
    rows = []
    for area in LegalArea.values:
        cells = []
        for tier in tiers:
            key = (tier.pk, area)
            cells.append(_percent(compliant[key], slots_by_tier[key] - not_applicable[key]))
        total_key = (None, area)
        rows.append(
            {
                "area": area,
                "label": labels[area],
                "cells": cells,
                "total": _percent(
                    compliant[total_key], slots_by_area[area] - not_applicable[total_key]
                ),
            }
        )
    history = yearly_history(
        Organization.objects.csos().participating(), slots=sum(slots_by_area.values()), today=today
    )
    return Overview(
        tiers=tiers, rows=rows, history=history, organizations=sum(o["n"] for o in organizations)
    )


def yearly_history(organizations, *, slots: int, today: date) -> list[tuple[int, Decimal | None]]:
    """Percent compliant among `organizations` at the end of each year since FIRST_YEAR
    (donee-only items count for authorized donees only), counted in SQL (1 query).

    The same figures as compliance_history(), which replays every change in Python: here each
    change holds from the year it was checked until the year of the same item's next change,
    and the changes are counted by (status, from, until), a few hundred rows whatever the size
    of the program. The next change is found over the whole table, in the order of the
    (organization, item, checked_on, id) index, and only then are organizations left out:
    they leave out whole (organization, item) series, and joined first they made PostgreSQL
    sort every change on disk (880 ms against 440 ms at 10,000 organizations).
    """
    spans = (
        ComplianceChange.objects.order_by()
        .annotate(
            since=ExtractYear("checked_on"),
            until=Window(
                Lead(ExtractYear("checked_on")),
                partition_by=[F("organization_id"), F("item_id")],
                order_by=[F("checked_on").asc(), F("id").asc()],
            ),
        )
        .values("organization_id", "item_id", "status", "since", "until")
    )
    counted, counted_params = _compiled(spans)
    members, members_params = _compiled(organizations.values("pk"))
    donees, donees_params = _compiled(organizations.filter(authorized_donee=True).values("pk"))
    donee_items, donee_items_params = _compiled(
        ComplianceItem.objects.filter(applies_to=DONEE_ONLY).values("pk")
    )
    quote = connection.ops.quote_name
    organization, item = quote("organization_id"), quote("item_id")
    columns = ", ".join(quote(name) for name in ("status", "since", "until"))
    grouped = (
        f"SELECT {columns}, COUNT(*) FROM ({counted}) spans "  # noqa: S608 - names from the code
        f"WHERE {organization} IN ({members}) "
        f"AND ({item} NOT IN ({donee_items}) OR {organization} IN ({donees})) "
        f"GROUP BY {columns}"
    )
    params = (*counted_params, *members_params, *donee_items_params, *donees_params)
    held: dict[tuple[int, str], int] = defaultdict(int)
    with connection.cursor() as cursor:
        cursor.execute(grouped, params)
        for status, since, until, n in cursor.fetchall():
            # At the end of year Y a change holds if it was checked by then (since <= Y) and
            # the item's next change came later (Y < until).
            last = today.year if until is None else min(int(until) - 1, today.year)
            for year in range(max(int(since), FIRST_YEAR), last + 1):
                held[(year, status)] += n
    return [
        (
            year,
            _percent(
                held[(year, ComplianceStatus.COMPLIANT)],
                slots - held[(year, ComplianceStatus.NOT_APPLICABLE)],
            ),
        )
        for year in range(FIRST_YEAR, today.year + 1)
    ]


def _compiled(queryset) -> tuple[str, tuple]:
    """A subquery's SQL, without the model's ordering (a sort of its rows for nothing)."""
    return queryset.order_by().query.sql_with_params()


def compliance_history(
    changes, items: list[dict], slots: int, *, donee: set[int] | None
) -> list[tuple[int, Decimal | None]]:
    """Percent compliant at the end of each year since 2016, from the dated changes (1 query).

    donee: the authorized donees among the changes' organizations, or None when `changes`
    already leaves out the donee-only items of the others.
    """
    donee_only = {item["pk"] for item in items if item["applies_to"] == DONEE_ONLY}
    today = timezone.localdate()
    years = list(range(FIRST_YEAR, today.year + 1))
    state: dict[tuple[int, int], str] = {}
    result = []
    ordered = changes.order_by("checked_on", "id").values_list(
        "organization_id", "item_id", "status", "checked_on"
    )
    pending = iter(ordered)
    upcoming = next(pending, None)
    for year in years:
        end = date(year, 12, 31)
        while upcoming is not None and upcoming[3] <= end:
            org_id, item_id, status, _checked = upcoming
            if donee is None or item_id not in donee_only or org_id in donee:
                state[(org_id, item_id)] = status
            upcoming = next(pending, None)
        statuses = list(state.values())
        na = statuses.count(ComplianceStatus.NOT_APPLICABLE)
        result.append((year, _percent(statuses.count(ComplianceStatus.COMPLIANT), slots - na)))
    return result


def organization_history(checklist: Checklist) -> list[tuple[int, Decimal | None]]:
    organization = checklist.organization
    items = [
        {"pk": line.item.pk, "area": line.item.area, "applies_to": line.item.applies_to}
        for _summary, lines in checklist.areas
        for line in lines
    ]
    slots = sum(1 for _s, lines in checklist.areas for line in lines if line.applies)
    return compliance_history(
        ComplianceChange.objects.filter(organization=organization),
        items,
        slots,
        donee={organization.pk} if organization.authorized_donee else set(),
    )
