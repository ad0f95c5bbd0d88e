"""Set-based scoring in SQL.

Area score = weighted mean over rated indicators of (level - min) / (max - min) x 100, where
"not applicable" and unrated indicators are left out; overall = weighted mean of the area
scores by area weight. Only validated assessments are scored. Each statement touches every
selected assessment at once: no query per organization or per assessment.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from .models import Area, AreaScore, Assessment, Framework, Indicator, Rating


def _tables() -> dict[str, str]:
    return {
        "rating": Rating._meta.db_table,
        "indicator": Indicator._meta.db_table,
        "assessment": Assessment._meta.db_table,
        "framework": Framework._meta.db_table,
        "area": Area._meta.db_table,
        "score": AreaScore._meta.db_table,
    }


@transaction.atomic
def recompute_scores(*, first_id: int | None = None, last_id: int | None = None) -> int:
    """Score the validated assessments with first_id <= id <= last_id (all when not given).

    Idempotent: an upsert per (assessment, area) whose score changed, then rows of areas that
    no longer have a rated indicator are removed, so running it twice leaves the same rows and
    values (and the second run writes nothing). Returns the number of area scores written.
    """
    t = _tables()
    lo = first_id if first_id is not None else 0
    hi = last_id if last_id is not None else 2**62
    now = timezone.now()
    validated = Assessment.Status.VALIDATED
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {t["score"]} (assessment_id, area_id, score, computed_at)
            SELECT c.assessment_id, c.area_id, c.score, %s
            FROM (
                SELECT r.assessment_id, i.area_id,
                       ROUND(SUM(i.weight * (r.level - f.scale_min) * 100.0
                                 / (f.scale_max - f.scale_min)) / SUM(i.weight), 2) AS score
                FROM {t["rating"]} r
                JOIN {t["indicator"]} i ON i.id = r.indicator_id
                JOIN {t["assessment"]} a ON a.id = r.assessment_id
                JOIN {t["framework"]} f ON f.id = a.framework_id
                WHERE a.status = %s AND a.id BETWEEN %s AND %s
                  -- The same range on the ratings too: PostgreSQL then reads them with one
                  -- index range scan instead of one probe per assessment.
                  AND r.assessment_id BETWEEN %s AND %s
                  AND r.level IS NOT NULL AND NOT r.not_applicable
                GROUP BY r.assessment_id, i.area_id
            ) c
            -- Unchanged scores are not written at all: a recompute of a settled program
            -- then reads ratings and writes almost nothing (no new row versions, no index
            -- entries, no row locks that ON CONFLICT would take even to skip an update).
            WHERE NOT EXISTS (
                SELECT 1 FROM {t["score"]} s
                WHERE s.assessment_id = c.assessment_id AND s.area_id = c.area_id
                  AND s.score = c.score)
            ON CONFLICT (assessment_id, area_id)
            DO UPDATE SET score = excluded.score, computed_at = excluded.computed_at
            """,  # noqa: S608 - table names come from our models, values are parameters
            [now, validated, lo, hi, lo, hi],
        )
        written = cursor.rowcount
        cursor.execute(
            f"""
            DELETE FROM {t["score"]}
            -- The range on the score's own column, not "IN (SELECT id FROM assessment ...)":
            -- PostgreSQL planned that as a scan of every score (1.1 s a batch at 100,000
            -- organizations) where this is a range scan of the unique index. A score stays
            -- while its assessment is validated and its area has a rated indicator.
            WHERE assessment_id BETWEEN %s AND %s
              AND NOT EXISTS (
                SELECT 1 FROM {t["rating"]} r
                JOIN {t["indicator"]} i ON i.id = r.indicator_id
                JOIN {t["assessment"]} a ON a.id = r.assessment_id
                WHERE r.assessment_id = {t["score"]}.assessment_id
                  AND i.area_id = {t["score"]}.area_id AND a.status = %s
                  AND r.level IS NOT NULL AND NOT r.not_applicable)
            """,  # noqa: S608
            [lo, hi, validated],
        )
        cursor.execute(
            f"""
            UPDATE {t["assessment"]} SET overall_score = o.score, scored_at = %s
            -- One grouped pass over the batch's area scores, not a correlated subquery per
            -- assessment (that probed the score index once per assessment and area).
            -- "* 1.0": SQLite stores whole-number weights and scores as integers, and
            -- would otherwise divide them as integers (81.25 came out as 81).
            FROM (
                SELECT s.assessment_id,
                       ROUND(SUM(ar.weight * s.score) * 1.0 / SUM(ar.weight), 2) AS score
                FROM {t["score"]} s JOIN {t["area"]} ar ON ar.id = s.area_id
                WHERE s.assessment_id BETWEEN %s AND %s
                GROUP BY s.assessment_id
            ) o
            WHERE {t["assessment"]}.id = o.assessment_id
              AND {t["assessment"]}.id BETWEEN %s AND %s AND {t["assessment"]}.status = %s
              -- Written only when it changes (scored_at: when the score last changed).
              AND ({t["assessment"]}.overall_score IS NULL
                   OR {t["assessment"]}.overall_score <> o.score)
            """,  # noqa: S608
            [now, lo, hi, lo, hi, validated],
        )
        # A validated assessment without any rated indicator has no area score: no overall.
        cursor.execute(
            f"""
            UPDATE {t["assessment"]} SET overall_score = NULL, scored_at = %s
            WHERE id BETWEEN %s AND %s AND status = %s
              AND (overall_score IS NOT NULL OR scored_at IS NULL)
              AND NOT EXISTS (
                SELECT 1 FROM {t["score"]} s WHERE s.assessment_id = {t["assessment"]}.id)
            """,  # noqa: S608
            [now, lo, hi, validated],
        )
        # Assessments reopened since they were scored lose their scores.
        cursor.execute(
            f"""
            UPDATE {t["assessment"]} SET overall_score = NULL, scored_at = NULL
            WHERE id BETWEEN %s AND %s AND status <> %s AND overall_score IS NOT NULL
            """,  # noqa: S608
            [lo, hi, validated],
        )
    return written


def score_assessment(assessment_id: int) -> int:
    return recompute_scores(first_id=assessment_id, last_id=assessment_id)


def assessment_id_chunks(chunk_size: int) -> list[tuple[int, int]]:
    """Id ranges of about chunk_size validated assessments each, for recompute-all jobs."""
    ids = list(Assessment.objects.order_by("id").values_list("id", flat=True))
    return [
        (ids[i], ids[min(i + chunk_size, len(ids)) - 1]) for i in range(0, len(ids), chunk_size)
    ]
