"""Builders for capacity tests: a tiny framework and assessments made through the real services.

The tiny framework (scale 1-4) has two weighted areas:

    area "a", weight 2: a1 (weight 1), a2 (weight 3), a3 (weight 1, optional)
    area "b", weight 1: b1 (weight 1), b2 (weight 1), b3 (weight 2, optional)

Ratings are given by indicator code: a level, NA ("not applicable") or None (left unrated).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from csa_portal.models import User
from organizations.models import Area, Assessment, Framework, Indicator, Organization
from organizations.services.assessments import (
    RatingChange,
    RatingInput,
    save_ratings,
    start_assessment,
    submit_assessment,
    validate_assessment,
)
from organizations.services.instruments import load_instrument

NA = "na"

TINY_AREAS = [
    ("a", "2", [("a1", "1", True), ("a2", "3", True), ("a3", "1", False)]),
    ("b", "1", [("b1", "1", True), ("b2", "1", True), ("b3", "2", False)]),
]


def framework_data(
    code: str = "tiny",
    *,
    version: int = 1,
    scale: tuple[int, int] = (1, 4),
    measures: str = "capacity",
    areas=None,
) -> dict:
    """An instrument in the shape of organizations/instruments/*.json."""
    low, high = scale
    return {
        "code": code,
        "version": version,
        "name_en": f"Tiny instrument {code}",
        "name_es": f"Instrumento pequeño {code}",
        "measures": measures,
        "scale_min": low,
        "scale_max": high,
        "areas": [
            {
                "code": area_code,
                "name_en": f"Area {area_code.upper()}",
                "name_es": f"Área {area_code.upper()}",
                "weight": area_weight,
                "indicators": [
                    {
                        "code": item,
                        "text_en": f"Indicator {item} in English",
                        "text_es": f"Indicador {item} en español",
                        "weight": weight,
                        "required": required,
                        "levels": [
                            {"level": lv, "en": f"{item} level {lv}", "es": f"{item} nivel {lv}"}
                            for lv in range(low, high + 1)
                        ],
                    }
                    for item, weight, required in items
                ],
            }
            for area_code, area_weight, items in (areas or TINY_AREAS)
        ],
    }


def make_framework(code: str = "tiny", **kwargs) -> Framework:
    return load_instrument(framework_data(code, **kwargs))


def indicators_of(framework: Framework) -> dict[str, Indicator]:
    return {
        i.code: i
        for i in Indicator.objects.filter(area__framework=framework).select_related("area")
    }


def areas_of(framework: Framework) -> dict[str, Area]:
    return {a.code: a for a in framework.areas.all()}


def entries_for(framework: Framework, levels: dict) -> list[RatingInput]:
    by_code = indicators_of(framework)
    return [
        RatingInput(
            indicator_id=by_code[code].pk,
            level=None if value == NA else value,
            not_applicable=value == NA,
            evidence=f"Evidencia de {code}",
        )
        for code, value in levels.items()
    ]


def start(
    organization: Organization,
    framework: Framework,
    user: User,
    *,
    assessed_on: date = date(2026, 3, 1),
    kind: str = Assessment.Kind.BASELINE,
    mode: str = Assessment.Mode.SELF,
) -> Assessment:
    return start_assessment(
        organization=organization,
        framework=framework,
        kind=kind,
        mode=mode,
        assessed_on=assessed_on,
        created_by=user,
    )


def fill(assessment: Assessment, user: User, levels: dict) -> None:
    save_ratings(
        assessment=assessment, entries=entries_for(assessment.framework, levels), saved_by=user
    )


FULL = {"a1": 4, "a2": 2, "a3": NA, "b1": 3, "b2": 1}  # b3 (optional) left unrated


def submitted_assessment(
    organization: Organization, framework: Framework, leader: User, levels: dict | None = None, **kw
) -> Assessment:
    assessment = start(organization, framework, leader, **kw)
    fill(assessment, leader, FULL if levels is None else levels)
    return submit_assessment(assessment=assessment, submitted_by=leader)


def validated_assessment(
    organization: Organization,
    framework: Framework,
    *,
    leader: User,
    staff: User,
    levels: dict | None = None,
    changes: dict | None = None,
    **kw,
) -> Assessment:
    """Start, fill, submit and validate; changes = {code: (level, reason)}.

    Scores are not computed here: validation enqueues them on commit, which a test transaction
    never reaches. Call scoring.recompute_scores() or capture the on-commit callbacks.
    """
    assessment = submitted_assessment(organization, framework, leader, levels, **kw)
    by_code = indicators_of(framework)
    agreed = [
        RatingChange(indicator_id=by_code[code].pk, level=level, reason=reason)
        for code, (level, reason) in (changes or {}).items()
    ]
    validate_assessment(assessment=assessment, validated_by=staff, changes=agreed)
    assessment.refresh_from_db()
    return assessment


def round2(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def reference_scores(assessment: Assessment) -> tuple[dict[int, Decimal], Decimal | None]:
    """A plain per-assessment computation of the scoring formula, for comparison.

    Area score = weighted mean over rated indicators of (level - min) / (max - min) x 100,
    leaving out "not applicable" and unrated ones; overall = weighted mean of the area scores.
    """
    framework = assessment.framework
    span = Decimal(framework.scale_max - framework.scale_min)
    sums: dict[int, list[Decimal]] = {}
    for rating in assessment.ratings.select_related("indicator"):
        if rating.level is None or rating.not_applicable:
            continue
        weight = rating.indicator.weight
        part = weight * Decimal(rating.level - framework.scale_min) * 100 / span
        total = sums.setdefault(rating.indicator.area_id, [Decimal(0), Decimal(0)])
        total[0] += part
        total[1] += weight
    areas = {area_id: round2(num / den) for area_id, (num, den) in sums.items()}
    if not areas:
        return {}, None
    weights = dict(Area.objects.filter(pk__in=areas).values_list("pk", "weight"))
    overall = sum(weights[a] * s for a, s in areas.items()) / sum(weights[a] for a in areas)
    return areas, round2(overall)
