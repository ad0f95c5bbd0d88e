"""Score pages: an organization's scores, cohort medians for staff, the capacity list and its
exports, the recompute button, and their fixed query counts."""

import csv
import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from csa_portal.models import Job
from organizations import scoring
from organizations.models import AreaScore, Assessment, Tier
from organizations.services import update_organization
from organizations.services.medians import refresh_cohort_medians
from tests.capacity_helpers import NA, make_framework, submitted_assessment, validated_assessment
from tests.personas import make_organization, make_user, speak_english
from tests.query_counts import LOGGED_IN

ALL_ONES = {"a1": 1, "a2": 1, "b1": 1, "b2": 1}
# a = (1 x 100 + 3 x 33.33..) / 4 = 50.00; b = (66.67 + 0) / 2 = 33.33; overall 44.44
ENDLINE = {"a1": 4, "a2": 2, "a3": NA, "b1": 3, "b2": 1}


def es(text: str) -> str:
    with translation.override("es"):
        return translation.gettext(text)


def set_tier(organization, number: int | None) -> None:
    tier = Tier.objects.get(number=number) if number else None
    update_organization(organization=organization, changed_by=None, fields={"tier": tier})


@pytest.fixture
def program(cast):
    """Tier 1: cast.org, other_org, org3; tier 2: org4; org5 is not a participant.

    Latest area scores (a, b) on the tiny instrument:
      cast.org   baseline 2017 (0, 0), endline 2020 (50.00, 33.33), overall 44.44
      other_org  (100, 100)
      org3       (0, 33.33)             a1 1, a2 1; b1 2, b2 2
      org4       (75.00, 66.67)         a1 4, a2 3 -> (100 + 3 x 66.67) / 4; b1 3, b2 3
      org5       (100, 100)             not participating: in no cohort
    """
    tiny = make_framework()
    org3 = make_organization("Tercera Organización", state="CHIH")
    org4 = make_organization("Cuarta Organización", state="NL")
    org5 = make_organization("Quinta Organización")
    for organization, tier in [(cast.org, 1), (cast.other_org, 1), (org3, 1), (org4, 2)]:
        set_tier(organization, tier)

    def validated(organization, levels, on, kind=Assessment.Kind.ENDLINE):
        return validated_assessment(
            organization,
            tiny,
            leader=cast.leader,
            staff=cast.staff,
            levels=levels,
            assessed_on=on,
            kind=kind,
        )

    baseline = validated(cast.org, ALL_ONES, date(2017, 3, 1), Assessment.Kind.BASELINE)
    endline = validated(cast.org, ENDLINE, date(2020, 6, 1))
    submitted_assessment(cast.org, tiny, cast.leader, assessed_on=date(2021, 1, 1))  # not counted
    validated(cast.other_org, {"a1": 4, "a2": 4, "b1": 4, "b2": 4}, date(2020, 1, 1))
    validated(org3, {"a1": 1, "a2": 1, "b1": 2, "b2": 2}, date(2019, 1, 1))
    validated(org4, {"a1": 4, "a2": 3, "b1": 3, "b2": 3}, date(2020, 2, 1))
    validated(org5, {"a1": 4, "a2": 4, "b1": 4, "b2": 4}, date(2020, 2, 1))
    scoring.recompute_scores()
    refresh_cohort_medians()
    return {"tiny": tiny, "baseline": baseline, "endline": endline, "org3": org3, "org4": org4}


def scores_url(organization) -> str:
    return reverse("organizations:scores", args=[organization.pk])


def rows_by_area(response, instrument_code: str = "tiny") -> dict:
    (instrument,) = [
        i for i in response.context["instruments"] if i["framework"].code == instrument_code
    ]
    return {row["area"].code: row for row in instrument["areas"]}


# --- an organization's scores ---------------------------------------------------------------


