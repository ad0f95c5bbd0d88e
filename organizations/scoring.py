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
    values (and the second run writes nothing). Returns the number of area scores written or
    removed: 0 when nothing changed.
    """
    t = _tables()
    lo = first_id if first_id is not None else 0
    hi = last_id if last_id is not None else 2**62
    now = timezone.now()
    validated = Assessment.Status.VALIDATED
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            written = _score_in_one_pass(cursor, t, now, validated, lo, hi)
        else:
            written = _write_area_scores(cursor, t, now, validated, lo, hi)
            _write_overall_scores(cursor, t, now, validated, lo, hi)
        # Assessments reopened since they were scored lose their scores.
        cursor.execute(
            f"""
            UPDATE {t["assessment"]} SET overall_score = NULL, scored_at = NULL
            WHERE id BETWEEN %s AND %s AND status <> %s AND overall_score IS NOT NULL
            """,  # noqa: S608
            [lo, hi, validated],
        )
    return written


def _computed_area_scores(t: dict[str, str]) -> str:
    """The area scores of validated assessments in [lo, hi], from their ratings. Parameters:
    status, lo, hi, lo, hi."""
    return f"""
        SELECT r.assessment_id, i.area_id,
               ROUND(SUM(i.weight * (r.level - f.scale_min) * 100.0
                         / (f.scale_max - f.scale_min)) / SUM(i.weight), 2) AS score
        FROM {t["rating"]} r
        JOIN {t["indicator"]} i ON i.id = r.indicator_id
        JOIN {t["assessment"]} a ON a.id = r.assessment_id
        JOIN {t["framework"]} f ON f.id = a.framework_id
        WHERE a.status = %s AND a.id BETWEEN %s AND %s
          -- The same range on the ratings too: PostgreSQL then reads them with one index
          -- range scan instead of one probe per assessment.
          AND r.assessment_id BETWEEN %s AND %s
          AND r.level IS NOT NULL AND NOT r.not_applicable
        GROUP BY r.assessment_id, i.area_id
    """  # noqa: S608 - table names come from our models, values are parameters


# Unchanged scores are not written at all: a recompute of a settled program then reads ratings
# and writes almost nothing (no new row versions, no index entries, and none of the row locks
# ON CONFLICT would take even to skip an update).
# {computed}: the computed scores; {existing}: the stored ones to compare with. Parameter: now.
_UPSERT_CHANGED = """
    INSERT INTO {score} (assessment_id, area_id, score, computed_at)
    SELECT c.assessment_id, c.area_id, c.score, %s FROM {computed} c
    WHERE NOT EXISTS (
        SELECT 1 FROM {existing} e
        WHERE e.assessment_id = c.assessment_id AND e.area_id = c.area_id AND e.score = c.score)
    ON CONFLICT (assessment_id, area_id)
    DO UPDATE SET score = excluded.score, computed_at = excluded.computed_at
"""


def _score_in_one_pass(cursor, t, now, validated, lo, hi) -> int:
    """PostgreSQL: one statement per batch. The ratings are aggregated once ("computed"); the
    changed area scores are upserted, the scores of areas without a rated indicator any more
    removed, and each assessment's overall score written when it changed, all from that one
    result (data-modifying WITH). The parts see the tables as they were before the statement
    and touch disjoint rows. The batch's existing scores are read once, by the unique index's
    range, and compared by a hash join instead of one index probe per area score."""
    upsert = _UPSERT_CHANGED.format(score=t["score"], computed="computed", existing="existing")
    cursor.execute(
        f"""
        WITH computed AS MATERIALIZED ({_computed_area_scores(t)}),
        existing AS MATERIALIZED (
            SELECT assessment_id, area_id, score FROM {t["score"]}
            WHERE assessment_id BETWEEN %s AND %s),
        written AS ({upsert} RETURNING 1),
        removed AS (
            DELETE FROM {t["score"]} s
            WHERE s.assessment_id BETWEEN %s AND %s
              AND NOT EXISTS (
                SELECT 1 FROM computed c
                WHERE c.assessment_id = s.assessment_id AND c.area_id = s.area_id)
            RETURNING 1),
        overall AS (
            SELECT c.assessment_id, ROUND(SUM(ar.weight * c.score) / SUM(ar.weight), 2) AS score
            FROM computed c JOIN {t["area"]} ar ON ar.id = c.area_id
            GROUP BY c.assessment_id),
        -- (The two updates run whether or not the final SELECT reads them.)
        scored AS (
            UPDATE {t["assessment"]} a SET overall_score = o.score, scored_at = %s
            FROM overall o
            WHERE a.id = o.assessment_id
              AND (a.overall_score IS NULL OR a.overall_score <> o.score)),
        -- A validated assessment without any rated indicator has no area score: no overall.
        unscored AS (
            UPDATE {t["assessment"]} a SET overall_score = NULL, scored_at = %s
            WHERE a.id BETWEEN %s AND %s AND a.status = %s
              AND (a.overall_score IS NOT NULL OR a.scored_at IS NULL)
              AND NOT EXISTS (SELECT 1 FROM computed c WHERE c.assessment_id = a.id))
        SELECT (SELECT count(*) FROM written) + (SELECT count(*) FROM removed)
        """,  # noqa: S608
        [validated, lo, hi, lo, hi, lo, hi, now, lo, hi, now, now, lo, hi, validated],
    )
    return cursor.fetchone()[0]


def _write_overall_scores(cursor, t, now, validated, lo, hi) -> None:
    """Other databases: each assessment's overall score from its stored area scores."""
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


def _write_area_scores(cursor, t, now, validated, lo, hi) -> int:
    """Other databases (SQLite: no data-modifying WITH): the upsert, then the removal."""
    upsert = _UPSERT_CHANGED.format(
        score=t["score"], computed=f"({_computed_area_scores(t)})", existing=t["score"]
    )
    cursor.execute(upsert, [now, validated, lo, hi, lo, hi])
    written = cursor.rowcount
    cursor.execute(
        f"""
        DELETE FROM {t["score"]}
        -- A score stays while its assessment is validated and its area has a rated indicator.
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
    return written + cursor.rowcount


def score_assessment(assessment_id: int) -> int:
    return recompute_scores(first_id=assessment_id, last_id=assessment_id)


def assessment_id_chunks(chunk_size: int) -> list[tuple[int, int]]:
    """Id ranges of about chunk_size validated assessments each, for recompute-all jobs."""
    ids = list(Assessment.objects.order_by("id").values_list("id", flat=True))
    return [
        (ids[i], ids[min(i + chunk_size, len(ids)) - 1]) for i in range(0, len(ids), chunk_size)
    ]
