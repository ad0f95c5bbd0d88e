"""The legal part of the demo: deterministic, idempotent, and with the shape the issue asks."""

from collections import Counter

import pytest
from django.db import transaction

from csa_portal.demo import build_users
from legal_assistance import demo
from legal_assistance.checklist import compliance_overview
from legal_assistance.models import (
    ComplianceChange,
    FirmMatch,
    HoursEntry,
    LawFirm,
    Lawyer,
    LegalCase,
    OrganizationCompliance,
)
from organizations import demo as organizations_demo
from organizations.demo import LEADER_ORG

# The mark makes pytest-django set up the test database even when only this module runs
# (the module fixture alone does not ask for it, and would then reach the real database).
pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    return {
        "firms": sorted(LawFirm.objects.values_list("name", "state", "reference_hourly_rate")),
        "lawyers": sorted(Lawyer.objects.values_list("user__email", "firm__name")),
        "cases": sorted(
            LegalCase.objects.values_list(
                "organization__name", "area", "status", "opened_on", "firm__name"
            ),
            key=str,
        ),
        "hours": sorted(
            HoursEntry.objects.values_list("worked_on", "hours", "firm__name"), key=str
        ),
        "compliance": ComplianceChange.objects.count(),
    }


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        said: list[str] = []
        build_users(said.append)
        organizations_demo.build(said.append)
        demo.build(said.append)
        first = snapshot()
        demo.build(said.append)
        second = snapshot()
        cases = list(LegalCase.objects.select_related("organization__tier", "firm").order_by("pk"))
        result = {
            "said": said,
            "first": first,
            "second": second,
            "areas": Counter(c.area for c in cases),
            "tiers": {c.organization.tier.number for c in cases if c.organization.tier},
            "years": {c.opened_on.year for c in cases},
            "statuses": Counter(c.status for c in cases),
            "hours_cases": HoursEntry.objects.values("case").distinct().count(),
            "conflicts": list(
                FirmMatch.objects.filter(response=FirmMatch.Response.DECLINED_CONFLICT).values_list(
                    "firm__name", "case__firm__name"
                )
            ),
            "demo_lawyer_firm": Lawyer.objects.get(user__email="lawyer@demo.csa.mx").firm.name,
            "leader_cases": list(
                LegalCase.objects.filter(organization__name=LEADER_ORG).values_list(
                    "area", "status", "firm__name"
                )
            ),
            "history": dict(compliance_overview().history),
            "current": OrganizationCompliance.objects.count(),
        }
        transaction.set_rollback(True)
    return result


def test_the_demo_is_deterministic_and_idempotent(loaded):
    assert loaded["first"] == loaded["second"]
    assert "legal cases already loaded" in loaded["said"]
    assert "compliance checklists already loaded" in loaded["said"]


def test_the_demo_network_and_cases(loaded):
    assert len(loaded["first"]["firms"]) == 6
    assert loaded["demo_lawyer_firm"] == demo.DEMO_FIRM
    assert set(loaded["areas"]) == {"corporate", "fiscal", "labor", "aml", "data_privacy"}
    assert loaded["tiers"] == {1, 2, 3}
    assert {2016, 2017, 2018, 2019, 2020} <= loaded["years"]
    assert loaded["hours_cases"] >= 20
    assert {"resolved", "closed", "in_progress", "declined", "requested", "accepted", "matched",
            "more_info"} <= set(loaded["statuses"])  # fmt: skip


def test_one_firm_declined_for_a_conflict_and_another_took_the_case(loaded):
    assert len(loaded["conflicts"]) == 1
    declined_by, taken_by = loaded["conflicts"][0]
    assert taken_by and declined_by != taken_by


def test_the_demo_leader_has_a_case_with_the_demo_lawyers_firm(loaded):
    assert ("data_privacy", "in_progress", demo.DEMO_FIRM) in loaded["leader_cases"]
    assert any(status == "more_info" for _area, status, _firm in loaded["leader_cases"])


def test_checklists_improve_over_the_period(loaded):
    history = loaded["history"]
    assert history[2016] < history[2018] < history[2020]
    assert history[2020] > 60
    assert loaded["current"] > 45 * 15
