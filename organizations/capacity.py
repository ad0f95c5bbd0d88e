"""Reads for capacity pages: an organization's scores, cohort medians and the score list.

Each function issues a fixed number of queries whatever the number of organizations.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from .models import (
    Area,
    AreaScore,
    Assessment,
    CohortMedian,
    Framework,
    Organization,
    Rating,
)


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


def cohort_comparison(organization: Organization, framework: Framework) -> dict:
    """The stored medians (services.medians) of the organization's tier and of all participants,
    by area code, in one query."""
    cohorts = (
        Q(tier=None) | Q(tier_id=organization.tier_id) if organization.tier_id else Q(tier=None)
    )
    result: dict[str, dict[str, Decimal]] = {"tier": {}, "all": {}}
    rows = CohortMedian.objects.filter(cohorts, framework_code=framework.code).values_list(
        "tier_id", "area_code", "median"
    )
    for tier_id, area_code, median in rows:
        result["all" if tier_id is None else "tier"][area_code] = median
    return result


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
