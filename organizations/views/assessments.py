import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from csa_portal.rendering import render

from ..access import get_assessment_for_user, get_organization_for_user
from ..forms_assessments import AreaRatingsForm, ReopenForm, StartAssessmentForm, ValidationForm
from ..models import Assessment, Rating
from ..services.assessments import (
    AssessmentError,
    RatingChange,
    RatingInput,
    reopen_assessment,
    save_ratings,
    start_assessment,
    submit_assessment,
    validate_assessment,
)
from ..uploads import evidence_path, save_evidence


@require_safe
@login_required
def assessment_list(request, pk):
    organization = get_organization_for_user(request, pk)
    assessments = organization.assessments.select_related("framework").order_by(
        "-assessed_on", "-id"
    )
    return render(
        request,
        "organizations/assessments/list.html",
        {
            "organization": organization,
            "assessments": list(assessments),
            "can_start": request.user.has_perm("organizations.start_assessment", organization),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def assessment_start(request, pk):
    organization = get_organization_for_user(request, pk, perm="organizations.start_assessment")
    data = request.POST if request.method == "POST" else None
    form = StartAssessmentForm(data, staff=request.user.is_program_staff)
    if request.method == "POST" and form.is_valid():
        assessment = start_assessment(
            organization=organization, created_by=request.user, **form.cleaned_data
        )
        return redirect("organizations:assessment", assessment.pk)
    return render(
        request,
        "organizations/assessments/start.html",
        {"form": form, "organization": organization},
    )


def _areas_with_progress(assessment: Assessment) -> list[dict]:
    areas = list(assessment.framework.areas.prefetch_related("indicators"))
    ratings = {r.indicator_id: r for r in assessment.ratings.all()}
    rows = []
    for area in areas:
        indicators = list(area.indicators.all())
        answered = sum(
            1
            for i in indicators
            if (r := ratings.get(i.pk)) and (r.level is not None or r.not_applicable)
        )
        rows.append({"area": area, "answered": answered, "total": len(indicators)})
    return rows


@require_safe
@login_required
def assessment_detail(request, assessment_pk):
    assessment = get_assessment_for_user(request, assessment_pk)
    organization = assessment.organization
    user = request.user
    # Every agreed change, including one from "not applicable" (its self_level is empty).
    changed = (
        assessment.ratings.exclude(change_reason="")
        .select_related("indicator", "changed_by")
        .order_by("indicator__area__position", "indicator__position")
    )
    area_scores = assessment.area_scores.select_related("area").order_by("area__position")
    return render(
        request,
        "organizations/assessments/detail.html",
        {
            "assessment": assessment,
            "organization": organization,
            "areas": _areas_with_progress(assessment),
            "changed_ratings": list(changed),
            "area_scores": list(area_scores),
            "can_fill": assessment.status == Assessment.Status.DRAFT
            and user.has_perm("organizations.fill_assessment", organization),
            "can_submit": assessment.status == Assessment.Status.DRAFT
            and user.has_perm("organizations.submit_assessment", organization),
            "can_validate": assessment.status == Assessment.Status.SUBMITTED
            and user.has_perm("organizations.validate_assessment", organization),
            "can_reopen": assessment.status != Assessment.Status.DRAFT
            and user.has_perm("organizations.validate_assessment", organization),
            "reopen_form": ReopenForm(),
            "can_see_history": user.has_perm("organizations.view_history", organization),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def assessment_area(request, assessment_pk, area_pk):
    """Fill in one area; saving keeps what was entered and moves on to the next area."""
    assessment = get_assessment_for_user(
        request, assessment_pk, perm="organizations.fill_assessment"
    )
    areas = list(assessment.framework.areas.all())
    area = next((a for a in areas if a.pk == area_pk), None)
    if area is None:
        raise Http404
    indicators = list(area.indicators.all())
    ratings = {r.indicator_id: r for r in assessment.ratings.filter(indicator__area=area)}
    form = AreaRatingsForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        area=area,
        indicators=indicators,
        ratings=ratings,
    )
    editable = assessment.status == Assessment.Status.DRAFT
    if request.method == "POST":
        if not editable:
            messages.error(request, _("This assessment is no longer a draft and cannot be edited."))
            return redirect("organizations:assessment", assessment.pk)
        if form.is_valid():
            entries = []
            for indicator in indicators:
                upload = form.cleaned_data.get(f"file_{indicator.pk}")
                entries.append(
                    RatingInput(
                        indicator_id=indicator.pk,
                        level=form.cleaned_data.get(f"level_{indicator.pk}"),
                        not_applicable=form.cleaned_data.get(f"na_{indicator.pk}", False),
                        evidence=form.cleaned_data.get(f"evidence_{indicator.pk}", ""),
                        evidence_file=save_evidence(upload) if upload else "",
                        evidence_file_name=upload.name[:255] if upload else "",
                    )
                )
            try:
                save_ratings(assessment=assessment, entries=entries, saved_by=request.user)
            except AssessmentError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Saved."))
                position = areas.index(area)
                if "next" in request.POST and position + 1 < len(areas):
                    return redirect(
                        "organizations:assessment_area", assessment.pk, areas[position + 1].pk
                    )
                return redirect("organizations:assessment", assessment.pk)
    position = areas.index(area)
    return render(
        request,
        "organizations/assessments/area.html",
        {
            "assessment": assessment,
            "organization": assessment.organization,
            "area": area,
            "form": form,
            "ratings": ratings,
            "editable": editable,
            "previous_area": areas[position - 1] if position else None,
            "next_area": areas[position + 1] if position + 1 < len(areas) else None,
            "position": position + 1,
            "area_count": len(areas),
        },
    )


@require_POST
@login_required
def assessment_submit(request, assessment_pk):
    assessment = get_assessment_for_user(
        request, assessment_pk, perm="organizations.submit_assessment"
    )
    try:
        submit_assessment(assessment=assessment, submitted_by=request.user)
    except AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The assessment was submitted to the program for validation."))
    return redirect("organizations:assessment", assessment.pk)


@require_http_methods(["GET", "POST"])
@login_required
def assessment_validate(request, assessment_pk):
    assessment = get_assessment_for_user(
        request, assessment_pk, perm="organizations.validate_assessment"
    )
    if assessment.status != Assessment.Status.SUBMITTED:
        messages.error(request, _("Only a submitted assessment can be validated."))
        return redirect("organizations:assessment", assessment.pk)
    indicators = [
        indicator
        for area in assessment.framework.areas.prefetch_related("indicators")
        for indicator in area.indicators.all()
    ]
    ratings = list(assessment.ratings.all())
    # Bound on every POST: validating with no level changed posts nothing but the token.
    form = ValidationForm(
        request.POST if request.method == "POST" else None,
        assessment=assessment,
        ratings=ratings,
        indicators=indicators,
    )
    if request.method == "POST" and form.is_valid():
        changes = [RatingChange(indicator_id=i, level=lv, reason=r) for i, lv, r in form.changes]
        try:
            validate_assessment(assessment=assessment, validated_by=request.user, changes=changes)
        except AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("The assessment was validated. Its scores are being computed.")
            )
            return redirect("organizations:assessment", assessment.pk)
    return render(
        request,
        "organizations/assessments/validate.html",
        {
            "assessment": assessment,
            "organization": assessment.organization,
            "form": form,
        },
    )


@require_POST
@login_required
def assessment_reopen(request, assessment_pk):
    assessment = get_assessment_for_user(
        request, assessment_pk, perm="organizations.validate_assessment"
    )
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the assessment is reopened."))
        return redirect("organizations:assessment", assessment.pk)
    try:
        reopen_assessment(
            assessment=assessment, reopened_by=request.user, reason=form.cleaned_data["reason"]
        )
    except AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The assessment was reopened."))
    return redirect("organizations:assessment", assessment.pk)


@require_safe
@login_required
def evidence_download(request, assessment_pk, rating_pk):
    assessment = get_assessment_for_user(request, assessment_pk)
    rating = Rating.objects.filter(assessment=assessment, pk=rating_pk).first()
    path = evidence_path(rating.evidence_file) if rating else None
    if path is None:
        raise Http404
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    inline = content_type.startswith("image/")  # everything else downloads, never renders
    return FileResponse(
        path.open("rb"),
        as_attachment=not inline,
        filename=rating.evidence_file_name or path.name,
        content_type=content_type,
    )
