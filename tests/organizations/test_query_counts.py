"""Hot pages run a fixed number of queries, whatever the amount of data.

Each test measures a page with a small and a larger data set: the counts must be equal (no
query per row), and equal to the locked number, so an extra query per page is a decision made
here on purpose rather than an accident.
"""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import Membership, Population, ThematicArea, Tier
from organizations.services import add_membership, update_organization
from tests.personas import make_organization, make_person, make_user
from tests.query_counts import LOGGED_IN

pytestmark = pytest.mark.usefixtures("page_cache_off")

SMALL, LARGE = 5, 30

# Locked counts. Changing one is fine when the page really needs it: say why in the commit.
# Each includes the LOGGED_IN queries of every logged-in request (tests/query_counts.py).
DIRECTORY_QUERIES = LOGGED_IN + 4  # + count, tiers and themes for the filter form, one page of rows
# + organization, themes, populations, people, members, the capacity panel. Apps above add
# their own panels to this page and lock each panel's cost in their own tests; here the page
# must not grow with the data and stays within its budget.
DETAIL_QUERIES = LOGGED_IN + 6
DETAIL_BUDGET = 40
HISTORY_QUERIES = LOGGED_IN + 2  # + organization, its audit entries (labels are stored with them)
# A CSO person's permission checks are membership lookups a staff member skips.
LEADER_EXTRA = {"detail": 3, "history": 2}


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def measure(client, url: str, grow: Callable[[int, int], None]) -> tuple[int, int]:
    grow(0, SMALL)
    client.get(url)  # warm caches that are per process, not per request
    small = count_queries(client, url)
    grow(SMALL, LARGE)
    large = count_queries(client, url)
    return small, large


def test_directory_queries_do_not_grow_with_organizations(cast, client_for):
    tiers = list(Tier.objects.all())
    themes = list(ThematicArea.objects.all()[:3])

    def grow(start: int, stop: int) -> None:
        for i in range(start, stop):
            organization = make_organization(
                f"Organización {i:02d}", state="CHIH", thematic_areas=themes
            )
            update_organization(
                organization=organization, changed_by=None, fields={"tier": tiers[i % 3]}
            )
            make_person(organization, f"Persona {i}")

    small, large = measure(client_for(cast.staff), reverse("organizations:directory"), grow)

    assert small == large
    assert small == DIRECTORY_QUERIES


def test_filtered_and_sorted_directory_has_the_same_fixed_count(cast, client_for):
    theme = ThematicArea.objects.get(code="crime-prevention")
    youth = list(ThematicArea.objects.filter(code="youth"))

    def grow(start: int, stop: int) -> None:
        for i in range(start, stop):
            make_organization(f"Organización {i:02d}", state="CHIH", thematic_areas=youth)

    url = reverse("organizations:directory") + f"?theme={theme.pk}&state=CHIH&sort=-tier&q=org"
    small, large = measure(client_for(cast.staff), url, grow)

    assert small == large == DIRECTORY_QUERIES + 1  # the chosen theme is looked up once


@pytest.mark.parametrize("persona", ["staff", "leader"])
def test_detail_queries_do_not_grow_with_people_themes_or_members(cast, client_for, persona):
    themes = list(ThematicArea.objects.all())
    populations = list(Population.objects.all())

    def grow(start: int, stop: int) -> None:
        for i in range(start, stop):
            make_person(cast.org, f"Persona {i:02d}", position="Promotora")
            add_membership(
                user=make_user(f"miembro{i}@test.mx"),
                organization=cast.org,
                role=Membership.Role.MEMBER,
            )
        update_organization(
            organization=cast.org,
            changed_by=None,
            fields={"thematic_areas": themes[:stop], "populations": populations[:stop]},
        )

    client = client_for(getattr(cast, persona))
    small, large = measure(client, reverse("organizations:detail", args=[cast.org.pk]), grow)

    assert small == large
    assert small >= DETAIL_QUERIES + (LEADER_EXTRA["detail"] if persona == "leader" else 0)
    assert small <= DETAIL_BUDGET


@pytest.mark.parametrize("persona", ["staff", "leader"])
def test_history_queries_do_not_grow_with_changes(cast, client_for, persona):
    tiers = list(Tier.objects.all())
    themes = list(ThematicArea.objects.all())
    editors = [cast.staff, cast.leader, cast.admin]

    def grow(start: int, stop: int) -> None:
        for i in range(start, stop):
            update_organization(
                organization=cast.org,
                changed_by=editors[i % 3],
                fields={
                    "mission": f"Misión versión {i}",
                    "tier": tiers[i % 3],
                    "thematic_areas": themes[: i % 4 + 1],
                },
            )

    client = client_for(getattr(cast, persona))
    small, large = measure(client, reverse("organizations:history", args=[cast.org.pk]), grow)

    assert small == large
    assert small == HISTORY_QUERIES + (LEADER_EXTRA["history"] if persona == "leader" else 0)
