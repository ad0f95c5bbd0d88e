"""Scores are computed by a real Celery worker, through Redis, on PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from csa_portal.jobs import start_job
from csa_portal.models import Job
from organizations.models import Area, AreaScore, Assessment, Framework, Indicator, Rating
from organizations.services.assessments import (
    RatingChange,
    RatingInput,
    save_ratings,
    start_assessment,
    submit_assessment,
    validate_assessment,
)

from .conftest import CeleryWorker

pytestmark = [pytest.mark.integration]

NA = "n/a"  # "not applicable" in the level tables below


def wait_until(
    condition: Callable[[], object], worker: CeleryWorker, what: str, timeout: float = 60
):
    """Poll until condition() is truthy; fail with the worker's log after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        worker.assert_alive()
        if time.monotonic() > deadline:
            pytest.fail(
                f"Still waiting for {what} after {timeout}s.\n{worker.log()}", pytrace=False
            )
        time.sleep(0.2)


def wait_for_job(job_id, worker: CeleryWorker, timeout: float = 60) -> Job:
    def finished() -> Job | None:
        job = Job.objects.get(pk=job_id)
        return job if job.is_finished else None

    return wait_until(finished, worker, f"job {job_id} to finish", timeout)


def institutional() -> tuple[Framework, list[Area], dict[str, Indicator]]:
    framework = Framework.objects.current().get(code="csa-institutional")
    areas = list(framework.areas.order_by("position"))
    indicators = {i.code: i for i in Indicator.objects.filter(area__framework=framework)}
    return framework, areas, indicators


def area_scores(assessment: Assessment) -> dict[str, Decimal]:
    rows = AreaScore.objects.filter(assessment=assessment).select_related("area")
    return {row.area.code: row.score for row in rows}


def test_worker_scores_an_assessment_after_validation(celery_worker, cast):
    framework, areas, indicators = institutional()
    assert [a.code for a in areas] == ["internal-capacities", "strategic-alliances", "local-system"]
    # Indicator weights of the shipped instrument (scale 1-4), which the hand computation uses.
    assert [str(indicators[f"internal-capacities-{n}"].weight) for n in range(1, 5)] == [
        "1.50",
        "1.00",
        "1.50",
        "1.00",
    ]
    assert [str(indicators[f"strategic-alliances-{n}"].weight) for n in range(1, 5)] == [
        "1.00",
        "1.00",
        "1.50",
        "1.00",
    ]
    assert [str(indicators[f"local-system-{n}"].weight) for n in range(1, 5)] == [
        "1.50",
        "1.00",
        "1.00",
        "2.00",
    ]
    assert {a.weight for a in areas} == {Decimal(1)}

    assessment = start_assessment(
        organization=cast.org,
        framework=framework,
        kind=Assessment.Kind.BASELINE,
        mode=Assessment.Mode.SELF,
        assessed_on=date(2026, 3, 2),
        created_by=cast.leader,
    )
    self_levels = {
        "internal-capacities": [4, NA, 2, 1],
        "strategic-alliances": [2, 2, 3, 4],
        "local-system": [3, 3, 3, 3],
    }
    for area_code, levels in self_levels.items():  # an area at a time, as the pages save them
        entries = [
            RatingInput(
                indicator_id=indicators[f"{area_code}-{n}"].pk,
                level=None if level == NA else level,
                not_applicable=level == NA,
                evidence="Minuta del consejo." if n == 1 else "",
            )
            for n, level in enumerate(levels, start=1)
        ]
        save_ratings(assessment=assessment, entries=entries, saved_by=cast.leader)
    submit_assessment(assessment=assessment, submitted_by=cast.leader)
    # Validation: 3 instead of 2 for internal-capacities-3; confirming a level is no change.
    validate_assessment(
        assessment=assessment,
        validated_by=cast.staff,
        changes=[
            RatingChange(
                indicator_id=indicators["internal-capacities-3"].pk,
                level=3,
                reason="Hay un calendario de cumplimiento por escrito.",
            ),
            RatingChange(indicator_id=indicators["local-system-1"].pk, level=3, reason=""),
        ],
    )
    changed = Rating.objects.get(assessment=assessment, indicator__code="internal-capacities-3")
    assert (changed.self_level, changed.level) == (2, 3)

    # The commit sent the scoring task to Redis; the worker writes the scores.
    assessment = wait_until(
        lambda: Assessment.objects.filter(pk=assessment.pk, overall_score__isnull=False).first(),
        celery_worker,
        "the overall score",
    )

    # By hand: level L is worth (L - 1) / 3 x 100; an area is the mean weighted by indicator
    # weight over rated indicators ("not applicable" left out), rounded to 2 places; overall
    # is the mean of the area scores weighted by area weight (all 1 here), rounded.
    #   internal-capacities, levels 4 n/a 3 1, weights 1.5 - 1.5 1:
    #     (1.5 x 100 + 1.5 x 66.66.. + 0) / 4 = 250 / 4 = 62.50
    #   strategic-alliances, levels 2 2 3 4, weights 1 1 1.5 1:
    #     (33.33.. + 33.33.. + 1.5 x 66.66.. + 100) / 4.5 = 266.66.. / 4.5 = 59.26
    #   local-system, levels 3 3 3 3: 66.67
    #   overall: (62.50 + 59.26 + 66.67) / 3 = 188.43 / 3 = 62.81
    assert area_scores(assessment) == {
        "internal-capacities": Decimal("62.50"),
        "strategic-alliances": Decimal("59.26"),
        "local-system": Decimal("66.67"),
    }
    assert assessment.overall_score == Decimal("62.81")
    assert assessment.scored_at is not None
    assert assessment.status == Assessment.Status.VALIDATED
    # The worker process computed them (this process is not eager): one scoring task.
    assert celery_worker.tasks_run() == {"organizations.tasks.score_assessment": 1}


