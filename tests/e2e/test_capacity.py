"""A CSO leader fills in and submits a self-assessment in Spanish; staff validate it."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.template.defaultfilters import date as date_filter
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from csa_portal.services import set_preferred_language
from organizations.models import Area, AreaScore, Assessment, Framework, Indicator, Rating

pytestmark = [pytest.mark.e2e]

SCREENSHOTS = "/tmp/e2e-capacity-{name}.png"  # noqa: S108 - looked at by hand after a run

# The leader's self-rating of each indicator, area by area (scale 1-4, all indicators required).
SELF_LEVELS = {
    "internal-capacities": [3, 2, 4, 3],
    "strategic-alliances": [4, 3, 4, 2],
    "local-system": [4, 2, 3, 1],
}
# At validation staff and the leader agree on 2 instead of 3 for the first indicator.
CHANGED_INDICATOR, AGREED_LEVEL = "internal-capacities-1", 2
CHANGE_REASON = "El informe anual de la CLUNI de 2025 se presentó fuera de plazo."

# By hand: an indicator at level L is worth (L - 1) / 3 x 100; an area is the mean weighted by
# indicator weight, rounded to 2 places; overall is the mean of the areas (all weigh 1).
#   internal-capacities, weights 1.5 1 1.5 1, levels 2 2 4 3 (after the change):
#     (1.5 x 33.33.. + 33.33.. + 1.5 x 100 + 66.66..) / 5 = 300 / 5 = 60.00
#   strategic-alliances, weights 1 1 1.5 1, levels 4 3 4 2:
#     (100 + 66.66.. + 1.5 x 100 + 33.33..) / 4.5 = 350 / 4.5 = 77.78
#   local-system, weights 1.5 1 1 2, levels 4 2 3 1:
#     (1.5 x 100 + 33.33.. + 66.66.. + 0) / 5.5 = 250 / 5.5 = 45.45
#   overall: (60.00 + 77.78 + 45.45) / 3 = 61.08
EXPECTED_AREA_SCORES = {
    "internal-capacities": Decimal("60.00"),
    "strategic-alliances": Decimal("77.78"),
    "local-system": Decimal("45.45"),
}
EXPECTED_OVERALL = Decimal("61.08")


def in_spanish(text: str, **values) -> str:
    """What the portal shows for `text` in Spanish (the catalog's translation, if any)."""
    with translation.override("es"):
        translated = gettext(text)
    return translated % values if values else translated


def spanish_str(obj) -> str:
    with translation.override("es"):
        return str(obj)


def spanish_datetime(value) -> str:
    with translation.override("es"):
        return date_filter(timezone.localtime(value), "DATETIME_FORMAT")


def spanish_number(value: Decimal) -> str:
    with translation.override("es"):
        return formats.localize(value)


def evidence_for(area: Area) -> str:
    return f"Minuta de la reunión de consejo sobre {area.name_es.lower()}."


def log_out(page: Page) -> None:
    with page.expect_navigation():
        page.locator("nav").get_by_role("button", name=in_spanish("Log out")).click()


def indicator_card(page: Page, position: int, indicator: Indicator):
    """An indicator's fieldset on its area page, by its accessible name (its legend)."""
    return page.get_by_role("group", name=f"{position}. {indicator.text_es}", exact=True)


def fill_area(page: Page, area: Area, indicators: list[Indicator], levels: list[int]) -> None:
    for position, (indicator, level) in enumerate(zip(indicators, levels, strict=True), start=1):
        card = indicator_card(page, position, indicator)
        choice = card.get_by_role(
            "radio", name=f"{level} · {indicator.descriptors[str(level)]['es']}"
        )
        choice.check()
        expect(choice).to_be_checked()
    indicator_card(page, 1, indicators[0]).get_by_label(in_spanish("Evidence"), exact=True).fill(
        evidence_for(area)
    )


def expect_area_kept(page: Page, area: Area, indicators: list[Indicator], levels: list[int]):
    """The area page shows what was saved: each chosen level and the evidence text."""
    for position, (indicator, level) in enumerate(zip(indicators, levels, strict=True), start=1):
        card = indicator_card(page, position, indicator)
        expect(card.locator("input[type=radio]:checked")).to_have_count(1)
        expect(card.locator("input[type=radio]:checked")).to_have_attribute("value", str(level))
        expect(card.get_by_label(in_spanish("Not applicable"))).not_to_be_checked()
    first = indicator_card(page, 1, indicators[0])
    expect(first.get_by_label(in_spanish("Evidence"), exact=True)).to_have_value(evidence_for(area))


def test_leader_self_assesses_in_spanish_and_staff_validate_with_a_changed_level(
    page: Page, live_server, login, cast, page_problems
):
    assert in_spanish("Levels changed at validation") != "Levels changed at validation", (
        "The Spanish catalog is not compiled: run `manage.py compile_translations`."
    )
    org = cast.org
    framework = Framework.objects.current().get(code="csa-institutional")
    areas = list(framework.areas.order_by("position"))
    assert [a.code for a in areas] == list(SELF_LEVELS)
    indicators = {a.code: list(a.indicators.order_by("position")) for a in areas}
    set_preferred_language(user=cast.leader, language="es")
    set_preferred_language(user=cast.staff, language="es")

    # --- The leader starts a baseline self-assessment from the organization's page.
    login(cast.leader)
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.goto(f"{live_server.url}/organizations/{org.pk}/")
    page.get_by_role("link", name=in_spanish("Start an assessment")).click()
    page.wait_for_url(f"{live_server.url}/organizations/{org.pk}/assessments/new/")
    expect(page.locator("main h1")).to_have_text(
        f"{in_spanish('Start an assessment')} · {org.name}"
    )
    form = page.locator("main form[method=post]")
    form.locator("[name=framework]").select_option(label=spanish_str(framework))
    form.locator("[name=kind]").select_option(label=spanish_str(Assessment.Kind.BASELINE.label))
    mode = form.locator("[name=mode]")
    # A CSO can only start a self-assessment; facilitated and joint ones are set up by staff.
    expect(mode.locator("option")).to_have_text([spanish_str(Assessment.Mode.SELF.label)])
    form.locator("[name=assessed_on]").fill("2026-03-02")
    form.locator("button[type=submit]").click()

    page.wait_for_url(re.compile(r"/organizations/assessments/\d+/$"))
    assessment = Assessment.objects.get(organization=org)
    assert (assessment.framework, assessment.kind, assessment.mode, assessment.status) == (
        framework,
        Assessment.Kind.BASELINE,
        Assessment.Mode.SELF,
        Assessment.Status.DRAFT,
    )
    assessment_url = f"{live_server.url}/organizations/assessments/{assessment.pk}/"
    assert page.url == assessment_url
    expect(page.locator("main h1")).to_have_text(spanish_str(framework))
    expect(page.get_by_test_id("assessment-status")).to_have_text(in_spanish("Draft"))
    area_list = page.locator("main ol.list-group > li")
    expect(area_list).to_have_count(len(areas))
    for row, area in zip(area_list.all(), areas, strict=True):
        expect(row).to_contain_text(area.name_es)
        expect(row.locator(".badge")).to_have_text("0 / 4")

    def area_url(area: Area) -> str:
        return f"{live_server.url}/organizations/assessments/{assessment.pk}/areas/{area.pk}/"

    # --- Area by area: "Save and continue" saves and opens the next area.
    first, second, last = areas
    area_list.nth(0).get_by_role("link", name=first.name_es).click()
    page.wait_for_url(area_url(first))
    expect(page.locator("main h1")).to_have_text(first.name_es)
    expect(page.locator("main")).to_contain_text(
        in_spanish("Area %(n)s of %(total)s", n=1, total=3)
    )
    fill_area(page, first, indicators[first.code], SELF_LEVELS[first.code])
    page.get_by_role("button", name=in_spanish("Save and continue")).click()

    page.wait_for_url(area_url(second))
    expect(page.get_by_role("status").first).to_have_text(in_spanish("Saved."))
    expect(page.locator("main h1")).to_have_text(second.name_es)
    assert Rating.objects.filter(assessment=assessment).count() == 4

    # Leave for the assessment's page and come back: the first area is kept.
    page.locator("main .breadcrumb").get_by_role("link", name=spanish_str(framework)).click()
    page.wait_for_url(assessment_url)
    expect(area_list.nth(0).locator(".badge")).to_have_text("4 / 4")
    expect(area_list.nth(1).locator(".badge")).to_have_text("0 / 4")
    area_list.nth(0).get_by_role("link", name=first.name_es).click()
    page.wait_for_url(area_url(first))
    expect_area_kept(page, first, indicators[first.code], SELF_LEVELS[first.code])
    page.screenshot(path=SCREENSHOTS.format(name="filled-area"), full_page=True)

    page.locator("main nav").get_by_role("link", name=f"{second.name_es} →").click()
    page.wait_for_url(area_url(second))
    fill_area(page, second, indicators[second.code], SELF_LEVELS[second.code])
    page.get_by_role("button", name=in_spanish("Save and continue")).click()

    page.wait_for_url(area_url(last))
    expect(page.locator("main")).to_contain_text(
        in_spanish("Area %(n)s of %(total)s", n=3, total=3)
    )
    # The last area has nowhere to continue to: "Save" goes back to the assessment.
    expect(page.get_by_role("button", name=in_spanish("Save and continue"))).to_have_count(0)
    fill_area(page, last, indicators[last.code], SELF_LEVELS[last.code])
    page.get_by_role("button", name=in_spanish("Save"), exact=True).click()

    page.wait_for_url(assessment_url)
    expect(page.get_by_role("status").first).to_have_text(in_spanish("Saved."))
    expect(area_list.locator(".badge")).to_have_text(["4 / 4"] * 3)

    # --- The leader submits it for validation.
    page.get_by_role("button", name=in_spanish("Submit for validation")).click()
    page.wait_for_url(assessment_url)
    expect(page.get_by_role("status").first).to_have_text(
        in_spanish("The assessment was submitted to the program for validation.")
    )
    expect(page.get_by_test_id("assessment-status")).to_have_text(in_spanish("Submitted"))
    expect(page.get_by_role("button", name=in_spanish("Submit for validation"))).to_have_count(0)
    expect(page.get_by_role("link", name=in_spanish("Review and validate"))).to_have_count(0)
    assessment.refresh_from_db()
    assert (assessment.status, assessment.submitted_by) == (
        Assessment.Status.SUBMITTED,
        cast.leader,
    )
    saved = {
        r.indicator.code: (r.level, r.evidence)
        for r in assessment.ratings.select_related("indicator")
    }
    for area in areas:
        for position, indicator in enumerate(indicators[area.code]):
            evidence = evidence_for(area) if position == 0 else ""
            assert saved[indicator.code] == (SELF_LEVELS[area.code][position], evidence)
    log_out(page)

    # --- Staff open it from the organization's assessments and validate it with one change.
    login(cast.staff)
    page.goto(f"{live_server.url}/organizations/{org.pk}/")
    page.get_by_role("link", name=in_spanish("Assessments"), exact=True).click()
    page.wait_for_url(f"{live_server.url}/organizations/{org.pk}/assessments/")
    row = page.locator("main tbody tr").filter(has_text=spanish_str(framework))
    expect(row).to_contain_text(in_spanish("Submitted"))
    row.get_by_role("link").click()
    page.wait_for_url(assessment_url)
    page.get_by_role("link", name=in_spanish("Review and validate")).click()
    page.wait_for_url(f"{assessment_url}validate/")
    expect(page.locator("main h1")).to_have_text(in_spanish("Joint validation"))

    changed = Indicator.objects.get(area__framework=framework, code=CHANGED_INDICATOR)
    review = page.locator(f"main tr[data-indicator='{CHANGED_INDICATOR}']")
    expect(review.locator("td").nth(0)).to_contain_text(changed.text_es)
    expect(review.locator("td").nth(1)).to_have_text("3")  # the leader's self-rating
    expect(review.locator("td").nth(2)).to_have_text(evidence_for(first))
    review.get_by_label(in_spanish("Agreed level")).select_option(str(AGREED_LEVEL))
    review.get_by_label(in_spanish("Reason")).fill(CHANGE_REASON)
    page.get_by_role("button", name=in_spanish("Validate the assessment")).click()

    page.wait_for_url(assessment_url)
    expect(page.get_by_role("status").first).to_have_text(
        in_spanish("The assessment was validated. Its scores are being computed.")
    )
    expect(page.get_by_test_id("assessment-status")).to_have_text(in_spanish("Validated"))
    assessment.refresh_from_db()
    assert (assessment.status, assessment.validated_by) == (Assessment.Status.VALIDATED, cast.staff)
    rating = assessment.ratings.get(indicator=changed)
    assert (rating.self_level, rating.level, rating.change_reason) == (3, 2, CHANGE_REASON)
    # Celery runs eagerly on commit here: the scores were written with the validation.
    scores = {
        s.area.code: s.score
        for s in AreaScore.objects.filter(assessment=assessment).select_related("area")
    }
    assert scores == EXPECTED_AREA_SCORES
    assert assessment.overall_score == EXPECTED_OVERALL
    log_out(page)

    # --- The leader sees the changed level, its reason, and the scores.
    login(cast.leader)
    page.goto(assessment_url)
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_test_id("assessment-status")).to_have_text(in_spanish("Validated"))
    expect(page.locator("main")).to_contain_text(
        in_spanish(
            "Validated by %(who)s on %(date)s.",
            who=str(cast.staff),
            date=spanish_datetime(assessment.validated_at),
        )
    )
    changes = page.locator("main .card").filter(
        has=page.get_by_role("heading", name=in_spanish("Levels changed at validation"))
    )
    expect(changes.locator("li")).to_have_count(1)
    change = changes.locator("li")
    expect(change.locator("strong")).to_have_text(changed.text_es)
    expect(change).to_contain_text(in_spanish("From %(old)s to %(new)s", old=3, new=AGREED_LEVEL))
    expect(change.locator("em")).to_have_text(CHANGE_REASON)

    score_card = page.locator("main .card").filter(
        has=page.get_by_role("heading", name=in_spanish("Scores"), exact=True)
    )
    expect(score_card.locator(".display-6")).to_have_text(spanish_number(EXPECTED_OVERALL))
    expect(score_card.locator("tbody tr")).to_have_count(len(areas))
    for score_row, area in zip(score_card.locator("tbody tr").all(), areas, strict=True):
        expect(score_row.locator("td")).to_have_text(
            [area.name_es, spanish_number(EXPECTED_AREA_SCORES[area.code])]
        )
    # Validated: nothing left for the leader to change or submit.
    expect(page.get_by_role("button", name=in_spanish("Submit for validation"))).to_have_count(0)
    expect(page.get_by_role("button", name=in_spanish("Reopen the assessment"))).to_have_count(0)
    page.screenshot(path=SCREENSHOTS.format(name="validated"), full_page=True)

    assert page_problems.all() == []
