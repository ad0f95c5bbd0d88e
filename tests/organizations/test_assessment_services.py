"""The assessment workflow services, their refusals, and the instruments they run on."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from organizations.models import Area, Assessment, Framework, Indicator, Rating
from organizations.services.assessments import (
    AssessmentError,
    RatingChange,
    RatingInput,
    missing_required,
    reopen_assessment,
    save_ratings,
    submit_assessment,
    validate_assessment,
)
from organizations.services.instruments import (
    load_shipped_instruments,
    new_version,
    shipped_instruments,
)
from organizations.uploads import save_evidence
from tests.capacity_helpers import (
    FULL,
    NA,
    entries_for,
    fill,
    indicators_of,
    make_framework,
    start,
    submitted_assessment,
    validated_assessment,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # Refusal messages are asserted in English; the portal itself defaults to Spanish.
    with translation.override("en"):
        yield


@pytest.fixture
def tiny():
    return make_framework()


@pytest.fixture
def draft(cast, tiny):
    return start(cast.org, tiny, cast.leader)


def ratings_state(assessment: Assessment) -> list[tuple]:
    return list(
        Rating.objects.filter(assessment=assessment)
        .order_by("indicator_id")
        .values_list(
            "indicator__code",
            "level",
            "not_applicable",
            "evidence",
            "self_level",
            "change_reason",
            "updated_at",
        )
    )


def state(assessment: Assessment) -> tuple:
    fresh = Assessment.objects.get(pk=assessment.pk)
    return (
        fresh.status,
        fresh.submitted_at,
        fresh.validated_at,
        fresh.validated_by_id,
        fresh.reopen_reason,
        ratings_state(assessment),
    )


def refused(call, message: str, assessment: Assessment) -> None:
    """The call raises AssessmentError with the message, and nothing was written."""
    before = state(assessment)
    with pytest.raises(AssessmentError) as error:
        call()
    assert message in str(error.value)
    assert state(assessment) == before


# --- start and save as you go --------------------------------------------------------------


def test_start_creates_a_draft_with_what_was_chosen(cast, tiny):
    assessment = start(
        cast.org,
        tiny,
        cast.leader,
        kind=Assessment.Kind.FOLLOW_UP,
        mode=Assessment.Mode.SELF,
        assessed_on=date(2026, 5, 4),
    )

    assert assessment.status == Assessment.Status.DRAFT
    assert (assessment.organization, assessment.framework) == (cast.org, tiny)
    assert assessment.kind == Assessment.Kind.FOLLOW_UP
    assert assessment.assessed_on == date(2026, 5, 4)
    assert assessment.created_by == cast.leader
    assert assessment.is_editable_by_cso


def test_saving_area_by_area_keeps_what_was_saved_before(cast, draft):
    fill(draft, cast.member, {"a1": 3, "a2": None})  # half of area a
    fill(draft, cast.leader, {"b1": 2, "b2": NA})  # then area b

    levels = {r.indicator.code: (r.level, r.not_applicable) for r in draft.ratings.all()}
    assert levels == {
        "a1": (3, False),
        "a2": (None, False),
        "b1": (2, False),
        "b2": (None, True),
    }
    assert draft.ratings.get(indicator__code="a1").changed_by == cast.member
    assert missing_required(draft) == 1  # a2


def test_saving_again_updates_the_same_rating(cast, draft):
    fill(draft, cast.leader, {"a1": 3})
    fill(draft, cast.leader, {"a1": NA})
    fill(draft, cast.leader, {"a1": 2})

    rating = draft.ratings.get()
    assert (rating.level, rating.not_applicable) == (2, False)


def test_a_level_marked_not_applicable_is_stored_without_level(cast, draft):
    by_code = indicators_of(draft.framework)
    entry = RatingInput(indicator_id=by_code["a1"].pk, level=3, not_applicable=True)
    save_ratings(assessment=draft, entries=[entry], saved_by=cast.leader)

    rating = draft.ratings.get()
    assert (rating.level, rating.not_applicable) == (None, True)


def test_an_evidence_file_is_kept_when_the_area_is_saved_again_without_one(cast, draft):
    by_code = indicators_of(draft.framework)
    stored = save_evidence(SimpleUploadedFile("acta.pdf", b"%PDF-1.4 acta", "application/pdf"))
    first = RatingInput(
        indicator_id=by_code["a1"].pk,
        level=2,
        evidence="Acta de asamblea",
        evidence_file=stored,
        evidence_file_name="acta.pdf",
    )
    save_ratings(assessment=draft, entries=[first], saved_by=cast.leader)
    again = RatingInput(indicator_id=by_code["a1"].pk, level=3, evidence="Acta y minutas")
    save_ratings(assessment=draft, entries=[again], saved_by=cast.leader)

    rating = draft.ratings.get()
    assert (rating.level, rating.evidence) == (3, "Acta y minutas")
    assert (rating.evidence_file, rating.evidence_file_name) == (stored, "acta.pdf")


# --- refusals of bad input ----------------------------------------------------------------


@pytest.mark.parametrize("level", [0, 5, 99])
def test_levels_outside_the_scale_are_refused(cast, draft, level):
    fill(draft, cast.leader, {"a1": 2})
    entries = entries_for(draft.framework, {"a1": 3, "a2": level})

    refused(
        lambda: save_ratings(assessment=draft, entries=entries, saved_by=cast.leader),
        "Levels must be between 1 and 4.",
        draft,
    )


def test_ratings_for_indicators_of_another_framework_are_refused(cast, draft):
    other = make_framework("other")
    fill(draft, cast.leader, {"a1": 2})
    entries = entries_for(draft.framework, {"a1": 3}) + entries_for(other, {"b1": 2})

    refused(
        lambda: save_ratings(assessment=draft, entries=entries, saved_by=cast.leader),
        "Some ratings are for indicators of another framework.",
        draft,
    )


def test_an_unknown_indicator_is_refused(cast, draft):
    entries = [RatingInput(indicator_id=10**9, level=2)]
    refused(
        lambda: save_ratings(assessment=draft, entries=entries, saved_by=cast.leader),
        "Some ratings are for indicators of another framework.",
        draft,
    )


def test_submitting_with_unrated_required_indicators_is_refused(cast, draft):
    fill(draft, cast.leader, {"a1": 2, "a2": None, "b1": NA})  # a2 and b2 are still open

    refused(
        lambda: submit_assessment(assessment=draft, submitted_by=cast.leader),
        "2 required indicator(s) are not rated yet.",
        draft,
    )


def test_optional_indicators_may_stay_unrated_and_not_applicable_counts_as_answered(cast, draft):
    fill(draft, cast.leader, {"a1": 2, "a2": NA, "b1": NA, "b2": 1})  # a3 and b3 are optional

    submitted = submit_assessment(assessment=draft, submitted_by=cast.leader)

    assert submitted.status == Assessment.Status.SUBMITTED
    assert submitted.submitted_by == cast.leader
    assert submitted.submitted_at is not None


@pytest.mark.parametrize("status", ["submitted", "validated"])
def test_an_assessment_past_draft_cannot_be_edited(cast, tiny, status):
    if status == "submitted":
        assessment = submitted_assessment(cast.org, tiny, cast.leader)
    else:
        assessment = validated_assessment(cast.org, tiny, leader=cast.leader, staff=cast.staff)
    entries = entries_for(tiny, {"a1": 1})

    refused(
        lambda: save_ratings(assessment=assessment, entries=entries, saved_by=cast.leader),
        "This assessment is no longer a draft and cannot be edited.",
        assessment,
    )


def test_a_submitted_assessment_cannot_be_submitted_again(cast, tiny):
    assessment = submitted_assessment(cast.org, tiny, cast.leader)
    refused(
        lambda: submit_assessment(assessment=assessment, submitted_by=cast.leader),
        "Only a draft can be submitted.",
        assessment,
    )


def test_a_draft_cannot_be_validated(cast, draft):
    fill(draft, cast.leader, FULL)
    refused(
        lambda: validate_assessment(assessment=draft, validated_by=cast.staff, changes=[]),
        "Only a submitted assessment can be validated.",
        draft,
    )


def test_a_validated_assessment_cannot_be_validated_again(cast, tiny):
    assessment = validated_assessment(cast.org, tiny, leader=cast.leader, staff=cast.staff)
    refused(
        lambda: validate_assessment(assessment=assessment, validated_by=cast.staff, changes=[]),
        "Only a submitted assessment can be validated.",
        assessment,
    )


def change(framework, code: str, level: int, reason: str = "") -> RatingChange:
    return RatingChange(indicator_id=indicators_of(framework)[code].pk, level=level, reason=reason)


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_changed_level_without_a_reason_is_refused(cast, tiny, reason):
    assessment = submitted_assessment(cast.org, tiny, cast.leader)
    changes = [change(tiny, "a1", 3, "Se revisó el acta."), change(tiny, "b1", 4, reason)]

    refused(
        lambda: validate_assessment(
            assessment=assessment, validated_by=cast.staff, changes=changes
        ),
        "Every changed level needs the reason both sides agreed on.",
        assessment,
    )


def test_a_level_outside_the_scale_is_refused_at_validation(cast, tiny):
    assessment = submitted_assessment(cast.org, tiny, cast.leader)
    refused(
        lambda: validate_assessment(
            assessment=assessment,
            validated_by=cast.staff,
            changes=[change(tiny, "a1", 7, "Así lo acordamos.")],
        ),
        "Levels must be between 1 and 4.",
        assessment,
    )


def test_a_change_for_an_indicator_of_another_framework_is_refused(cast, tiny):
    other = make_framework("other")
    assessment = submitted_assessment(cast.org, tiny, cast.leader)
    refused(
        lambda: validate_assessment(
            assessment=assessment,
            validated_by=cast.staff,
            changes=[change(other, "a1", 2, "Así lo acordamos.")],
        ),
        "Some ratings are for indicators of another framework.",
        assessment,
    )


def test_reopening_needs_a_reason(cast, tiny):
    assessment = validated_assessment(cast.org, tiny, leader=cast.leader, staff=cast.staff)
    refused(
        lambda: reopen_assessment(assessment=assessment, reopened_by=cast.staff, reason="  "),
        "Say why the assessment is reopened.",
        assessment,
    )


def test_a_draft_cannot_be_reopened(cast, draft):
    refused(
        lambda: reopen_assessment(assessment=draft, reopened_by=cast.staff, reason="Porque sí."),
        "This assessment is already open.",
        draft,
    )


def test_refusals_are_translated(cast, draft):
    with translation.override("es"), pytest.raises(AssessmentError) as error:
        validate_assessment(assessment=draft, validated_by=cast.staff, changes=[])
    assert "validar" in str(error.value).lower()


# --- joint validation -----------------------------------------------------------------------


def test_joint_validation_keeps_both_levels_and_the_reason(cast, tiny):
    assessment = submitted_assessment(cast.org, tiny, cast.leader)  # FULL: b2 self-rated 1
    changes = [
        change(tiny, "b2", 3, "  La evidencia muestra un manual aprobado.  "),
        change(tiny, "a1", 4),  # the same level as the self-rating: no change, no reason needed
    ]

    validated = validate_assessment(assessment=assessment, validated_by=cast.staff, changes=changes)

    validated.refresh_from_db()
    assert validated.status == Assessment.Status.VALIDATED
    assert validated.validated_by == cast.staff
    assert validated.validated_at is not None
    b2 = validated.ratings.get(indicator__code="b2")
    assert (b2.self_level, b2.level) == (1, 3)
    assert b2.change_reason == "La evidencia muestra un manual aprobado."
    assert b2.changed_by == cast.staff
    assert b2.was_changed
    a1 = validated.ratings.get(indicator__code="a1")
    assert (a1.self_level, a1.level, a1.change_reason) == (None, 4, "")
    assert not a1.was_changed


def test_validation_can_rate_a_not_applicable_or_unrated_indicator(cast, tiny):
    assessment = submitted_assessment(cast.org, tiny, cast.leader)  # a3 n/a, b3 never rated
    changes = [
        change(tiny, "a3", 2, "Sí aplica: tienen voluntariado."),
        change(tiny, "b3", 4, "Se acordó en la visita."),
    ]

    validate_assessment(assessment=assessment, validated_by=cast.staff, changes=changes)

    a3 = assessment.ratings.get(indicator__code="a3")
    assert (a3.level, a3.not_applicable, a3.change_reason) == (2, False, changes[0].reason)
    b3 = assessment.ratings.get(indicator__code="b3")
    assert (b3.level, b3.self_level, b3.changed_by) == (4, None, cast.staff)


def test_validation_without_changes_keeps_the_self_ratings(cast, tiny):
    assessment = validated_assessment(cast.org, tiny, leader=cast.leader, staff=cast.staff)

    levels = dict(assessment.ratings.values_list("indicator__code", "level"))
    assert levels == {"a1": 4, "a2": 2, "a3": None, "b1": 3, "b2": 1}
    assert not assessment.ratings.exclude(change_reason="").exists()


# --- reopening -----------------------------------------------------------------------------


def test_staff_reopen_a_validated_assessment_with_a_reason(cast, tiny):
    assessment = validated_assessment(cast.org, tiny, leader=cast.leader, staff=cast.staff)

    reopened = reopen_assessment(
        assessment=assessment, reopened_by=cast.staff, reason=" Falta el acta firmada. "
    )

    reopened.refresh_from_db()
    assert reopened.status == Assessment.Status.DRAFT
    assert reopened.reopen_reason == "Falta el acta firmada."
    fill(reopened, cast.leader, {"a1": 3})  # the CSO can edit it again
    assert reopened.ratings.get(indicator__code="a1").level == 3


def test_a_submitted_assessment_can_be_sent_back_to_draft(cast, tiny):
    assessment = submitted_assessment(cast.org, tiny, cast.leader)
    reopen_assessment(assessment=assessment, reopened_by=cast.staff, reason="Completen b.")
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT


def test_a_cso_edit_after_reopening_drops_the_earlier_agreed_change(cast, tiny):
    assessment = validated_assessment(
        cast.org,
        tiny,
        leader=cast.leader,
        staff=cast.staff,
        changes={"b2": (3, "Acordado en la visita."), "b1": (2, "Falta evidencia.")},
    )
    reopen_assessment(assessment=assessment, reopened_by=cast.staff, reason="Nueva evidencia.")

    # The CSO raises b2 to 4 itself and saves b1 at the agreed level.
    fill(assessment, cast.leader, {"b1": 2, "b2": 4})

    b2 = assessment.ratings.get(indicator__code="b2")
    assert (b2.level, b2.self_level, b2.change_reason) == (4, None, "")
    b1 = assessment.ratings.get(indicator__code="b1")
    assert (b1.level, b1.self_level, b1.change_reason) == (2, 3, "Falta evidencia.")
    assert b1.changed_by == cast.staff  # still shows who agreed the change


# --- instruments ----------------------------------------------------------------------------


def test_a_framework_is_locked_once_a_validated_assessment_uses_it(cast, tiny):
    assert not tiny.is_locked()
    submitted_assessment(cast.org, tiny, cast.leader)
    assert not tiny.is_locked()

    validated_assessment(cast.org, tiny, leader=cast.leader, staff=cast.staff)

    assert tiny.is_locked()


def test_new_version_copies_areas_indicators_weights_and_descriptors(cast, tiny):
    validated_assessment(cast.org, tiny, leader=cast.leader, staff=cast.staff)

    copy = new_version(tiny)

    assert (copy.code, copy.version) == ("tiny", 2)
    assert (copy.scale_min, copy.scale_max, copy.measures) == (1, 4, tiny.measures)
    assert not copy.is_locked()

    def shape(framework):
        return [
            (
                i.area.code,
                i.area.weight,
                i.area.position,
                i.code,
                i.weight,
                i.required,
                i.position,
                i.text_es,
                i.descriptors,
            )
            for i in Indicator.objects.filter(area__framework=framework)
            .select_related("area")
            .order_by("area__position", "position")
        ]

    assert shape(copy) == shape(tiny)
    assert not set(Area.objects.filter(framework=copy)) & set(Area.objects.filter(framework=tiny))
    assert Indicator.objects.filter(area__framework=tiny).count() == 6  # the original is intact
    assert list(Framework.objects.filter(code="tiny").current()) == [copy]


def test_new_version_of_an_old_version_gets_the_next_free_number(tiny):
    new_version(tiny)
    third = new_version(tiny)
    assert third.version == 3


def test_editing_the_copy_leaves_the_locked_version_alone(cast, tiny):
    validated_assessment(cast.org, tiny, leader=cast.leader, staff=cast.staff)
    copy = new_version(tiny)

    Indicator.objects.filter(area__framework=copy, code="a1").update(weight=Decimal(5))

    assert Indicator.objects.get(area__framework=tiny, code="a1").weight == Decimal(1)


def test_the_shipped_instruments_are_loaded_and_loading_again_changes_nothing():
    # The data migration loads them; loading again must not duplicate anything.
    counts = (Framework.objects.count(), Area.objects.count(), Indicator.objects.count())

    frameworks = load_shipped_instruments()

    assert (Framework.objects.count(), Area.objects.count(), Indicator.objects.count()) == counts
    by_code = {f.code: f for f in frameworks}
    assert set(by_code) == {"csa-institutional", "oca", "opi"}
    assert by_code["csa-institutional"].areas.count() == 3
    assert by_code["oca"].areas.count() == 7
    assert by_code["opi"].areas.count() == 8
    assert by_code["opi"].measures == Framework.Measures.PERFORMANCE
    assert by_code["oca"].measures == Framework.Measures.CAPACITY


def test_every_shipped_indicator_has_a_descriptor_per_level_in_both_languages():
    for data in shipped_instruments():
        framework = Framework.objects.get(code=data["code"], version=data["version"])
        levels = {str(level) for level in framework.levels}
        for area in framework.areas.prefetch_related("indicators"):
            indicators = list(area.indicators.all())
            assert len(indicators) >= 3, area.code
            for indicator in indicators:
                assert set(indicator.descriptors) == levels, indicator.code
                assert all(d["en"] and d["es"] for d in indicator.descriptors.values())
                assert indicator.text_en and indicator.text_es
