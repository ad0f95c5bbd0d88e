"""Reads for capacity pages: an organization's scores, cohort medians and the score list.

Each function issues a fixed number of queries whatever the number of organizations.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Q, QuerySet, Subquery

from .models import Area, AreaScore, Assessment, CohortMedian, Framework, Organization, Rating


def _validated_by_instrument(organization: Organization) -> dict[str, list[Assessment]]:
    """The organization's validated assessments per instrument code, oldest first."""
    by_code: dict[str, list[Assessment]] = defaultdict(list)
    assessments = (
        Assessment.objects.validated()
        .filter(organization=organization)
        .select_related("framework")
        .order_by("assessed_on", "id")
    )
    for assessment in assessments:
        by_code[assessment.framework.code].append(assessment)
    return by_code


def _overall_change(baseline: Assessment, latest: Assessment) -> Decimal | None:
    if baseline.pk == latest.pk or None in (latest.overall_score, baseline.overall_score):
        return None
    return latest.overall_score - baseline.overall_score


def instrument_summary(organization: Organization) -> list[dict]:
    """Per instrument: the latest validated assessment and its overall change since the
    baseline, in one query: what the organization page's capacity panel shows, without the
    area scores, history and weakest indicators of organization_scores (three queries more,
    the largest reading every rating of the latest assessments)."""
    return [
        {
            "framework": items[-1].framework,
            "latest": items[-1],
            "overall_change": _overall_change(items[0], items[-1]),
        }
        for items in _validated_by_instrument(organization).values()
    ]


def organization_scores(organization: Organization) -> list[dict]:
    """Per instrument: latest and baseline area scores, change, history, weakest indicators."""
    by_code = _validated_by_instrument(organization)
    if not by_code:
        return []
    assessments = [a for items in by_code.values() for a in items]
    scores = defaultdict(dict)
    for row in AreaScore.objects.filter(assessment__in=assessments).values(
        "assessment_id", "area_id", "score"
    ):
        scores[row["assessment_id"]][row["area_id"]] = row["score"]
    framework_ids = {a.framework_id for a in assessments}
    areas_by_framework = defaultdict(list)
    for area in Area.objects.filter(framework_id__in=framework_ids).order_by("position"):
        areas_by_framework[area.framework_id].append(area)
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
                "overall_change": _overall_change(baseline, latest),
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


def instrument_versions() -> tuple[list[Framework], dict[str, list[int]]]:
    """The newest version of each instrument (by code) and the ids of every version of each,
    in one query: the capacity list offers the newest and scores any version, by id, so that its
    subqueries need not join the frameworks to compare codes."""
    newest: dict[str, Framework] = {}
    ids: dict[str, list[int]] = defaultdict(list)
    for framework in Framework.objects.order_by("code", "-version"):
        newest.setdefault(framework.code, framework)
        ids[framework.code].append(framework.pk)
    return list(newest.values()), ids


def organizations_with_scores(queryset: QuerySet[Organization], framework_ids: list[int]):
    """Annotate latest overall score, baseline overall score and last validated date, on the
    instrument whose versions are framework_ids.

    Five subqueries, each one index lookup per organization: the last validated date is the
    latest assessment's (it is the newest by date), and the change since the baseline is left
    to with_score_change on the rows read (a CASE over these annotations repeated four of the
    subqueries in the statement: Django writes an annotation out again wherever it is used).
    """
    same = Assessment.objects.validated().filter(
        organization=OuterRef("pk"), framework_id__in=framework_ids
    )
    decimal = DecimalField(max_digits=6, decimal_places=2)
    newest, oldest = same.order_by("-assessed_on", "-id"), same.order_by("assessed_on", "id")
    return queryset.annotate(
        latest_id=Subquery(newest.values("pk")[:1]),
        baseline_id=Subquery(oldest.values("pk")[:1]),
        latest_score=Subquery(newest.values("overall_score")[:1], output_field=decimal),
        baseline_score=Subquery(oldest.values("overall_score")[:1], output_field=decimal),
        last_validated=Subquery(newest.values("assessed_on")[:1]),
    )


def score_change(organization: Organization) -> Decimal | None:
    """Latest minus baseline overall score of a row of organizations_with_scores; empty while
    the baseline is the only validated assessment: there is no change since the baseline yet
    (not a change of 0)."""
    latest, baseline = organization.latest_score, organization.baseline_score
    if organization.latest_id == organization.baseline_id or None in (latest, baseline):
        return None
    return latest - baseline


def with_score_change(organizations) -> list[Organization]:
    """The rows of organizations_with_scores, read, each with its score_change."""
    rows = list(organizations)
    for organization in rows:
        organization.score_change = score_change(organization)
    return rows