def test_a_leader_sees_their_own_latest_scores_and_change_since_baseline(cast, client_for, program):
    response = client_for(cast.leader).get(scores_url(cast.org))

    assert response.status_code == 200
    (instrument,) = response.context["instruments"]
    assert instrument["latest"] == program["endline"]
    assert instrument["baseline"] == program["baseline"]
    assert instrument["overall_change"] == Decimal("44.44")
    rows = rows_by_area(response)
    assert (rows["a"]["baseline"], rows["a"]["score"], rows["a"]["change"]) == (
        Decimal("0.00"),
        Decimal("50.00"),
        Decimal("50.00"),
    )
    assert (rows["b"]["baseline"], rows["b"]["score"], rows["b"]["change"]) == (
        Decimal("0.00"),
        Decimal("33.33"),
        Decimal("33.33"),
    )
    assert [h["score"] for h in instrument["history"]] == [0.0, 44.44]
    assert instrument["chart"]["series"][0]["values"] == [50.0, 33.33]
    # The weakest rated indicators of each area, lowest first; "not applicable" is left out.
    assert [r.indicator.code for r in rows["a"]["weakest"]] == ["a2", "a1"]
    assert [r.indicator.code for r in rows["b"]["weakest"]] == ["b2", "b1"]


def test_cso_people_do_not_see_cohort_comparisons(cast, client_for, program):
    response = client_for(cast.member).get(scores_url(cast.org))

    assert response.status_code == 200
    assert not response.context["show_cohorts"]
    assert "tier_median" not in rows_by_area(response)["a"]
    html = response.content.decode()
    assert es("Tier median") not in html
    assert "Median" not in html and es("Median of the tier") not in html


def test_staff_see_the_medians_of_the_tier_and_of_all_participants(cast, client_for, program):
    response = client_for(cast.staff).get(scores_url(cast.org))

    assert response.context["show_cohorts"]
    rows = rows_by_area(response)
    # Tier 1, latest assessments only: a [50, 100, 0] -> 50; b [33.33, 100, 33.33] -> 33.33
    assert (rows["a"]["tier_median"], rows["b"]["tier_median"]) == (
        Decimal("50.00"),
        Decimal("33.33"),
    )
    # All participants (org5 is not one): a [0, 50, 75, 100] -> 62.50;
    # b [33.33, 33.33, 66.67, 100] -> 50.00
    assert (rows["a"]["all_median"], rows["b"]["all_median"]) == (
        Decimal("62.50"),
        Decimal("50.00"),
    )
    assert es("Tier median") in response.content.decode()


def test_another_organizations_scores_are_404(cast, client_for, program):
    assert client_for(cast.other_leader).get(scores_url(cast.org)).status_code == 404
    assert client_for(cast.lawyer).get(scores_url(cast.org)).status_code == 404
    assert client_for(cast.leader).get(scores_url(cast.other_org)).status_code == 404
    assert client_for(cast.leader).post(scores_url(cast.org)).status_code == 405


def test_the_scores_page_in_both_languages(cast, client_for, program):
    html = client_for(cast.leader).get(scores_url(cast.org)).content.decode()
    assert es("Capacity and performance scores") in html
    assert "Instrumento pequeño tiny" in html and "Área A" in html

    speak_english(cast.leader)
    html = client_for(cast.leader).get(scores_url(cast.org)).content.decode()
    assert "Capacity and performance scores" in html
    assert "Tiny instrument tiny" in html and "Area A" in html
    assert "Change since baseline" in html


def test_an_organization_without_validated_assessments_has_an_empty_scores_page(
    cast, client_for, db
):
    make_framework()
    submitted_assessment(cast.org, make_framework("other"), cast.leader)
    speak_english(cast.leader)

    response = client_for(cast.leader).get(scores_url(cast.org))

    assert response.context["instruments"] == []
    assert "No validated assessment yet" in response.content.decode()


# --- the capacity list ----------------------------------------------------------------------


def capacity(client, **params):
    return client.get(reverse("organizations:capacity_list"), {"framework": "tiny", **params})


def listed(response) -> dict[str, tuple]:
    return {
        org.name: (org.latest_score, org.baseline_score, org.score_change, org.last_validated)
        for org in response.context["page"].object_list
    }


