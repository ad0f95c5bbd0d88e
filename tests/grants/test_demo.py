"""The demo's grants: 2016-2020 across the three tiers, both kinds, every outcome, one overdue
report; the demo leader has a grant and a draft. Loading again changes nothing."""

import pytest
from django.db import transaction
from django.db.models import Count

from csa_portal.demo import demo_steps
from grants.models import Grant, GrantApplication, GrantReport, Review, Tranche
from organizations.demo import LEADER_ORG


def load_up_to_grants() -> None:
    # Only the steps grants builds on, and its own: other apps' steps are tested by their tests.
    for step in demo_steps():
        if step.order <= 30:
            step.build(lambda message: None)


def summary() -> dict:
    return {
        "applications": dict(
            GrantApplication.objects.values_list("status").annotate(n=Count("id")).order_by()
        ),
        "grants": dict(Grant.objects.values_list("status").annotate(n=Count("id")).order_by()),
        "reviews": Review.objects.count(),
        "tranches": Tranche.objects.count(),
        "paid": Tranche.objects.filter(paid_on__isnull=False).count(),
        "reports": dict(
            GrantReport.objects.values_list("status").annotate(n=Count("id")).order_by()
        ),
        "tiers": set(Grant.objects.values_list("organization__tier__number", flat=True)),
        "years": set(Grant.objects.values_list("start_date__year", flat=True)),
        "kinds": set(Grant.objects.values_list("application__kind", flat=True)),
        "currencies": set(Grant.objects.values_list("currency", flat=True)),
        "overdue": list(
            GrantReport.objects.overdue().values_list("grant__organization__name", "kind")
        ),
        "leader": dict(
            GrantApplication.objects.filter(organization__name=LEADER_ORG)
            .values_list("status")
            .annotate(n=Count("id"))
            .order_by()
        ),
        "amounts": list(Grant.objects.order_by("pk").values_list("amount", flat=True)),
    }


@pytest.fixture(scope="module")
def loaded_twice(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_up_to_grants()
        first = summary()
        load_up_to_grants()
        second = summary()
        transaction.set_rollback(True)
    return first, second


def test_the_demo_has_grants_across_tiers_years_kinds_and_outcomes(loaded_twice):
    demo, _again = loaded_twice
    assert demo["tiers"] == {1, 2, 3}
    assert demo["years"] == {2016, 2017, 2018, 2019, 2020}
    assert demo["kinds"] == {"thematic_project", "capacity_development"}
    assert demo["currencies"] == {"MXN", "USD"}
    statuses = demo["applications"]
    assert statuses["declined"] >= 2 and statuses["returned"] >= 2 and statuses["submitted"] >= 1
    assert statuses["awarded"] == sum(demo["grants"].values()) >= 20
    assert demo["grants"]["terminated"] == 1 and demo["grants"]["closed"] >= 15
    assert demo["paid"] >= demo["tranches"] - 2
    assert demo["reports"]["accepted"] >= 40
    assert demo["reviews"] >= 2 * (statuses["awarded"] + statuses["declined"])


def test_exactly_one_report_is_overdue_and_it_is_the_demo_leaders(loaded_twice):
    demo, _again = loaded_twice
    assert demo["overdue"] == [(LEADER_ORG, "financial")]


def test_the_demo_leader_has_grants_and_a_draft(loaded_twice):
    demo, _again = loaded_twice
    assert demo["leader"]["awarded"] == 2
    assert demo["leader"]["draft"] == 1


def test_loading_the_demo_again_changes_nothing(loaded_twice):
    first, second = loaded_twice
    assert second == first
