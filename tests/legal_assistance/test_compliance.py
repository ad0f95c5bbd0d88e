"""The compliance checklist: shipped items, updates and their refusals, the organization's
summary, the overview by area and tier, and the history by year."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from legal_assistance.checklist import compliance_overview, organization_checklist
from legal_assistance.models import (
    ComplianceChange,
    ComplianceItem,
    LegalArea,
    OrganizationCompliance,
)
from legal_assistance.services import LegalError
from legal_assistance.services.compliance import update_compliance_item
from organizations.models import Tier
from organizations.services import update_organization
from tests.personas import make_organization

from .helpers import TODAY, requested_case


def item(code: str) -> ComplianceItem:
    return ComplianceItem.objects.get(code=code)


def record(organization, code, status, *, on=TODAY, by=None, case=None):
    return update_compliance_item(
        organization=organization,
        item=item(code),
        status=status,
        evidence="",
        checked_on=on,
        case=case,
        by=by,
    )


def test_the_shipped_items_cover_every_area_in_both_languages(db):
    items = list(ComplianceItem.objects.all())

    assert {i.area for i in items} == set(LegalArea.values)
    assert all(sum(1 for i in items if i.area == a) >= 4 for a in LegalArea.values)
    assert all(i.text_en and i.text_es and i.text_en != i.text_es for i in items)
    assert {i.code for i in items if i.applies_to == "authorized_donee"} == {
        "fiscal-donee-authorization",
        "fiscal-transparency-report",
    }
    assert {"corporate-cluni-report", "labor-imss", "aml-donor-identification", "privacy-notice", "privacy-requests"} <= {i.code for i in items}  # fmt: skip


def test_an_update_keeps_the_current_status_and_the_dated_history(cast):
    case = requested_case(cast.org, cast.leader, area="corporate")
    record(cast.org, "corporate-bylaws", "not_compliant", on=date(2017, 3, 1), by=cast.staff)
    row = record(cast.org, "corporate-bylaws", "compliant", by=cast.leader, case=case)

    assert OrganizationCompliance.objects.count() == 1
    assert (row.status, row.checked_on, row.case, row.updated_by) == (
        "compliant",
        TODAY,
        case,
        cast.leader,
    )
    assert list(ComplianceChange.objects.values_list("status", "checked_on")) == [
        ("not_compliant", date(2017, 3, 1)),
        ("compliant", TODAY),
    ]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"status": "perhaps"}, "Choose one of the statuses."),
        ({"checked_on": TODAY + timedelta(days=1)}, "cannot be in the future"),
        ({"other_case": True}, "must be one of this organization's cases"),
    ],
)
def test_refused_updates_save_nothing(cast, change, error):
    values = {"status": "compliant", "checked_on": TODAY, "case": None}
    if change.pop("other_case", False):
        values["case"] = requested_case(cast.other_org, cast.other_leader)
    values.update(change)

    with pytest.raises(LegalError, match=error):
        update_compliance_item(
            organization=cast.org, item=item("privacy-notice"), evidence="", by=None, **values
        )

    assert not OrganizationCompliance.objects.exists() and not ComplianceChange.objects.exists()


def test_the_organizations_summary_by_area(cast):
    # cast.org is not an authorized donee: the two donee items count as not applicable.
    record(cast.org, "fiscal-rfc", "compliant")
    record(cast.org, "fiscal-annual-return", "compliant")
    record(cast.org, "fiscal-withholding", "in_progress")
    record(cast.org, "fiscal-invoicing", "not_applicable")
    record(cast.org, "privacy-notice", "not_compliant")

    checklist = organization_checklist(cast.org)
    fiscal = next(s for s in checklist.summaries if s.area == "fiscal")

    # 6 fiscal items, 2 donee-only + 1 marked not applicable: 3 applicable, 2 compliant.
    assert (fiscal.total, fiscal.applicable, fiscal.compliant, fiscal.in_progress) == (6, 3, 2, 1)
    assert str(fiscal.percent) == "66.7"
    overall = checklist.overall
    assert (overall.total, overall.applicable, overall.compliant, overall.unchecked) == (
        26,
        23,
        2,
        19,
    )
    assert str(overall.percent) == "8.7"


def test_the_overview_by_area_and_tier_and_the_history(cast):
    tier1, tier2 = Tier.objects.get(number=1), Tier.objects.get(number=2)
    update_organization(organization=cast.org, changed_by=None, fields={"tier": tier1})
    donee = make_organization("Donataria", tier=tier2, authorized_donee=True)
    make_organization("Sin Nivel")  # not participating: left out
    # Labor has 5 items. Tier 1 (cast.org): 2018 one compliant, 2020 three, one not applicable.
    record(cast.org, "labor-contracts", "compliant", on=date(2018, 5, 1))
    record(cast.org, "labor-imss", "in_progress", on=date(2018, 5, 1))
    record(cast.org, "labor-imss", "compliant", on=date(2020, 2, 1))
    record(cast.org, "labor-payroll", "compliant", on=date(2020, 2, 1))
    record(cast.org, "labor-subcontracting", "not_applicable", on=date(2020, 2, 1))
    # Tier 2 (a donee): fiscal has 6 applicable items; two compliant in 2019.
    record(donee, "fiscal-transparency-report", "compliant", on=date(2019, 5, 30))
    record(donee, "fiscal-rfc", "compliant", on=date(2019, 5, 30))

    overview = compliance_overview()
    rows = {row["area"]: row for row in overview.rows}
    t1, t2 = overview.tiers.index(tier1), overview.tiers.index(tier2)

    assert overview.organizations == 2
    assert str(rows["labor"]["cells"][t1]) == "75.0"  # 3 of 4 applicable
    assert rows["labor"]["cells"][t2] is not None and str(rows["labor"]["cells"][t2]) == "0.0"
    assert str(rows["fiscal"]["cells"][t2]) == "33.3"  # 2 of 6
    assert str(rows["fiscal"]["cells"][t1]) == "0.0"  # 4 applicable (no donee items)
    assert str(rows["labor"]["total"]) == "33.3"  # 3 of 9
    # All items: cast.org 24 + donee 26 = 50 slots.
    history = dict(overview.history)
    assert history[2016] == history[2017] == 0
    assert str(history[2018]) == "2.0"  # 1 of 50
    assert str(history[2019]) == "6.0"  # 3 of 50
    assert str(history[2020]) == "10.2"  # 5 of 49 (one not applicable)


def test_the_checklist_pages(cast, client_for):
    record(cast.org, "privacy-notice", "compliant")
    from tests.personas import speak_english

    speak_english(cast.leader, cast.member, cast.staff)

    member = client_for(cast.member).get(reverse("legal_assistance:checklist", args=[cast.org.pk]))
    leader = client_for(cast.leader)
    form = leader.get(
        reverse("legal_assistance:checklist_item", args=[cast.org.pk, item("labor-imss").pk])
    )
    saved = leader.post(
        reverse("legal_assistance:checklist_item", args=[cast.org.pk, item("labor-imss").pk]),
        {
            "status": "in_progress",
            "evidence": "Alta patronal en trámite",
            "checked_on": TODAY.isoformat(),
        },
    )
    overview = client_for(cast.staff).get(reverse("legal_assistance:compliance_overview"))

    html = member.content.decode()
    assert "A privacy notice is published" in html and "Update" not in html
    assert "Registered as an employer with the IMSS" in form.content.decode()
    assert saved.status_code == 302
    assert OrganizationCompliance.objects.get(item__code="labor-imss").status == "in_progress"
    assert 'data-testid="compliance-overview"' in overview.content.decode()


def test_the_checklist_shows_spanish_items_in_spanish(cast, client_for):
    html = (
        client_for(cast.leader)
        .get(reverse("legal_assistance:checklist", args=[cast.org.pk]))
        .content.decode()
    )

    assert "Se publicó" in html or "El aviso de privacidad está publicado" in html


def test_the_history_counted_in_sql_matches_replaying_every_change(cast):
    """yearly_history (SQL, for the overview) gives what compliance_history (a replay in
    Python) gives, on a mix that tries its edges: several changes on one day, a change before
    2016, a series that ends in this year, donee-only items for a donee and for an organization
    that is not one, and an organization that does not participate."""
    import random

    from django.db.models import Q
    from django.utils import timezone

    from legal_assistance.checklist import DONEE_ONLY, compliance_history, yearly_history
    from organizations.models import Organization

    tier = Tier.objects.get(number=1)
    donee = make_organization("Donataria", tier=tier, authorized_donee=True)
    other = make_organization("Otra", tier=tier)
    outsider = make_organization("Sin Nivel")
    items = list(ComplianceItem.objects.order_by("pk"))
    rng = random.Random(3)  # noqa: S311 - test data
    statuses = ["compliant", "in_progress", "not_compliant", "not_applicable"]
    today = timezone.localdate()
    changes = []
    for organization in (cast.org, donee, other, outsider):
        for entry in rng.sample(items, 12):
            day = date(2015, 6, 1) + timedelta(
                days=rng.randrange(0, (today - date(2015, 6, 1)).days)
            )
            for _n in range(rng.randrange(1, 4)):
                changes.append(
                    ComplianceChange(
                        organization=organization,
                        item=entry,
                        status=rng.choice(statuses),
                        checked_on=day,
                    )
                )
                day += timedelta(days=rng.choice([0, 0, 40, 400]))
                day = min(day, today)
    ComplianceChange.objects.bulk_create(changes)
    participating = Organization.objects.csos().participating()
    replayed = compliance_history(
        ComplianceChange.objects.filter(organization__in=participating).exclude(
            Q(item__applies_to=DONEE_ONLY) & Q(organization__authorized_donee=False)
        ),
        [{"pk": i.pk, "area": i.area, "applies_to": i.applies_to} for i in items],
        300,
        donee=None,
    )

    assert yearly_history(participating, slots=300, today=today) == replayed
    assert len({percent for _year, percent in replayed}) > 3  # the years differ


@pytest.mark.django_db(transaction=True)
def test_the_kept_overview_follows_a_checklist_update(cast, django_assert_num_queries):
    """The overview reads every checklist of the program, so it is kept between views until a
    table it was computed from is written."""
    from django.core.cache import cache

    cache.clear()
    update_organization(
        organization=cast.org, changed_by=None, fields={"tier": Tier.objects.get(number=1)}
    )
    before = compliance_overview()
    with django_assert_num_queries(0):
        assert compliance_overview() == before

    record(cast.org, "labor-contracts", "compliant", on=date(2018, 5, 1))

    history = dict(compliance_overview().history)
    assert history[2017] == 0 and history[2018] > 0