def test_the_capacity_list_shows_latest_score_change_and_last_validation(cast, client_for, program):
    response = capacity(client_for(cast.staff))

    assert response.status_code == 200
    assert listed(response) == {
        "Cuarta Organización": (
            Decimal("72.22"),  # (2 x 75.00 + 66.67) / 3
            Decimal("72.22"),
            None,  # only a baseline: no change yet
            date(2020, 2, 1),
        ),
        "Otra Organización": (
            Decimal("100.00"),
            Decimal("100.00"),
            None,  # only a baseline: no change yet
            date(2020, 1, 1),
        ),
        "Red de Prueba por la Paz": (
            Decimal("44.44"),
            Decimal("0.00"),
            Decimal("44.44"),
            date(2020, 6, 1),
        ),
        "Tercera Organización": (
            Decimal("11.11"),
            Decimal("11.11"),
            None,  # only a baseline: no change yet
            date(2019, 1, 1),
        ),
    }
    html = response.content.decode()
    # Two decimals, written the Mexican way (SQLite once showed "44,4400000000000").
    assert '<td class="text-end">44.44</td>' in html
    assert "+44.44" in html
    assert "00000" not in html
    tercera = html[html.index("Tercera Organización") :]
    assert '<td class="text-end ">—</td>' in tercera[: tercera.index("</tr>")]
    assert "Quinta Organización" not in html  # not a participant


def test_the_capacity_list_filters_by_tier_and_state(cast, client_for, program):
    client = client_for(cast.staff)
    tier2 = Tier.objects.get(number=2)
    assert list(listed(capacity(client, tier=tier2.pk))) == ["Cuarta Organización"]
    assert list(listed(capacity(client, state="CHIH"))) == ["Tercera Organización"]


def test_the_capacity_list_for_an_instrument_nobody_used(cast, client_for, program):
    response = client_for(cast.staff).get(
        reverse("organizations:capacity_list"), {"framework": "oca"}
    )
    assert response.status_code == 200
    assert {v[0] for v in listed(response).values()} == {None}


def test_the_capacity_list_is_for_staff_only(cast, client_for, program):
    list_url = reverse("organizations:capacity_list")
    assert client_for(cast.leader).get(list_url).status_code == 403
    assert client_for(cast.other_leader).get(list_url).status_code == 403
    assert client_for(cast.staff).post(list_url).status_code == 405
    export_url = reverse("organizations:capacity_export")
    assert client_for(cast.leader).get(export_url, {"format": "csv"}).status_code == 403


def test_the_capacity_list_in_both_languages(cast, client_for, program):
    assert es("Capacity scores") in capacity(client_for(cast.staff)).content.decode()
    speak_english(cast.staff)
    html = capacity(client_for(cast.staff)).content.decode()
    assert "Capacity scores" in html and "Latest overall score" in html


EXPECTED_EXPORT = {
    "Red de Prueba por la Paz": ["1", "SON", "cso", "tiny", "44.44", "0.00", "44.44", "2020-06-01"],
    "Tercera Organización": ["1", "CHIH", "cso", "tiny", "11.11", "11.11", "", "2019-01-01"],
}


def test_the_csv_export_has_the_right_numbers(cast, client_for, program):
    response = client_for(cast.staff).get(
        reverse("organizations:capacity_export"), {"framework": "tiny", "format": "csv"}
    )

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="capacity-scores.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "name",
        "tier",
        "state",
        "sector",
        "instrument",
        "latest_score",
        "baseline_score",
        "change",
        "last_validated",
    ]
    by_name = {row[0]: row[1:] for row in rows[1:]}
    assert len(by_name) == 4
    for name, expected in EXPECTED_EXPORT.items():
        assert by_name[name] == expected


def test_the_xlsx_export_has_the_right_numbers_as_numbers(cast, client_for, program):
    response = client_for(cast.staff).get(
        reverse("organizations:capacity_export"),
        {"framework": "tiny", "format": "xlsx", "state": "SON"},
    )

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "name"
    assert rows[1:] == [
        ("Red de Prueba por la Paz", 1, "SON", "cso", "tiny", 44.44, 0.0, 44.44, "2020-06-01")
    ]


# --- recomputing ----------------------------------------------------------------------------