def _validated(organization, framework, levels_by_indicator: dict[Indicator, int], **fields):
    """A validated assessment written directly, as a data load would: nothing scores it."""
    assessment = Assessment.objects.create(
        organization=organization,
        framework=framework,
        assessed_on=date(2026, 3, 2),
        status=Assessment.Status.VALIDATED,
        **fields,
    )
    Rating.objects.bulk_create(
        Rating(assessment=assessment, indicator=indicator, level=level)
        for indicator, level in levels_by_indicator.items()
    )
    return assessment


def test_recompute_all_scores_job_runs_in_the_worker(celery_worker, cast):
    framework, areas, _indicators = institutional()
    internal, strategic, local = areas
    long_ago = timezone.now() - timedelta(days=30)

    # Every indicator of the first area at 4 and of the second at 1; the third is unrated and
    # has a stale score from earlier, which must go.
    full = _validated(
        cast.org,
        framework,
        {
            **dict.fromkeys(internal.indicators.all(), 4),
            **dict.fromkeys(strategic.indicators.all(), 1),
        },
    )
    AreaScore.objects.create(assessment=full, area=local, score=Decimal(12), computed_at=long_ago)
    AreaScore.objects.create(assessment=full, area=internal, score=Decimal(1), computed_at=long_ago)
    # Only the first area, levels 2 3 2 3 with weights 1.5 1 1.5 1.
    partial = _validated(
        cast.other_org,
        framework,
        dict(zip(internal.indicators.order_by("position"), [2, 3, 2, 3], strict=True)),
        overall_score=Decimal("99.00"),
    )
    # Reopened after it was scored: its scores are removed.
    reopened = Assessment.objects.create(
        organization=cast.org,
        framework=framework,
        assessed_on=date(2025, 3, 2),
        status=Assessment.Status.DRAFT,
        overall_score=Decimal("40.00"),
        scored_at=long_ago,
    )
    AreaScore.objects.create(
        assessment=reopened, area=internal, score=Decimal(40), computed_at=long_ago
    )

    job = start_job(kind="organizations.recompute_scores", created_by=cast.staff)
    job = wait_for_job(job.pk, celery_worker)

    assert job.status == Job.Status.SUCCEEDED, job.error
    assert (job.progress, job.attempts) == (100, 1)
    # Written: full's two areas and partial's one; removed: full's stale area, reopened's score.
    assert job.result == {"scores": 5}
    with translation.override(settings.LANGUAGE_CODE):  # the worker's language
        assert job.message == gettext("%(done)s of %(total)s batches") % {"done": 1, "total": 1}

    # By hand: all 4 -> 100.00; all 1 -> 0.00; overall (100 + 0) / 2 = 50.00.
    full.refresh_from_db()
    assert area_scores(full) == {
        "internal-capacities": Decimal("100.00"),
        "strategic-alliances": Decimal("0.00"),
    }
    assert full.overall_score == Decimal("50.00")
    # (1.5 x 33.33.. + 66.66.. + 1.5 x 33.33.. + 66.66..) / 5 = 233.33.. / 5 = 46.67
    partial.refresh_from_db()
    assert area_scores(partial) == {"internal-capacities": Decimal("46.67")}
    assert partial.overall_score == Decimal("46.67")
    reopened.refresh_from_db()
    assert (reopened.overall_score, reopened.scored_at) == (None, None)
    assert area_scores(reopened) == {}
    assert celery_worker.tasks_run() == {"csa_portal.tasks.run_job": 1}
