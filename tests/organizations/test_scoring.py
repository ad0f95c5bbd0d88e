"""Scores: the formula against hand-computed cases, the set-based recompute against a plain
per-assessment computation, idempotence, and scores following validation and reopening."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from csa_portal.jobs import start_job
from csa_portal.models import Job
from organizations import scoring
from organizations.models import Area, AreaScore, Assessment, Indicator, Rating
from organizations.services.assessments import reopen_assessment
from tests.capacity_helpers import (
    NA,
    areas_of,
    fill,
    indicators_of,
    make_framework,
    reference_scores,
    start,
    submitted_assessment,
    validated_assessment,
)
from tests.personas import make_organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny():
    return make_framework()


def area_scores(assessment: Assessment) -> dict[str, Decimal]:
    return {
        s.area.code: s.score
        for s in AreaScore.objects.filter(assessment=assessment).select_related("area")
    }


def score(cast, framework, levels, changes=None, **kw) -> Assessment:
    assessment = validated_assessment(
        cast.org,
        framework,
        leader=cast.leader,
        staff=cast.staff,
        levels=levels,
        changes=changes,
        **kw,
    )
    scoring.recompute_scores()
    assessment.refresh_from_db()
    return assessment


# --- the formula, by hand ------------------------------------------------------------------


def test_weights_not_applicable_and_unrated_indicators(cast, tiny):
    # Scale 1-4, so a level is worth (level - 1) / 3 x 100.
    # Area a (weight 2): a1 (w 1) level 4 -> 100; a2 (w 3) level 2 -> 33.33..; a3 n/a, left out.
    #   (1 x 100 + 3 x 33.33..) / (1 + 3) = 200 / 4 = 50.00
    # Area b (weight 1): b1 (w 1) level 3 -> 66.66..; b2 (w 1) level 1 -> 0; b3 unrated, left out.
    #   (66.66.. + 0) / 2 = 33.33
    # Overall: (2 x 50.00 + 1 x 33.33) / 3 = 44.44
    assessment = score(cast, tiny, {"a1": 4, "a2": 2, "a3": NA, "b1": 3, "b2": 1})

    assert area_scores(assessment) == {"a": Decimal("50.00"), "b": Decimal("33.33")}
    assert assessment.overall_score == Decimal("44.44")
    assert assessment.scored_at is not None


def test_an_unrated_rating_row_is_left_out_like_a_missing_one(cast, tiny):
    # b3 saved without a level (a half-done entry) must not count as level 1 or 0.
    assessment = score(cast, tiny, {"a1": 4, "a2": 2, "b1": 3, "b2": 1, "b3": None})

    assert Rating.objects.filter(assessment=assessment, indicator__code="b3").exists()
    assert area_scores(assessment)["b"] == Decimal("33.33")


def test_weights_change_the_result(cast):
    # The same levels with equal weights: a = (100 + 33.33..) / 2 = 66.67, b = 33.33,
    # overall = (66.67 + 33.33) / 2 = 50.00.
    flat = make_framework(
        "flat",
        areas=[
            ("a", "1", [("a1", "1", True), ("a2", "1", True)]),
            ("b", "1", [("b1", "1", True), ("b2", "1", True)]),
        ],
    )
    assessment = score(cast, flat, {"a1": 4, "a2": 2, "b1": 3, "b2": 1})

    assert area_scores(assessment) == {"a": Decimal("66.67"), "b": Decimal("33.33")}
    assert assessment.overall_score == Decimal("50.00")


def test_the_scale_minimum_is_subtracted(cast):
    # Scale 0-2: level 1 -> 50, level 0 -> 0, level 2 -> 100.
    # x (weight 1): (1 x 50 + 1 x 0) / 2 = 25.00; y (weight 3): 100.00
    # Overall: (1 x 25 + 3 x 100) / 4 = 81.25
    zero = make_framework(
        "zero",
        scale=(0, 2),
        areas=[
            ("x", "1", [("x1", "1", True), ("x2", "1", True)]),
            ("y", "3", [("y1", "1", True)]),
        ],
    )
    assessment = score(cast, zero, {"x1": 1, "x2": 0, "y1": 2})

    assert area_scores(assessment) == {"x": Decimal("25.00"), "y": Decimal("100.00")}
    assert assessment.overall_score == Decimal("81.25")


def test_a_five_level_scale(cast):
    # Scale 1-5: level 2 -> 25, level 5 -> 100; weights 1.5 and 0.5:
    # (1.5 x 25 + 0.5 x 100) / 2 = 43.75
    five = make_framework(
        "five", scale=(1, 5), areas=[("x", "1", [("x1", "1.5", True), ("x2", "0.5", True)])]
    )
    assessment = score(cast, five, {"x1": 2, "x2": 5})

    assert area_scores(assessment) == {"x": Decimal("43.75")}
    assert assessment.overall_score == Decimal("43.75")


def test_an_area_without_rated_indicators_has_no_score_and_is_left_out_of_the_overall(cast, tiny):
    # Area a is all "not applicable": no row for it, and it does not pull the overall down.
    # b = (100 + 33.33..) / 2 = 66.67; overall = 66.67 (only b counts).
    assessment = score(cast, tiny, {"a1": NA, "a2": NA, "b1": 4, "b2": 2})

    assert area_scores(assessment) == {"b": Decimal("66.67")}
    assert assessment.overall_score == Decimal("66.67")


def test_everything_not_applicable_gives_no_scores(cast, tiny):
    assessment = score(cast, tiny, {"a1": NA, "a2": NA, "b1": NA, "b2": NA})

    assert area_scores(assessment) == {}
    assert assessment.overall_score is None


def test_the_agreed_level_is_scored_not_the_self_rating(cast, tiny):
    # b2 self-rated 1, agreed 3 at validation: b = (66.66.. + 66.66..) / 2 = 66.67;
    # overall = (2 x 50 + 66.67) / 3 = 55.56
    assessment = score(
        cast,
        tiny,
        {"a1": 4, "a2": 2, "a3": NA, "b1": 3, "b2": 1},
        changes={"b2": (3, "El acta de la asamblea muestra el avance.")},
    )

    assert area_scores(assessment) == {"a": Decimal("50.00"), "b": Decimal("66.67")}
    assert assessment.overall_score == Decimal("55.56")


def test_drafts_and_submitted_assessments_are_not_scored(cast, tiny):
    submitted_assessment(cast.org, tiny, cast.leader)
    draft = start(cast.org, tiny, cast.leader)
    fill(draft, cast.leader, {"a1": 4, "a2": 4, "b1": 4, "b2": 4})

    scoring.recompute_scores()

    assert AreaScore.objects.count() == 0
    assert set(Assessment.objects.values_list("overall_score", flat=True)) == {None}


# --- set-based recompute against a plain computation ---------------------------------------


def random_world(rng: random.Random, organizations: int = 6) -> list[Assessment]:
    """Organizations with several assessments each on two instruments, random ratings."""
    frameworks = [
        make_framework(),
        make_framework(
            "wide",
            scale=(0, 5),
            areas=[
                ("p", "1.5", [("p1", "2", True), ("p2", "0.5", True), ("p3", "1", True)]),
                ("q", "0.75", [("q1", "1", True), ("q2", "3", True)]),
                ("r", "2", [("r1", "1.25", True)]),
            ],
        ),
    ]
    indicators = {f.pk: list(Indicator.objects.filter(area__framework=f)) for f in frameworks}
    statuses = [Assessment.Status.VALIDATED] * 4 + [
        Assessment.Status.SUBMITTED,
        Assessment.Status.DRAFT,
    ]
    assessments = []
    for n in range(organizations):
        organization = make_organization(f"Organización aleatoria {n}")
        for k in range(rng.randint(1, 4)):
            framework = rng.choice(frameworks)
            assessments.append(
                Assessment(
                    organization=organization,
                    framework=framework,
                    assessed_on=date(2017, 1, 1) + timedelta(days=200 * k),
                    status=rng.choice(statuses),
                )
            )
    Assessment.objects.bulk_create(assessments)
    ratings = []
    for assessment in assessments:
        framework = assessment.framework
        for indicator in indicators[framework.pk]:
            roll = rng.random()
            if roll < 0.1:
                continue  # no rating row at all
            if roll < 0.2:
                ratings.append(Rating(assessment=assessment, indicator=indicator, level=None))
            elif roll < 0.3:
                ratings.append(
                    Rating(assessment=assessment, indicator=indicator, not_applicable=True)
                )
            else:
                level = rng.randint(framework.scale_min, framework.scale_max)
                ratings.append(Rating(assessment=assessment, indicator=indicator, level=level))
    Rating.objects.bulk_create(ratings)
    return assessments


def assert_matches_reference(assessments: list[Assessment]) -> None:
    stored = {
        (s.assessment_id, s.area_id): s.score
        for s in AreaScore.objects.filter(assessment__in=assessments)
    }
    expected_keys = set()
    for assessment in Assessment.objects.filter(pk__in=[a.pk for a in assessments]).select_related(
        "framework"
    ):
        if assessment.status != Assessment.Status.VALIDATED:
            assert assessment.overall_score is None
            continue
        areas, overall = reference_scores(assessment)
        for area_id, expected in areas.items():
            expected_keys.add((assessment.pk, area_id))
            # SQLite computes in floating point: allow one unit in the last decimal for ties.
            assert abs(stored[(assessment.pk, area_id)] - expected) <= Decimal("0.01"), (
                assessment.pk,
                area_id,
            )
        if overall is None:
            assert assessment.overall_score is None
        else:
            assert abs(assessment.overall_score - overall) <= Decimal("0.01"), assessment.pk
    assert set(stored) == expected_keys


@pytest.mark.parametrize("seed", [3, 17, 2026])
def test_set_based_recompute_equals_a_per_assessment_computation(seed):
    assessments = random_world(random.Random(seed))
    assert any(a.status == Assessment.Status.VALIDATED for a in assessments)

    scoring.recompute_scores()

    assert_matches_reference(assessments)


def test_recompute_in_id_chunks_gives_the_same_rows_as_all_at_once():
    assessments = random_world(random.Random(5))
    scoring.recompute_scores()
    at_once = set(AreaScore.objects.values_list("assessment_id", "area_id", "score"))
    AreaScore.objects.all().delete()
    Assessment.objects.update(overall_score=None, scored_at=None)

    chunks = scoring.assessment_id_chunks(3)
    for first_id, last_id in chunks:
        scoring.recompute_scores(first_id=first_id, last_id=last_id)

    ids = sorted(a.pk for a in assessments)
    assert chunks[0][0] == ids[0] and chunks[-1][1] == ids[-1]
    assert len(chunks) == -(-len(ids) // 3)
    assert set(AreaScore.objects.values_list("assessment_id", "area_id", "score")) == at_once
    assert_matches_reference(assessments)


def test_scoring_one_assessment_leaves_the_others_alone(cast, tiny):
    first = validated_assessment(cast.org, tiny, leader=cast.leader, staff=cast.staff)
    second = validated_assessment(cast.org, tiny, leader=cast.leader, staff=cast.staff)

    scoring.score_assessment(second.pk)

    assert not AreaScore.objects.filter(assessment=first).exists()
    assert AreaScore.objects.filter(assessment=second).count() == 2


def test_recompute_runs_a_fixed_number_of_queries_whatever_the_data():
    random_world(random.Random(1), organizations=2)
    with CaptureQueriesContext(connection) as small:
        scoring.recompute_scores()
    random_world(random.Random(2), organizations=12)
    with CaptureQueriesContext(connection) as large:
        scoring.recompute_scores()

    assert len(small) == len(large)
    assert Assessment.objects.validated().count() > 10


# --- idempotence and recomputing after changes ---------------------------------------------


def snapshot():
    return list(
        AreaScore.objects.order_by("pk").values_list("pk", "assessment_id", "area_id", "score")
    ), list(Assessment.objects.order_by("pk").values_list("pk", "overall_score"))


def test_recomputing_twice_gives_identical_rows_and_values():
    random_world(random.Random(11))
    scoring.recompute_scores()
    first = snapshot()

    assert scoring.recompute_scores() == 0  # nothing changed, so nothing is written

    assert snapshot() == first
    assert first[0]  # there was something to compare


def test_a_recompute_rewrites_only_the_scores_that_changed(cast, tiny):
    changed = score(cast, tiny, {"a1": 4, "a2": 2, "b1": 3, "b2": 1})
    unchanged = validated_assessment(
        cast.other_org,
        tiny,
        leader=cast.other_leader,
        staff=cast.staff,
        levels={"a1": 1, "a2": 2, "b1": 3, "b2": 4},
    )
    scoring.recompute_scores()
    kept = list(AreaScore.objects.filter(assessment=unchanged).values("pk", "computed_at"))
    kept_overall_at = Assessment.objects.get(pk=unchanged.pk).scored_at
    Rating.objects.filter(assessment=changed, indicator__code="b2").update(level=4)

    assert scoring.recompute_scores() == 1  # area b of the changed assessment

    assert area_scores(changed)["b"] == Decimal("83.33")  # (66.67 + 100) / 2
    # The untouched assessment's rows were not rewritten: same values and timestamps.
    assert list(AreaScore.objects.filter(assessment=unchanged).values("pk", "computed_at")) == kept
    assert Assessment.objects.get(pk=unchanged.pk).scored_at == kept_overall_at


def test_changing_weights_and_recomputing_updates_every_score(cast, tiny):
    assessment = score(cast, tiny, {"a1": 4, "a2": 2, "a3": NA, "b1": 3, "b2": 1})
    other = validated_assessment(
        cast.other_org,
        tiny,
        leader=cast.other_leader,
        staff=cast.staff,
        levels={"a1": 1, "a2": 4, "b1": 4, "b2": 4},
    )
    by_code = indicators_of(tiny)
    Indicator.objects.filter(pk=by_code["a2"].pk).update(weight=Decimal(1))
    Area.objects.filter(pk=areas_of(tiny)["b"].pk).update(weight=Decimal(2))

    scoring.recompute_scores()

    # a = (100 + 33.33..) / 2 = 66.67; b = 33.33; overall = (2 x 66.67 + 2 x 33.33) / 4 = 50.00
    assessment.refresh_from_db()
    assert area_scores(assessment) == {"a": Decimal("66.67"), "b": Decimal("33.33")}
    assert assessment.overall_score == Decimal("50.00")
    # other: a = (0 + 100) / 2 = 50.00; b = 100.00; overall = (2 x 50 + 2 x 100) / 4 = 75.00
    other.refresh_from_db()
    assert area_scores(other) == {"a": Decimal("50.00"), "b": Decimal("100.00")}
    assert other.overall_score == Decimal("75.00")


def test_an_area_that_lost_its_rated_indicators_loses_its_stored_score(cast, tiny):
    assessment = score(cast, tiny, {"a1": 4, "a2": 2, "b1": 3, "b2": 1})
    Rating.objects.filter(assessment=assessment, indicator__area__code="b").update(
        level=None, not_applicable=True
    )

    scoring.recompute_scores()

    assessment.refresh_from_db()
    assert area_scores(assessment) == {"a": Decimal("50.00")}
    assert assessment.overall_score == Decimal("50.00")


def test_a_reopened_assessment_loses_its_scores(cast, tiny, django_capture_on_commit_callbacks):
    assessment = score(cast, tiny, {"a1": 4, "a2": 2, "b1": 3, "b2": 1})
    kept = score(cast, tiny, {"a1": 1, "a2": 1, "b1": 1, "b2": 1})
    assert AreaScore.objects.filter(assessment=assessment).exists()

    with django_capture_on_commit_callbacks(execute=True):
        reopen_assessment(assessment=assessment, reopened_by=cast.staff, reason="Falta evidencia.")

    assessment.refresh_from_db()
    assert not AreaScore.objects.filter(assessment=assessment).exists()
    assert assessment.overall_score is None and assessment.scored_at is None
    assert area_scores(kept) == {"a": Decimal("0.00"), "b": Decimal("0.00")}

    scoring.recompute_scores()  # and a nightly run does not bring them back
    assert not AreaScore.objects.filter(assessment=assessment).exists()


def test_validation_enqueues_scoring_on_commit(cast, tiny, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assessment = validated_assessment(
            cast.org,
            tiny,
            leader=cast.leader,
            staff=cast.staff,
            levels={"a1": 4, "a2": 2, "a3": NA, "b1": 3, "b2": 1},
        )

    assert len(callbacks) == 1
    assessment.refresh_from_db()
    assert area_scores(assessment) == {"a": Decimal("50.00"), "b": Decimal("33.33")}
    assert assessment.overall_score == Decimal("44.44")


def test_nothing_is_scored_before_the_validation_commits(cast, tiny):
    assessment = validated_assessment(cast.org, tiny, leader=cast.leader, staff=cast.staff)

    assert not AreaScore.objects.filter(assessment=assessment).exists()


def test_the_recompute_job_scores_everything(cast, tiny, django_capture_on_commit_callbacks):
    assessments = [
        validated_assessment(cast.org, tiny, leader=cast.leader, staff=cast.staff) for _ in range(3)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(kind="organizations.recompute_scores", created_by=cast.staff)

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.progress == 100
    assert job.result == {"scores": 6}
    for assessment in assessments:
        assessment.refresh_from_db()
        assert assessment.overall_score == Decimal("44.44")


def test_a_recompute_that_changes_nothing_leaves_the_medians_alone(
    cast, tiny, django_capture_on_commit_callbacks, monkeypatch
):
    validated_assessment(cast.org, tiny, leader=cast.leader, staff=cast.staff)
    scoring.recompute_scores()
    refreshed = []
    monkeypatch.setattr(
        "organizations.services.medians.refresh_cohort_medians", lambda: refreshed.append(1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(kind="organizations.recompute_scores", created_by=cast.staff)
    assert Job.objects.get(pk=job.pk).result == {"scores": 0}
    assert refreshed == []

    Rating.objects.filter(indicator__code="a1").update(level=1)
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(kind="organizations.recompute_scores", created_by=cast.staff)
    assert Job.objects.get(pk=job.pk).result == {"scores": 1}
    assert refreshed == [1]


def test_the_nightly_task_starts_a_recompute_job(django_capture_on_commit_callbacks, cast, tiny):
    from organizations.tasks import nightly_recompute_scores

    assessment = validated_assessment(cast.org, tiny, leader=cast.leader, staff=cast.staff)
    with django_capture_on_commit_callbacks(execute=True):
        job_id = nightly_recompute_scores()

    assert Job.objects.get(pk=job_id).status == Job.Status.SUCCEEDED
    assessment.refresh_from_db()
    assert assessment.overall_score == Decimal("44.44")


@pytest.mark.django_db(transaction=True)
def test_the_recompute_job_sends_its_batches_on_several_connections(settings, monkeypatch):
    """On PostgreSQL outside a transaction the batches go out on SCORES_RECOMPUTE_CONNECTIONS
    threads with a connection each; the scores are those of scoring everything at once."""
    if connection.vendor != "postgresql":
        pytest.skip("several connections at once: PostgreSQL only (SQLite runs them in turn)")
    import threading

    from csa_portal.jobs import run_job

    assessments = random_world(random.Random(7), organizations=8)
    settings.SCORES_RECOMPUTE_BATCH = 3
    settings.SCORES_RECOMPUTE_CONNECTIONS = 2
    threads = set()
    recompute = scoring.recompute_scores

    def spying_recompute(**bounds):
        threads.add(threading.current_thread().name)
        return recompute(**bounds)

    monkeypatch.setattr(scoring, "recompute_scores", spying_recompute)
    job = Job.objects.create(kind="organizations.recompute_scores", params={})

    run_job(str(job.pk))

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert len(threads) == 2 and threading.current_thread().name not in threads
    assert_matches_reference(assessments)
