"""Assessment workflow: draft -> submitted -> validated, reopened by staff with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from csa_portal import audit
from csa_portal.models import User

from ..models import Assessment, Framework, Indicator, Organization, Rating

ASSESSMENT_FIELDS = ("framework", "kind", "mode", "assessed_on", "status")
STATUS_FIELDS = ("status", "reopen_reason")
RATING_FIELDS = (
    "level",
    "not_applicable",
    "evidence",
    "evidence_file_name",
    "self_level",
    "change_reason",
)


class AssessmentError(Exception):
    """A refused change; the message says why, for the person who tried."""


@dataclass(frozen=True)
class RatingInput:
    indicator_id: int
    level: int | None
    not_applicable: bool = False
    evidence: str = ""
    evidence_file: str = ""  # stored name from uploads.save_evidence; "" keeps the current one
    evidence_file_name: str = ""


@dataclass(frozen=True)
class RatingChange:
    indicator_id: int
    level: int
    reason: str


def _enqueue_scoring(assessment_id: int) -> None:
    from ..tasks import score_assessment_task

    # robust: a broker that is down must not turn a committed validation into an error page;
    # the nightly recompute scores whatever was missed.
    transaction.on_commit(lambda: score_assessment_task.delay(assessment_id), robust=True)


@transaction.atomic
def start_assessment(
    *,
    organization: Organization,
    framework: Framework,
    kind: str,
    mode: str,
    assessed_on: date,
    created_by: User,
) -> Assessment:
    assessment = Assessment.objects.create(
        organization=organization,
        framework=framework,
        kind=kind,
        mode=mode,
        assessed_on=assessed_on,
        created_by=created_by,
    )
    audit.record_change(
        obj=assessment,
        actor=created_by,
        action=audit.Action.CREATE,
        after=audit.snapshot(assessment, ASSESSMENT_FIELDS),
    )
    return assessment


def _record_ratings(
    assessment: Assessment, ratings: list[Rating], before: dict[int, dict], by: User
) -> None:
    """One entry per rating that changed, written at once (ratings are saved in bulk)."""
    codes = dict(
        Indicator.objects.filter(pk__in=[r.indicator_id for r in ratings]).values_list("pk", "code")
    )
    now = timezone.now()
    audit.record_entries(
        audit.entry_for(
            obj=rating,
            actor=by,
            action=audit.Action.UPDATE if rating.indicator_id in before else audit.Action.CREATE,
            before=before.get(rating.indicator_id, {}),
            after=audit.snapshot(rating, RATING_FIELDS),
            root=assessment,
            at=now,
            label=codes.get(rating.indicator_id, ""),
        )
        for rating in ratings
    )


def _check_levels(framework: Framework, indicator_ids: set[int], levels: dict[int, int | None]):
    known = set(
        Indicator.objects.filter(area__framework=framework, pk__in=indicator_ids).values_list(
            "pk", flat=True
        )
    )
    if indicator_ids - known:
        raise AssessmentError(_("Some ratings are for indicators of another framework."))
    for level in levels.values():
        if level is not None and not framework.scale_min <= level <= framework.scale_max:
            raise AssessmentError(
                _("Levels must be between %(min)s and %(max)s.")
                % {"min": framework.scale_min, "max": framework.scale_max}
            )


@transaction.atomic
def save_ratings(*, assessment: Assessment, entries: list[RatingInput], saved_by: User) -> int:
    """Save some ratings of a draft (an area at a time): what was saved before is kept."""
    assessment = (
        Assessment.objects.select_for_update().select_related("framework").get(pk=assessment.pk)
    )
    if assessment.status != Assessment.Status.DRAFT:
        raise AssessmentError(_("This assessment is no longer a draft and cannot be edited."))
    ids = {e.indicator_id for e in entries}
    _check_levels(assessment.framework, ids, {e.indicator_id: e.level for e in entries})
    existing = {r.indicator_id: r for r in assessment.ratings.filter(indicator_id__in=ids)}
    before = {i: audit.snapshot(r, RATING_FIELDS) for i, r in existing.items()}
    to_create, to_update = [], []
    for entry in entries:
        rating = existing.get(entry.indicator_id) or Rating(
            assessment=assessment, indicator_id=entry.indicator_id
        )
        level = None if entry.not_applicable else entry.level
        if rating.pk and (level, entry.not_applicable) != (rating.level, rating.not_applicable):
            # A level agreed at an earlier validation no longer stands once the CSO changes
            # it in a reopened assessment: drop that record rather than misattribute it.
            rating.self_level, rating.change_reason = None, ""
        rating.level = level
        rating.not_applicable = entry.not_applicable
        rating.evidence = entry.evidence
        if entry.evidence_file:
            rating.evidence_file = entry.evidence_file
            rating.evidence_file_name = entry.evidence_file_name
        if not rating.change_reason:  # who agreed a standing change at validation stays
            rating.changed_by = saved_by
        (to_update if rating.pk else to_create).append(rating)
    Rating.objects.bulk_create(to_create)
    fields = [
        "level",
        "not_applicable",
        "self_level",
        "change_reason",
        "evidence",
        "evidence_file",
        "evidence_file_name",
        "changed_by",
        "updated_at",
    ]
    now = timezone.now()
    for rating in to_update:
        rating.updated_at = now
    Rating.objects.bulk_update(to_update, fields)
    _record_ratings(assessment, [*to_create, *to_update], before, saved_by)
    return len(entries)


def missing_required(assessment: Assessment) -> int:
    """How many required indicators still have neither a level nor 'not applicable'."""
    answered = Rating.objects.filter(assessment=assessment).exclude(
        level__isnull=True, not_applicable=False
    )
    return (
        Indicator.objects.filter(area__framework_id=assessment.framework_id, required=True)
        .exclude(pk__in=answered.values("indicator_id"))
        .count()
    )


@transaction.atomic
def submit_assessment(*, assessment: Assessment, submitted_by: User) -> Assessment:
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != Assessment.Status.DRAFT:
        raise AssessmentError(_("Only a draft can be submitted."))
    missing = missing_required(assessment)
    if missing:
        raise AssessmentError(
            _(
                "%(count)s required indicator(s) are not rated yet. Rate them or mark them "
                "not applicable before submitting."
            )
            % {"count": missing}
        )
    before = audit.snapshot(assessment, STATUS_FIELDS)
    assessment.status = Assessment.Status.SUBMITTED
    assessment.submitted_by = submitted_by
    assessment.submitted_at = timezone.now()
    assessment.save(update_fields=["status", "submitted_by", "submitted_at"])
    audit.record_change(
        obj=assessment,
        actor=submitted_by,
        action=audit.Action.TRANSITION,
        before=before,
        after=audit.snapshot(assessment, STATUS_FIELDS),
    )
    return assessment


@transaction.atomic
def validate_assessment(
    *, assessment: Assessment, validated_by: User, changes: list[RatingChange]
) -> Assessment:
    """Joint validation: agreed changes keep the CSO's level and the reason; scores follow."""
    assessment = (
        Assessment.objects.select_for_update().select_related("framework").get(pk=assessment.pk)
    )
    if assessment.status != Assessment.Status.SUBMITTED:
        raise AssessmentError(_("Only a submitted assessment can be validated."))
    by_indicator = {c.indicator_id: c for c in changes}
    _check_levels(
        assessment.framework, set(by_indicator), {c.indicator_id: c.level for c in changes}
    )
    ratings = {r.indicator_id: r for r in assessment.ratings.filter(indicator_id__in=by_indicator)}
    before = {i: audit.snapshot(r, RATING_FIELDS) for i, r in ratings.items()}
    # Only a level that really changes needs a reason: confirming the CSO's level does not.
    real = {
        indicator_id: change
        for indicator_id, change in by_indicator.items()
        if not (
            (rating := ratings.get(indicator_id))
            and rating.level == change.level
            and not rating.not_applicable
        )
    }
    if any(not c.reason.strip() for c in real.values()):
        raise AssessmentError(_("Every changed level needs the reason both sides agreed on."))
    updated, changed = [], []
    for indicator_id, change in real.items():
        rating = ratings.get(indicator_id) or Rating(
            assessment=assessment, indicator_id=indicator_id
        )
        rating.self_level = rating.level if rating.self_level is None else rating.self_level
        rating.level = change.level
        rating.not_applicable = False
        rating.change_reason = change.reason.strip()
        rating.changed_by = validated_by
        if rating.pk:
            updated.append(rating)
        else:
            rating.save()
        changed.append(rating)
    Rating.objects.bulk_update(
        updated, ["self_level", "level", "not_applicable", "change_reason", "changed_by"]
    )
    _record_ratings(assessment, changed, before, validated_by)
    status_before = audit.snapshot(assessment, STATUS_FIELDS)
    assessment.status = Assessment.Status.VALIDATED
    assessment.validated_by = validated_by
    assessment.validated_at = timezone.now()
    assessment.save(update_fields=["status", "validated_by", "validated_at"])
    audit.record_change(
        obj=assessment,
        actor=validated_by,
        action=audit.Action.TRANSITION,
        before=status_before,
        after=audit.snapshot(assessment, STATUS_FIELDS),
    )
    _enqueue_scoring(assessment.pk)
    return assessment


@transaction.atomic
def reopen_assessment(*, assessment: Assessment, reopened_by: User, reason: str) -> Assessment:
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status == Assessment.Status.DRAFT:
        raise AssessmentError(_("This assessment is already open."))
    if not reason.strip():
        raise AssessmentError(_("Say why the assessment is reopened."))
    was_validated = assessment.status == Assessment.Status.VALIDATED
    before = audit.snapshot(assessment, STATUS_FIELDS)
    assessment.status = Assessment.Status.DRAFT
    assessment.reopen_reason = reason.strip()
    assessment.save(update_fields=["status", "reopen_reason"])
    audit.record_change(
        obj=assessment,
        actor=reopened_by,
        action=audit.Action.TRANSITION,
        before=before,
        after=audit.snapshot(assessment, STATUS_FIELDS),
    )
    if was_validated:
        _enqueue_scoring(assessment.pk)  # removes its scores until it is validated again
    return assessment
