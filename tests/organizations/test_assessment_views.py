"""The assessment pages: who may use them, what they show and write, in both languages.

The full URL x persona grid is in tests/csa_portal/test_authorization_matrix.py; here each page
is checked working for the right person, 404 for an outsider, 403 for the wrong role and 405
for the wrong method, with what it writes.
"""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from organizations.models import AreaScore, Assessment, Framework, Rating
from organizations.services.instruments import new_version
from tests.capacity_helpers import (
    NA,
    areas_of,
    fill,
    indicators_of,
    make_framework,
    start,
    submitted_assessment,
    validated_assessment,
)
from tests.personas import speak_english

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def tiny(db):
    return make_framework()


@pytest.fixture
def draft(cast, tiny):
    return start(cast.org, tiny, cast.leader)


def es(text: str) -> str:
    with translation.override("es"):
        return translation.gettext(text)


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def area_url(assessment, code: str) -> str:
    area = areas_of(assessment.framework)[code]
    return reverse("organizations:assessment_area", args=[assessment.pk, area.pk])


def url(name: str, assessment) -> str:
    return reverse(f"organizations:{name}", args=[assessment.pk])


def area_post(framework, levels: dict, **extra) -> dict:
    """Form data for an area page: level_<id>, na_<id>, evidence_<id> per indicator code."""
    by_code = indicators_of(framework)
    data = {}
    for code, value in levels.items():
        pk = by_code[code].pk
        if value == NA:
            data[f"na_{pk}"] = "on"
        elif value is not None:
            data[f"level_{pk}"] = str(value)
        data[f"evidence_{pk}"] = f"Evidencia {code}"
    data.update(extra)
    return data


# --- assessment list ------------------------------------------------------------------------


def test_the_list_shows_the_organizations_assessments_in_spanish(cast, client_for, draft):
    other = start(cast.other_org, draft.framework, cast.other_leader)
    response = client_for(cast.leader).get(reverse("organizations:assessments", args=[cast.org.pk]))

    assert response.status_code == 200
    assert response.context["assessments"] == [draft]
    assert response.context["can_start"]
    html = response.content.decode()
    assert es("Capacity and performance assessments") in html
    assert es("Capacity and performance assessments") != "Capacity and performance assessments"
    assert url("assessment", draft) in html
    assert url("assessment", other) not in html


def test_the_list_in_english_and_without_the_start_button_for_members(cast, client_for, draft):
    speak_english(cast.member)
    response = client_for(cast.member).get(reverse("organizations:assessments", args=[cast.org.pk]))

    assert response.status_code == 200
    assert "Capacity and performance assessments" in response.content.decode()
    assert not response.context["can_start"]
    assert reverse("organizations:assessment_start", args=[cast.org.pk]) not in (
        response.content.decode()
    )


def test_the_list_is_404_for_another_organizations_leader_and_405_for_post(cast, client_for):
    client = client_for(cast.other_leader)
    list_url = reverse("organizations:assessments", args=[cast.org.pk])
    assert client.get(list_url).status_code == 404
    assert client_for(cast.leader).post(list_url).status_code == 405


# --- starting -------------------------------------------------------------------------------


def start_data(framework, **extra) -> dict:
    return {
        "framework": framework.pk,
        "kind": Assessment.Kind.BASELINE,
        "mode": Assessment.Mode.SELF,
        "assessed_on": "2026-04-15",
        **extra,
    }


def test_a_leader_starts_a_self_assessment(cast, client_for, tiny):
    client = client_for(cast.leader)
    start_url = reverse("organizations:assessment_start", args=[cast.org.pk])
    assert client.get(start_url).status_code == 200

    response = client.post(start_url, start_data(tiny))

    assessment = Assessment.objects.get(organization=cast.org)
    assert response.status_code == 302
    assert response["Location"] == url("assessment", assessment)
    assert (assessment.framework, assessment.status) == (tiny, Assessment.Status.DRAFT)
    assert (assessment.assessed_on, assessment.created_by) == (date(2026, 4, 15), cast.leader)


def test_a_cso_cannot_start_a_joint_assessment_but_staff_can(cast, client_for, tiny):
    start_url = reverse("organizations:assessment_start", args=[cast.org.pk])

    response = client_for(cast.leader).post(start_url, start_data(tiny, mode="joint"))
    assert response.status_code == 200
    assert response.context["form"].errors["mode"]
    assert not Assessment.objects.exists()

    response = client_for(cast.staff).post(start_url, start_data(tiny, mode="joint"))
    assert response.status_code == 302
    assert Assessment.objects.get().mode == Assessment.Mode.JOINT


