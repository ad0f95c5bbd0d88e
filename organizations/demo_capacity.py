"""Capacity part of the demo: instruments, assessments 2016-2020 and their scores.

Every CSO gets the program's instrument at baseline (2016-2017) and endline (2020), and the
OPI-style performance instrument at baseline, three follow-ups and endline, so CBLD-9 has a
figure for fiscal years 2017-2020. Most organizations improve, some stay flat, a few decline.
"""

import random
from collections.abc import Callable
from datetime import date

from csa_portal.models import User

from .models import Assessment, Framework, Indicator, Organization
from .scoring import recompute_scores
from .services.assessments import (
    RatingChange,
    RatingInput,
    save_ratings,
    start_assessment,
    submit_assessment,
    validate_assessment,
)
from .services.instruments import load_shipped_instruments
from .services.medians import refresh_cohort_medians

K = Assessment.Kind
# (instrument code, kind, date offset base, progress 0..1 along the organization's trajectory)
SCHEDULE = [
    ("csa-institutional", K.BASELINE, date(2016, 11, 15), 0.0),
    ("opi", K.BASELINE, date(2016, 11, 20), 0.0),
    ("opi", K.FOLLOW_UP, date(2017, 7, 10), 0.25),
    ("opi", K.FOLLOW_UP, date(2018, 6, 12), 0.5),
    ("opi", K.FOLLOW_UP, date(2019, 6, 18), 0.75),
    ("csa-institutional", K.ENDLINE, date(2020, 6, 1), 1.0),
    ("opi", K.ENDLINE, date(2020, 6, 8), 1.0),
]


def _trajectory(rng: random.Random, index: int) -> float:
    """Total change in levels from baseline to endline: most improve, some flat, a few decline."""
    if index % 10 == 7:
        return -0.6  # declining
    if index % 5 == 3:
        return 0.0  # flat
    return rng.uniform(0.6, 1.4)


def build(say: Callable[[str], None]) -> None:
    load_shipped_instruments()
    if Assessment.objects.exists():
        say("assessments already loaded")
        return
    rng = random.Random(2020)  # noqa: S311 - demo data
    staff = User.objects.get(email="staff@demo.csa.mx")
    frameworks = {f.code: f for f in Framework.objects.current()}
    indicators = {
        code: list(
            Indicator.objects.filter(area__framework=fw).order_by("area__position", "position")
        )
        for code, fw in frameworks.items()
    }
    organizations = list(Organization.objects.csos().participating().order_by("pk"))
    for index, organization in enumerate(organizations):
        base = rng.uniform(1.4, 2.6)
        change = _trajectory(rng, index)
        noise = {i.pk: rng.uniform(-0.7, 0.7) for items in indicators.values() for i in items}
        for code, kind, when, progress in SCHEDULE:
            framework = frameworks[code]
            level_of = {
                i.pk: max(
                    framework.scale_min,
                    min(framework.scale_max, round(base + change * progress + noise[i.pk])),
                )
                for i in indicators[code]
            }
            _assess(
                organization,
                framework,
                kind,
                date(when.year, when.month, min(28, when.day + index % 9)),
                indicators[code],
                level_of,
                staff,
                rng,
            )
    written = recompute_scores()
    refresh_cohort_medians()
    say(f"{Assessment.objects.count()} validated assessments, {written} area scores")


def _assess(organization, framework, kind, when, indicators, level_of, staff, rng) -> None:
    assessment = start_assessment(
        organization=organization,
        framework=framework,
        kind=kind,
        mode=Assessment.Mode.JOINT if kind != K.BASELINE else Assessment.Mode.SELF,
        assessed_on=when,
        created_by=staff,
    )
    entries = [
        RatingInput(
            indicator_id=i.pk,
            level=level_of[i.pk],
            evidence="Documentos revisados en la visita de acompañamiento.",
        )
        for i in indicators
    ]
    save_ratings(assessment=assessment, entries=entries, saved_by=staff)
    submit_assessment(assessment=assessment, submitted_by=staff)
    changes = []
    if rng.random() < 0.3:
        # Joint validation lowered one optimistic self-rating, with the agreed reason.
        indicator = rng.choice(indicators)
        if level_of[indicator.pk] > framework.scale_min:
            changes.append(
                RatingChange(
                    indicator_id=indicator.pk,
                    level=level_of[indicator.pk] - 1,
                    reason="La evidencia muestra que la práctica aún no es sistemática.",
                )
            )
    validate_assessment(assessment=assessment, validated_by=staff, changes=changes)
    Assessment.objects.filter(pk=assessment.pk).update(
        submitted_at=_aware(when), validated_at=_aware(when)
    )


def _aware(day: date):
    from datetime import datetime, time

    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, time(12)))
