"""Reads for capacity pages: an organization's scores, cohort medians and the score list.

Each function issues a fixed number of queries whatever the number of organizations.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Case,
    DecimalField,
    F,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)

from .models import Area, AreaScore, Assessment, Framework, Organization, Rating


def organization_scores(organization: Organization) -> list[dict]:
    """Per instrument: latest and baseline area scores, change, history, weakest indicators."""
    assessments = list(
        Assessment.objects.validated()
        .filter(organization=organization)
        .select_related("framework")
        .order_by("assessed_on", "id")
    )
    if not assessments:
        return []
    scores = defaultdict(dict)
    for row in AreaScore.objects.filter(assessment__in=assessments).values(
        "assessment_id", "area_id", "score"
    ):
        scores[row["assessment_id"]][row["area_id"]] = row["score"]
    framework_ids = {a.framework_id for a in assessments}
    areas_by_framework = defaultdict(list)
    for area in Area.objects.filter(framework_id__in=framework_ids).order_by("position"):
        areas_by_framework[area.framework_id].append(area)
    by_code: dict[str, list[Assessment]] = defaultdict(list)
    for assessment in assessments:
        by_code[assessment.framework.code].append(assessment)
    latest_ids = [items[-1].pk for items in by_code.values()]
    weakest = _weakest_indicators(latest_ids)
    result = []
    for items in by_code.values():
        baseline, latest = items[0], items[-1]
        rows = []
        for area in areas_by_framework[latest.framework_id]:
            now = scores[latest.pk].get(area.pk)
            before = _score_for_code(
                scores[baseline.pk], areas_by_framework[baseline.framework_id], area.code
            )
            rows.append(
                {
                    "area": area,
                    "score": now,
                    "baseline": before,
                    "change": (now - before) if now is not None and before is not None else None,
                    "weakest": weakest.get((latest.pk, area.pk), []),
                }
            )
        result.append(
            {
                "framework": latest.framework,
                "latest": latest,
                "baseline": baseline if baseline.pk != latest.pk else None,
                "areas": rows,
                "overall_change": (latest.overall_score - baseline.overall_score)
                if baseline.pk != latest.pk
                and latest.overall_score is not None
                and baseline.overall_score is not None
                else None,
                "history": [
                    {
                        "date": a.assessed_on.isoformat(),
                        "kind": a.get_kind_display(),
                        "score": float(a.overall_score) if a.overall_score is not None else None,
                    }
                    for a in items
                ],
            }
        )
    return result


def _score_for_code(scores: dict, areas: list[Area], code: str):
    for area in areas:
        if area.code == code:
            return scores.get(area.pk)
    return None


def _weakest_indicators(assessment_ids: list[int], per_area: int = 2) -> dict:
    weakest = defaultdict(list)
    ratings = (
        Rating.objects.filter(
            assessment_id__in=assessment_ids, level__isnull=False, not_applicable=False
        )
        .select_related("indicator")
        .order_by("assessment_id", "indicator__area_id", "level", "indicator__position")
    )
    for rating in ratings:
        key = (rating.assessment_id, rating.indicator.area_id)
        if len(weakest[key]) < per_area:
            weakest[key].append(rating)
    return weakest


def area_medians(framework: Framework, organizations: QuerySet[Organization]) -> dict[str, Decimal]:
    """Median area score (by area code) over each organization's latest assessment."""
    latest = Assessment.objects.latest_per_organization().filter(
        framework__code=framework.code, organization__in=organizations
    )
    rows = AreaScore.objects.filter(assessment__in=latest).values_list("area__code", "score")
    if connection.vendor == "postgresql":
        sql, params = rows.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT code, percentile_cont(0.5) WITHIN GROUP (ORDER BY score) "  # noqa: S608
                f"FROM ({sql}) AS s(code, score) GROUP BY code",
                params,
            )
            return {code: Decimal(str(round(value, 2))) for code, value in cursor.fetchall()}
    values = defaultdict(list)
    for code, score in rows:
        values[code].append(score)
    return {code: Decimal(str(round(statistics.median(v), 2))) for code, v in values.items()}


def cohort_comparison(organization: Organization, framework: Framework) -> dict:
    participants = Organization.objects.participating()
    tier = participants.filter(tier_id=organization.tier_id) if organization.tier_id else None
    return {
        "tier": area_medians(framework, tier) if tier is not None else {},
        "all": area_medians(framework, participants),
    }


def organizations_with_scores(queryset: QuerySet[Organization], framework_code: str):
    """Annotate latest overall score, baseline overall score and last validated date.

    score_change is empty while the baseline is the only validated assessment: there is no
    change since the baseline yet (not a change of 0).
    """
    same = Assessment.objects.validated().filter(
        organization=OuterRef("pk"), framework__code=framework_code
    )
    decimal = DecimalField(max_digits=6, decimal_places=2)
    newest, oldest = same.order_by("-assessed_on", "-id"), same.order_by("assessed_on", "id")
    annotated = queryset.annotate(
        latest_id=Subquery(newest.values("pk")[:1]),
        baseline_id=Subquery(oldest.values("pk")[:1]),
        latest_score=Subquery(newest.values("overall_score")[:1], output_field=decimal),
        baseline_score=Subquery(oldest.values("overall_score")[:1], output_field=decimal),
        last_validated=Subquery(
            same.values("organization").annotate(last=Max("assessed_on")).values("last")[:1]
        ),
    )
    return annotated.annotate(
        score_change=Case(
            When(latest_id=F("baseline_id"), then=Value(None)),
            default=F("latest_score") - F("baseline_score"),
            output_field=decimal,
        )
    )
