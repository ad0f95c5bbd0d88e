"""Stored cohort medians: the tier and program medians the scores page compares against.

They depend only on area scores, which change only when scores are written (an assessment's
scoring task or the recompute-all job), so they are refreshed there instead of being sorted out
of every area score of the program on each page view.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction

from ..models import AreaScore, Assessment, CohortMedian, Organization

# One statement for every instrument, tier and area: each participant's newest validated
# assessment per instrument code (any version), then the medians per tier and over all
# participants (GROUPING SETS; GROUPING(tier_id) = 1 marks the all-participants rows).
_MEDIANS_SQL = """
WITH latest AS (
    SELECT DISTINCT ON (a.organization_id, f.code) a.id, f.code AS framework_code, o.tier_id
    FROM organizations_assessment a
    JOIN organizations_framework f ON f.id = a.framework_id
    JOIN organizations_organization o ON o.id = a.organization_id
    WHERE a.status = %s AND o.tier_id IS NOT NULL
    ORDER BY a.organization_id, f.code, a.assessed_on DESC, a.id DESC
)
SELECT l.framework_code, l.tier_id, ar.code,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY s.score), GROUPING(l.tier_id)
FROM latest l
JOIN organizations_areascore s ON s.assessment_id = l.id
JOIN organizations_area ar ON ar.id = s.area_id
GROUP BY GROUPING SETS ((l.framework_code, l.tier_id, ar.code), (l.framework_code, ar.code))
"""


def _rounded(value) -> Decimal:
    return Decimal(str(round(value, 2)))


def _computed_in_sql() -> list[CohortMedian]:
    with connection.cursor() as cursor:
        cursor.execute(_MEDIANS_SQL, [Assessment.Status.VALIDATED])
        return [
            CohortMedian(
                framework_code=code,
                tier_id=None if all_participants else tier_id,
                area_code=area_code,
                median=_rounded(value),
            )
            for code, tier_id, area_code, value, all_participants in cursor.fetchall()
        ]


def _computed_in_python() -> list[CohortMedian]:
    latest = Assessment.objects.latest_per_organization().filter(
        organization__in=Organization.objects.participating()
    )
    values = defaultdict(list)
    rows = AreaScore.objects.filter(assessment__in=latest).values_list(
        "assessment__framework__code", "assessment__organization__tier_id", "area__code", "score"
    )
    for code, tier_id, area_code, score in rows:
        values[(code, tier_id, area_code)].append(score)
        values[(code, None, area_code)].append(score)
    return [
        CohortMedian(
            framework_code=code,
            tier_id=tier_id,
            area_code=area_code,
            median=_rounded(statistics.median(scores)),
        )
        for (code, tier_id, area_code), scores in values.items()
    ]


@transaction.atomic
def refresh_cohort_medians() -> int:
    """Replace the stored medians with ones computed from the current scores."""
    medians = _computed_in_sql() if connection.vendor == "postgresql" else _computed_in_python()
    CohortMedian.objects.all().delete()
    CohortMedian.objects.bulk_create(medians)
    return len(medians)