def test_only_current_instrument_versions_are_offered(cast, client_for, tiny):
    newer = new_version(tiny)
    start_url = reverse("organizations:assessment_start", args=[cast.org.pk])

    offered = set(
        client_for(cast.leader).get(start_url).context["form"].fields["framework"].queryset
    )

    assert newer in offered and tiny not in offered
    response = client_for(cast.leader).post(start_url, start_data(tiny))
    assert response.status_code == 200
    assert not Assessment.objects.exists()


def test_start_refuses_members_outsiders_and_other_methods(cast, client_for, tiny):
    start_url = reverse("organizations:assessment_start", args=[cast.org.pk])
    assert client_for(cast.member).get(start_url).status_code == 403
    assert client_for(cast.member).post(start_url, start_data(tiny)).status_code == 403
    assert client_for(cast.other_leader).post(start_url, start_data(tiny)).status_code == 404
    assert client_for(cast.leader).put(start_url).status_code == 405
    assert not Assessment.objects.exists()


# --- detail ---------------------------------------------------------------------------------


def test_the_detail_shows_progress_per_area_and_what_the_person_may_do(cast, client_for, draft):
    fill(draft, cast.leader, {"a1": 2, "a2": NA, "b1": None})

    leader = client_for(cast.leader).get(url("assessment", draft))
    assert leader.status_code == 200
    progress = {
        row["area"].code: (row["answered"], row["total"]) for row in leader.context["areas"]
    }
    assert progress == {"a": (2, 3), "b": (0, 3)}
    assert leader.context["can_fill"] and leader.context["can_submit"]
    assert not leader.context["can_validate"] and not leader.context["can_reopen"]
    assert url("assessment_submit", draft) in leader.content.decode()

    member = client_for(cast.member).get(url("assessment", draft))
    assert member.context["can_fill"] and not member.context["can_submit"]
    assert url("assessment_submit", draft) not in member.content.decode()


def test_the_detail_is_404_for_outsiders_and_405_for_post(cast, client_for, draft):
    assert client_for(cast.other_leader).get(url("assessment", draft)).status_code == 404
    assert client_for(cast.lawyer).get(url("assessment", draft)).status_code == 404
    assert client_for(cast.leader).post(url("assessment", draft)).status_code == 405


def test_the_cso_sees_every_agreed_change_and_its_reason(cast, client_for, tiny):
    assessment = validated_assessment(
        cast.org,
        tiny,
        leader=cast.leader,
        staff=cast.staff,
        changes={
            "b2": (3, "El manual fue aprobado por la asamblea."),
            "a3": (2, "Sí tienen voluntariado."),  # self-rated "not applicable"
        },
    )
    speak_english(cast.leader)

    response = client_for(cast.leader).get(url("assessment", assessment))

    html = response.content.decode()
    assert "Levels changed at validation" in html
    assert "From 1 to 3" in html
    assert "El manual fue aprobado por la asamblea." in html
    assert "From — to 2" in html
    assert "Sí tienen voluntariado." in html
    assert [r.indicator.code for r in response.context["changed_ratings"]] == ["a3", "b2"]


def test_the_detail_shows_the_scores_once_computed(cast, client_for, tiny):
    from organizations import scoring

    assessment = validated_assessment(cast.org, tiny, leader=cast.leader, staff=cast.staff)
    client = client_for(cast.leader)
    assert (
        es("The scores are being computed.")
        in client.get(url("assessment", assessment)).content.decode()
    )

    scoring.recompute_scores()

    response = client.get(url("assessment", assessment))
    assert [(s.area.code, str(s.score)) for s in response.context["area_scores"]] == [
        ("a", "50.00"),
        ("b", "33.33"),
    ]
    assert "44.44" in response.content.decode()


# --- filling an area ------------------------------------------------------------------------


