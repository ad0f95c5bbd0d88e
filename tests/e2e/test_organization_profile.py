"""A CSO leader keeps their organization's profile, in Spanish, and only their own."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from csa_portal.services import set_preferred_language
from organizations.models import (
    Organization,
    OrganizationChange,
    ParticipationStatus,
    ThematicArea,
    Tier,
)
from organizations.services import update_organization

pytestmark = [pytest.mark.e2e]

NEW_MISSION = "Prevenir la violencia juvenil con talleres comunitarios en Cajeme."


def in_spanish(text: str, **values) -> str:
    """What the portal shows for `text` in Spanish (the catalog's translation, if any)."""
    with translation.override("es"):
        translated = gettext(text)
    return translated % values if values else translated


def spanish_str(obj) -> str:
    with translation.override("es"):
        return str(obj)


def field_label_in_spanish(name: str) -> str:
    return capfirst(spanish_str(Organization._meta.get_field(name).verbose_name))


def assert_assets_loaded(page: Page) -> None:
    """Bootstrap's CSS is applied and htmx is running: static files are served under the CSP."""
    navbar_color = page.locator("nav.navbar").evaluate("el => getComputedStyle(el).backgroundColor")
    assert navbar_color not in ("", "transparent", "rgba(0, 0, 0, 0)"), navbar_color
    assert page.evaluate("() => typeof window.htmx") == "object"
    assert page.evaluate("() => typeof window.bootstrap") == "object"


def test_leader_edits_profile_in_spanish_and_sees_history(
    page: Page, live_server, login, cast, page_problems
):
    org = cast.org
    tier_2 = Tier.objects.get(number=2)
    tier_3 = Tier.objects.get(number=3)
    update_organization(
        organization=org,
        changed_by=cast.staff,
        fields={
            "tier": tier_2,
            "status": ParticipationStatus.ACTIVE,
            "mission": "Misión anterior de la red.",
        },
    )
    assert in_spanish("History of %(name)s") != "History of %(name)s", (
        "The Spanish catalog is not compiled: run `manage.py compile_translations`."
    )
    set_preferred_language(user=cast.leader, language="en")
    youth = ThematicArea.objects.get(code="youth")

    login(cast.leader)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_assets_loaded(page)

    page.get_by_test_id("lang-es").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_test_id("lang-es")).to_have_attribute("aria-current", "true")
    cast.leader.refresh_from_db()
    assert cast.leader.preferred_language == "es"

    page.goto(f"{live_server.url}/organizations/{org.pk}/")
    page.locator(f"main a[href='/organizations/{org.pk}/edit/']").click()
    page.wait_for_url(f"{live_server.url}/organizations/{org.pk}/edit/")
    expect(page.locator("main h1")).to_have_text(in_spanish("Edit %(name)s", name=org.name))

    # Program-controlled fields: shown (in Spanish), but not part of the form.
    expect(page.get_by_test_id("ro-tier")).to_have_text(spanish_str(tier_2))
    expect(page.get_by_test_id("ro-status")).to_have_text(
        spanish_str(ParticipationStatus.ACTIVE.label)
    )
    form = page.locator("main form[method=post]")
    for program_field in ("sector", "tier", "status", "participation_start", "participation_end"):
        expect(form.locator(f"[name={program_field}]")).to_have_count(0)

    form.locator("[name=mission]").fill(NEW_MISSION)
    form.locator("[name=municipality]").fill("Cajeme")
    form.locator(f"input[name=thematic_areas][value='{youth.pk}']").check()
    # A hand-made request cannot change them either: the leader's form ignores these names.
    form.evaluate(
        """(form, values) => {
            for (const [name, value] of Object.entries(values)) {
                const input = document.createElement("input");
                input.type = "hidden";
                input.name = name;
                input.value = value;
                form.appendChild(input);
            }
        }""",
        {"tier": str(tier_3.pk), "status": ParticipationStatus.GRADUATED.value},
    )
    form.locator("button[type=submit]").click()

    page.wait_for_url(f"{live_server.url}/organizations/{org.pk}/")
    expect(page.get_by_role("status").first).to_have_text(in_spanish("Your changes were saved."))
    org.refresh_from_db()
    assert org.mission == NEW_MISSION
    assert org.municipality == "Cajeme"
    assert list(org.thematic_areas.all()) == [youth]
    assert (org.tier, org.status) == (tier_2, ParticipationStatus.ACTIVE)

    page.locator(f"main a[href='/organizations/{org.pk}/history/']").click()
    page.wait_for_url(f"{live_server.url}/organizations/{org.pk}/history/")
    expect(page.locator("main h1")).to_have_text(in_spanish("History of %(name)s", name=org.name))
    latest = page.locator("main .card").first  # newest change first
    expect(latest).to_contain_text(str(cast.leader))
    expected = {
        "mission": ("Misión anterior de la red.", NEW_MISSION),
        "municipality": ("Hermosillo", "Cajeme"),
        "thematic_areas": ("—", spanish_str(youth)),  # "Juventudes": a Spanish name
    }
    rows = latest.locator("tbody tr")
    expect(rows).to_have_count(len(expected))
    for field, (old, new) in expected.items():
        row = rows.filter(
            has=page.get_by_role("cell", name=field_label_in_spanish(field), exact=True)
        )
        expect(row.locator("td")).to_have_text([field_label_in_spanish(field), old, new])
    assert spanish_str(youth) == "Juventudes"
    assert OrganizationChange.objects.filter(organization=org, changed_by=cast.leader).count() == 1

    assert page_problems.all() == []


def test_leader_gets_404_for_another_organizations_edit_page(
    page: Page, live_server, login, cast, page_problems
):
    other = cast.other_org
    login(cast.leader)

    own = page.goto(f"{live_server.url}/organizations/{cast.org.pk}/edit/")
    assert own is not None and own.status == 200

    for path in (f"/organizations/{other.pk}/edit/", f"/organizations/{other.pk}/history/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 404, path
        expect(page.locator("main h1")).to_have_text(
            in_spanish("This page does not exist or is not available to you.")
        )
        expect(page.locator("main form")).to_have_count(0)
        expect(page.locator("main")).not_to_contain_text(other.name)

    # Only the two expected 404 documents; no missing asset or CSP report.
    expected_404 = re.compile(rf"/organizations/{other.pk}/(edit|history)/")
    assert page_problems.all(ignore=expected_404) == []
    assert len(page_problems.failed_responses) == 2