def test_the_recompute_button_runs_a_job_and_the_scores_exist_after(
    cast, client_for, program, django_capture_on_commit_callbacks
):
    AreaScore.objects.all().delete()
    Assessment.objects.update(overall_score=None, scored_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.staff).post(reverse("organizations:recompute_scores"))

    job = Job.objects.get(kind="organizations.recompute_scores")
    assert response.status_code == 302
    assert response["Location"] == reverse("job_detail", kwargs={"job_id": job.pk})
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.created_by == cast.staff
    assert job.result == {"scores": 12}  # six validated assessments, two areas each
    assert AreaScore.objects.count() == 12
    program["endline"].refresh_from_db()
    assert program["endline"].overall_score == Decimal("44.44")


def test_cso_people_cannot_recompute(cast, client_for, program):
    url = reverse("organizations:recompute_scores")
    assert client_for(cast.leader).post(url).status_code == 403
    assert client_for(cast.staff).get(url).status_code == 405
    assert not Job.objects.exists()


# --- query counts ---------------------------------------------------------------------------

SMALL, LARGE = 3, 12

# Locked counts, as in test_query_counts.py (5 of them are the session and user of every
# logged-in request). Changing one is fine when the page really needs it: say why.
CAPACITY_LIST_QUERIES = (
    LOGGED_IN + 5
)  # + frameworks, count, tiers and themes for the filters, the rows
SCORES_PAGE_QUERIES = (
    LOGGED_IN + 6
)  # + organization, assessments, scores, areas, weakest, stored medians
# A CSO leader's view is one membership lookup; they get no cohort medians.
SCORES_PAGE_LEADER_QUERIES = SCORES_PAGE_QUERIES + 1 - 1


def count_queries(client, url: str, params=None) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(context)


def measure(client, url: str, grow: Callable[[int, int], None], params=None) -> tuple[int, int]:
    grow(0, SMALL)
    client.get(url, params or {})  # warm caches that are per process, not per request
    small = count_queries(client, url, params)
    grow(SMALL, LARGE)
    large = count_queries(client, url, params)
    return small, large


def test_the_capacity_list_runs_a_fixed_number_of_queries(
    cast, client_for, fast_password_hashing, page_cache_off
):
    tiny = make_framework()
    leader = make_user("lider-multiple@test.mx")

    def grow(start: int, stop: int) -> None:
        for i in range(start, stop):
            organization = make_organization(f"Organización {i:02d}", state="CHIH")
            set_tier(organization, i % 3 + 1)
            for year in (2017, 2020):
                validated_assessment(
                    organization,
                    tiny,
                    leader=leader,
                    staff=cast.staff,
                    assessed_on=date(year, 1, 1),
                )
        scoring.recompute_scores()

    small, large = measure(
        client_for(cast.staff), reverse("organizations:capacity_list"), grow, {"framework": "tiny"}
    )

    assert small == large
    assert small == CAPACITY_LIST_QUERIES


@pytest.mark.parametrize("persona", ["staff", "leader"])
def test_the_scores_page_runs_a_fixed_number_of_queries(cast, client_for, persona, page_cache_off):
    tiny = make_framework()
    set_tier(cast.org, 1)

    def grow(start: int, stop: int) -> None:
        for i in range(start, stop):
            validated_assessment(
                cast.org,
                tiny,
                leader=cast.leader,
                staff=cast.staff,
                assessed_on=date(2016 + i % 5, 1 + i % 12, 1),
            )
            peer = make_organization(f"Par {i:02d}")
            set_tier(peer, i % 2 + 1)
            validated_assessment(peer, tiny, leader=cast.leader, staff=cast.staff)
        scoring.recompute_scores()

    client = client_for(getattr(cast, persona))
    small, large = measure(client, scores_url(cast.org), grow)

    assert small == large
    assert small == (SCORES_PAGE_QUERIES if persona == "staff" else SCORES_PAGE_LEADER_QUERIES)


def test_scoring_an_assessment_refreshes_the_stored_medians(cast, client_for, program):
    from organizations.models import CohortMedian
    from organizations.tasks import score_assessment_task

    CohortMedian.objects.all().delete()
    score_assessment_task(program["endline"].pk)

    rows = rows_by_area(client_for(cast.staff).get(scores_url(cast.org)))
    assert (rows["a"]["tier_median"], rows["a"]["all_median"]) == (
        Decimal("50.00"),
        Decimal("62.50"),
    )