def test_the_area_page_shows_its_indicators_and_descriptors_in_both_languages(
    cast, client_for, draft
):
    response = client_for(cast.member).get(area_url(draft, "a"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Indicador a1 en español" in html and "a1 nivel 4" in html
    assert "Indicator a1 in English" not in html
    assert "Indicador b1" not in html  # another area

    speak_english(cast.member)
    html = client_for(cast.member).get(area_url(draft, "a")).content.decode()
    assert "Indicator a1 in English" in html and "a1 level 4" in html
    assert "Area 1 of 2" in html


def test_a_half_done_area_is_saved_and_kept(cast, client_for, draft):
    client = client_for(cast.member)

    response = client.post(
        area_url(draft, "a"), area_post(draft.framework, {"a1": 3, "a2": None, "a3": NA}, save="")
    )

    assert response.status_code == 302
    assert response["Location"] == url("assessment", draft)
    saved = {r.indicator.code: (r.level, r.not_applicable, r.evidence) for r in draft.ratings.all()}
    assert saved == {
        "a1": (3, False, "Evidencia a1"),
        "a2": (None, False, "Evidencia a2"),
        "a3": (None, True, "Evidencia a3"),
    }
    page = client.get(area_url(draft, "a"))
    form = page.context["form"]
    a1 = indicators_of(draft.framework)["a1"]
    assert form[f"level_{a1.pk}"].value() == 3
    assert 'value="3"' in page.content.decode() and "checked" in page.content.decode()


def test_save_and_continue_goes_to_the_next_area(cast, client_for, draft):
    response = client_for(cast.leader).post(
        area_url(draft, "a"), area_post(draft.framework, {"a1": 1}, next="")
    )
    assert response.status_code == 302
    assert response["Location"] == area_url(draft, "b")


@pytest.mark.parametrize("bad", ["9", "0", "tres"])
def test_a_level_outside_the_scale_is_refused_and_nothing_saved(cast, client_for, draft, bad):
    fill(draft, cast.leader, {"a1": 2})
    a1 = indicators_of(draft.framework)["a1"]
    data = area_post(draft.framework, {"a2": 3})
    data[f"level_{a1.pk}"] = bad

    response = client_for(cast.leader).post(area_url(draft, "a"), data)

    assert response.status_code == 200
    assert response.context["form"].errors[f"level_{a1.pk}"]
    assert dict(draft.ratings.values_list("indicator__code", "level")) == {"a1": 2}


def test_a_level_and_not_applicable_together_is_refused(cast, client_for, draft):
    a1 = indicators_of(draft.framework)["a1"]
    data = area_post(draft.framework, {"a1": 2})
    data[f"na_{a1.pk}"] = "on"
    speak_english(cast.leader)

    response = client_for(cast.leader).post(area_url(draft, "a"), data)

    assert response.status_code == 200
    assert "Choose a level or &#x27;not applicable&#x27;, not both." in response.content.decode()
    assert not draft.ratings.exists()


def test_a_submitted_assessment_cannot_be_edited_from_its_area_page(cast, client_for, tiny):
    assessment = submitted_assessment(cast.org, tiny, cast.leader)
    before = list(assessment.ratings.order_by("pk").values_list("level", "updated_at"))
    client = client_for(cast.leader)

    page = client.get(area_url(assessment, "a"))
    assert page.status_code == 200 and not page.context["editable"]

    response = client.post(area_url(assessment, "a"), area_post(tiny, {"a1": 1}))

    assert response.status_code == 302
    assert flashed(response) == [es("This assessment is no longer a draft and cannot be edited.")]
    assert list(assessment.ratings.order_by("pk").values_list("level", "updated_at")) == before


def test_an_area_of_another_framework_is_404(cast, client_for, draft):
    other = make_framework("other")
    foreign = areas_of(other)["a"]
    response = client_for(cast.leader).get(
        reverse("organizations:assessment_area", args=[draft.pk, foreign.pk])
    )
    assert response.status_code == 404


def test_the_area_page_refuses_outsiders_and_other_methods(cast, client_for, draft):
    data = area_post(draft.framework, {"a1": 4})
    assert client_for(cast.other_leader).get(area_url(draft, "a")).status_code == 404
    assert client_for(cast.other_leader).post(area_url(draft, "a"), data).status_code == 404
    assert client_for(cast.leader).put(area_url(draft, "a")).status_code == 405
    assert not draft.ratings.exists()


# --- evidence files -------------------------------------------------------------------------


def upload_evidence(client, draft, content=PDF, name="acta-constitutiva.pdf"):
    a1 = indicators_of(draft.framework)["a1"]
    data = area_post(draft.framework, {"a1": 3})
    data[f"file_{a1.pk}"] = SimpleUploadedFile(name, content, "application/pdf")
    return client.post(area_url(draft, "a"), data)


def test_an_evidence_file_is_uploaded_and_downloaded_as_an_attachment(cast, client_for, draft):
    response = upload_evidence(client_for(cast.member), draft)
    assert response.status_code == 302
    rating = draft.ratings.get(indicator__code="a1")
    assert rating.evidence_file.endswith(".pdf")
    assert rating.evidence_file_name == "acta-constitutiva.pdf"

    download = client_for(cast.leader).get(
        reverse("organizations:evidence", args=[draft.pk, rating.pk])
    )

    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert 'filename="acta-constitutiva.pdf"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF
    staff = client_for(cast.staff).get(
        reverse("organizations:evidence", args=[draft.pk, rating.pk])
    )
    assert staff.status_code == 200
    staff.close()
    download.close()


def test_evidence_is_404_for_another_organization_and_for_a_foreign_rating(cast, client_for, draft):
    upload_evidence(client_for(cast.leader), draft)
    rating = draft.ratings.get(indicator__code="a1")
    evidence_url = reverse("organizations:evidence", args=[draft.pk, rating.pk])

    assert client_for(cast.other_leader).get(evidence_url).status_code == 404
    # Their own assessment's URL with our rating's id does not reach our file either.
    theirs = start(cast.other_org, draft.framework, cast.other_leader)
    foreign = reverse("organizations:evidence", args=[theirs.pk, rating.pk])
    assert client_for(cast.other_leader).get(foreign).status_code == 404
    assert client_for(cast.leader).post(evidence_url).status_code == 405


def test_a_rating_without_a_file_has_no_download(cast, client_for, draft):
    fill(draft, cast.leader, {"a1": 2})
    rating = draft.ratings.get()
    response = client_for(cast.leader).get(
        reverse("organizations:evidence", args=[draft.pk, rating.pk])
    )
    assert response.status_code == 404


def test_a_file_that_is_not_a_document_is_refused(cast, client_for, draft):
    speak_english(cast.leader)
    response = upload_evidence(
        client_for(cast.leader), draft, content=b"#!/bin/sh\nrm -rf /\n", name="acta.pdf"
    )
    assert response.status_code == 200
    assert "Only PDF, office documents and images are accepted." in response.content.decode()
    assert not Rating.objects.exists()


# --- submitting -----------------------------------------------------------------------------


def test_a_leader_submits_a_complete_assessment(cast, client_for, draft):
    fill(draft, cast.member, {"a1": 4, "a2": 2, "b1": 3, "b2": NA})

    response = client_for(cast.leader).post(url("assessment_submit", draft))

    assert response.status_code == 302
    assert response["Location"] == url("assessment", draft)
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.SUBMITTED
    assert draft.submitted_by == cast.leader
    assert flashed(response) == [es("The assessment was submitted to the program for validation.")]


def test_submitting_with_unrated_indicators_says_how_many_and_changes_nothing(
    cast, client_for, draft
):
    fill(draft, cast.leader, {"a1": 4})
    speak_english(cast.leader)

    response = client_for(cast.leader).post(url("assessment_submit", draft), follow=True)

    assert "3 required indicator(s) are not rated yet." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.DRAFT and draft.submitted_at is None


def test_submit_refuses_members_outsiders_and_get(cast, client_for, draft):
    fill(draft, cast.leader, {"a1": 4, "a2": 2, "b1": 3, "b2": 1})
    assert client_for(cast.member).post(url("assessment_submit", draft)).status_code == 403
    assert client_for(cast.other_leader).post(url("assessment_submit", draft)).status_code == 404
    assert client_for(cast.leader).get(url("assessment_submit", draft)).status_code == 405
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.DRAFT


# --- validating -----------------------------------------------------------------------------


@pytest.fixture
def submitted(cast, tiny):
    return submitted_assessment(cast.org, tiny, cast.leader)  # a1 4, a2 2, a3 n/a, b1 3, b2 1


def test_staff_see_the_validation_page_with_every_indicator(cast, client_for, submitted):
    speak_english(cast.staff)
    response = client_for(cast.staff).get(url("assessment_validate", submitted))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Joint validation" in html
    assert html.count("data-indicator=") == 6
    assert "Evidencia de b2" in html


def test_the_validation_page_in_spanish(cast, client_for, submitted):
    response = client_for(cast.staff).get(url("assessment_validate", submitted))
    assert es("Joint validation") in response.content.decode()
    assert es("Joint validation") != "Joint validation"


def test_staff_validate_with_a_changed_level_and_a_reason(
    cast, client_for, submitted, django_capture_on_commit_callbacks
):
    b2 = indicators_of(submitted.framework)["b2"]
    a1 = indicators_of(submitted.framework)["a1"]
    data = {
        f"level_{b2.pk}": "3",
        f"reason_{b2.pk}": "El manual fue aprobado en la visita.",
        f"level_{a1.pk}": "4",  # confirmed at the self-rated level: no reason needed
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.staff).post(url("assessment_validate", submitted), data)

    assert response.status_code == 302
    assert response["Location"] == url("assessment", submitted)
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.VALIDATED
    assert submitted.validated_by == cast.staff and submitted.validated_at is not None
    rating = submitted.ratings.get(indicator=b2)
    assert (rating.self_level, rating.level) == (1, 3)
    assert rating.change_reason == "El manual fue aprobado en la visita."
    # Validation enqueued the scoring on commit: b = (66.67 + 66.67) / 2, overall 55.56.
    assert {s.area.code: str(s.score) for s in AreaScore.objects.filter(assessment=submitted)} == {
        "a": "50.00",
        "b": "66.67",
    }
    assert str(submitted.overall_score) == "55.56"


def test_a_changed_level_without_a_reason_is_refused_on_the_page(cast, client_for, submitted):
    b2 = indicators_of(submitted.framework)["b2"]
    speak_english(cast.staff)

    response = client_for(cast.staff).post(
        url("assessment_validate", submitted), {f"level_{b2.pk}": "3", f"reason_{b2.pk}": " "}
    )

    assert response.status_code == 200
    assert "Write the reason both sides agreed on for this change." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.SUBMITTED
    assert submitted.ratings.get(indicator=b2).level == 1


def test_a_level_outside_the_scale_is_refused_on_the_validation_page(cast, client_for, submitted):
    b2 = indicators_of(submitted.framework)["b2"]
    response = client_for(cast.staff).post(
        url("assessment_validate", submitted), {f"level_{b2.pk}": "5", f"reason_{b2.pk}": "x"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors[f"level_{b2.pk}"]
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.SUBMITTED


def test_a_draft_cannot_be_validated_from_the_page(cast, client_for, draft):
    response = client_for(cast.staff).post(url("assessment_validate", draft), {})
    assert response.status_code == 302
    assert flashed(response) == [es("Only a submitted assessment can be validated.")]
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.DRAFT


def test_validation_refuses_cso_people_outsiders_and_other_methods(cast, client_for, submitted):
    assert client_for(cast.leader).get(url("assessment_validate", submitted)).status_code == 403
    assert client_for(cast.leader).post(url("assessment_validate", submitted)).status_code == 403
    assert (
        client_for(cast.other_leader).get(url("assessment_validate", submitted)).status_code == 404
    )
    assert client_for(cast.staff).put(url("assessment_validate", submitted)).status_code == 405
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.SUBMITTED


# --- reopening ------------------------------------------------------------------------------


def test_staff_reopen_a_validated_assessment_with_a_reason(
    cast, client_for, tiny, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assessment = validated_assessment(cast.org, tiny, leader=cast.leader, staff=cast.staff)
    assert AreaScore.objects.filter(assessment=assessment).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.staff).post(
            url("assessment_reopen", assessment), {"reason": "Falta el acta firmada."}
        )

    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT
    assert assessment.reopen_reason == "Falta el acta firmada."
    assert not AreaScore.objects.filter(assessment=assessment).exists()
    assert assessment.overall_score is None
    page = client_for(cast.leader).get(url("assessment", assessment))
    assert "Falta el acta firmada." in page.content.decode()
    assert page.context["can_fill"]


def test_reopening_without_a_reason_changes_nothing(cast, client_for, submitted):
    response = client_for(cast.staff).post(url("assessment_reopen", submitted), {"reason": ""})
    assert flashed(response) == [es("Say why the assessment is reopened.")]
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.SUBMITTED


def test_reopen_refuses_cso_people_outsiders_and_get(cast, client_for, submitted):
    data = {"reason": "Queremos cambiarla."}
    assert (
        client_for(cast.leader).post(url("assessment_reopen", submitted), data).status_code == 403
    )
    assert (
        client_for(cast.other_leader).post(url("assessment_reopen", submitted), data).status_code
        == 404
    )
    assert client_for(cast.staff).get(url("assessment_reopen", submitted)).status_code == 405
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.SUBMITTED


# --- the whole way through the pages --------------------------------------------------------


def test_fill_submit_validate_through_the_pages(
    cast, client_for, tiny, django_capture_on_commit_callbacks
):
    leader = client_for(cast.leader)
    leader.post(reverse("organizations:assessment_start", args=[cast.org.pk]), start_data(tiny))
    assessment = Assessment.objects.get()
    leader.post(area_url(assessment, "a"), area_post(tiny, {"a1": 4, "a2": 2, "a3": NA}, next=""))
    leader.post(area_url(assessment, "b"), area_post(tiny, {"b1": 3, "b2": 1}))
    leader.post(url("assessment_submit", assessment))

    staff = client_for(cast.staff)
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(url("assessment_validate", assessment), {})

    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.VALIDATED
    assert str(assessment.overall_score) == "44.44"
    assert Framework.objects.get(pk=tiny.pk).is_locked()
