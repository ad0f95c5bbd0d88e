"""The home page: each app's panels, shown to the people they are for."""

import re

import pytest
from django.urls import reverse

from organizations.models import Organization, Tier
from organizations.services import update_organization
from tests.personas import make_person, speak_english


def attention_items(html: str) -> list[str]:
    """The list items under "Needs your attention" of the my-organizations panel."""
    _before, _heading, after = html.partition("Needs your attention")
    if not _heading:
        return []
    listing = after.split("</ul>", 1)[0]
    return [re.sub(r"\s+", " ", item).strip() for item in re.findall(r"<li>(.*?)</li>", listing)]


@pytest.fixture
def demo_like(cast):
    """Like the demo leader's organization: a profile with gaps (mission, budget, email)."""
    update_organization(
        organization=cast.org,
        changed_by=cast.staff,
        fields={
            "tier": Tier.objects.get(number=3),
            "staff_range": "6-20",
            "mission": "",
            "budget_range": "",
            "email": "",
        },
    )
    speak_english(cast.leader, cast.member)
    return cast


def test_a_leader_sees_what_needs_attention_in_their_profile(demo_like, client_for):
    response = client_for(demo_like.leader).get(reverse("home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Red de Prueba por la Paz" in html
    assert attention_items(html) == [
        "Fill in: mission",
        "Fill in: contact email",
        "Fill in: annual budget",
        "Add the people of your organization",
    ]
    assert reverse("organizations:edit", args=[demo_like.org.pk]) in html


def test_attention_items_disappear_once_the_profile_is_complete(demo_like, client_for):
    update_organization(
        organization=demo_like.org,
        changed_by=demo_like.leader,
        fields={"mission": "Prevenir la violencia", "budget_range": "1-5m", "email": "a@b.mx"},
    )
    make_person(demo_like.org, "Lucía Líder")

    html = client_for(demo_like.leader).get(reverse("home")).content.decode()

    assert attention_items(html) == []
    assert "Nothing needs your attention." in html


def test_a_member_sees_their_organization_but_no_attention_list(demo_like, client_for):
    html = client_for(demo_like.member).get(reverse("home")).content.decode()
    assert "Red de Prueba por la Paz" in html
    assert "Needs your attention" not in html
    assert reverse("organizations:edit", args=[demo_like.org.pk]) not in html


def test_a_leader_does_not_see_other_organizations_or_program_counts(demo_like, client_for):
    html = client_for(demo_like.leader).get(reverse("home")).content.decode()
    assert "Otra Organización" not in html
    assert "chart-tiers" not in html


def test_staff_see_the_program_counts(cast, client_for):
    for number, name in ((1, "Uno"), (1, "Dos"), (2, "Tres")):
        organization = Organization.objects.create(name=name, state="JAL")
        update_organization(
            organization=organization,
            changed_by=cast.staff,
            fields={"tier": Tier.objects.get(number=number), "status": "active"},
        )

    response = client_for(cast.staff).get(reverse("home"))

    panels = {panel["name"]: panel["context"] for panel in response.context["panels"]}
    counts = panels["program_counts"]
    assert counts["participants"] == 3
    assert [(row["tier__number"], row["total"], row["active"]) for row in counts["by_tier"]] == [
        (1, 2, 2),
        (2, 1, 1),
    ]
    assert counts["chart"]["values"] == [2, 1]
    assert {row["sector"]: row["total"] for row in counts["by_sector"]} == {"cso": 5}
    # Participants only (the cast's two organizations have no tier), most first.
    assert [(row["state"], row["total"]) for row in counts["by_state"]] == [("JAL", 3)]
    assert "my_organizations" not in panels
    assert 'id="chart-tiers"' in response.content.decode()


def test_someone_without_organizations_sees_a_hint_not_an_empty_page(cast, client_for):
    response = client_for(cast.lawyer).get(reverse("home"))
    assert response.status_code == 200
    assert response.context["panels"] == []
