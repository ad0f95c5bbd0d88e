"""CBLD-9's counting rules: who is in the denominator, who improved, once each, by fiscal year."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from organizations.cbld9 import (
    available_years,
    cbld9_report,
    cbld9_summary,
    fiscal_year_bounds,
    fiscal_year_of,
)
from organizations.models import Action, Assessment, ImprovementPlan, Organization, Tier
from organizations.scoring import recompute_scores
from organizations.services.plans import create_plan, save_action, save_goal
from tests.capacity_helpers import make_framework, validated_assessment
from tests.personas import make_organization, speak_english
from tests.query_counts import LOGGED_IN

pytestmark = pytest.mark.django_db
MEXICO = ZoneInfo("America/Mexico_City")
# + the fiscal years, the report's four (a test's own writes are never kept within its
# transaction, so this is a first view's count), one page of organizations.
CBLD9_QUERIES = LOGGED_IN + 6


@pytest.fixture
def perf():
    return make_framework("perf", measures="performance")


@pytest.fixture
def cap():
    return make_framework("cap", measures="capacity")


def assess(org, framework, day: date, level: int, cast):
    levels = {"a1": level, "a2": level, "b1": level, "b2": level}
    return validated_assessment(
        org, framework, leader=cast.staff, staff=cast.staff, levels=levels, assessed_on=day
    )


def plan_for(assessment, cast, *, agreed_on: date | None, started_on: date | None):
    """A plan agreed by both sides on agreed_on (None: the CSO never agreed) with one action,
    started on started_on (None: still planned)."""
    plan = create_plan(assessment=assessment, title="Plan", created_by=cast.staff)
    goal = save_goal(
        plan=plan,
        goal=None,
        area=assessment.framework.areas.first(),
        target_score=Decimal(80),
        due_date=date(2020, 9, 30),
        by=cast.staff,
    )
    action = save_action(
        plan=plan,
        action=None,
        fields={"description": "Manual", "goal": goal, "due_date": date(2020, 9, 30)},
        by=cast.staff,
    )
    if agreed_on is not None:
        when = datetime(agreed_on.year, agreed_on.month, agreed_on.day, 12, tzinfo=MEXICO)
        ImprovementPlan.objects.filter(pk=plan.pk).update(
            cso_agreed_at=when, staff_agreed_at=when, staff_agreed_by=cast.staff
        )
    if started_on is not None:
        Action.objects.filter(pk=action.pk).update(
            status=Action.Status.STARTED, started_on=started_on
        )
    return plan


def names(organizations) -> set[str]:
    return {o.name for o in organizations}


def test_fiscal_years_run_october_to_september():
    assert fiscal_year_of(date(2017, 9, 30)) == 2017
    assert fiscal_year_of(date(2017, 10, 1)) == 2018
    assert fiscal_year_bounds(2018) == (date(2017, 10, 1), date(2018, 9, 30))


def test_planned_pursued_and_improved_organizations_are_counted(cast, perf):
    improved = make_organization("Mejora")
    flat = make_organization("Igual")
    declined = make_organization("Baja")
    unagreed = make_organization("Sin acuerdo")
    idle = make_organization("Sin acciones")
    for org, before, after in [
        (improved, 2, 3),
        (flat, 2, 2),
        (declined, 3, 2),
        (unagreed, 2, 4),
        (idle, 2, 4),
    ]:
        baseline = assess(org, perf, date(2017, 3, 1), before, cast)
        assess(org, perf, date(2018, 3, 1), after, cast)
        agreed_on = None if org is unagreed else date(2017, 5, 1)
        started_on = None if org is idle else date(2017, 6, 1)
        plan_for(baseline, cast, agreed_on=agreed_on, started_on=started_on)
    recompute_scores()

    report = cbld9_report(2018)

    assert names(report.pursued) == {"Mejora", "Igual", "Baja"}
    assert names(report.improved) == {"Mejora"}
    assert (report.numerator, report.denominator, report.percent) == (1, 3, Decimal("33.3"))
    assert not report.capacity_only


def test_an_organization_counts_once_whatever_its_plans_and_instruments(cast, perf):
    other_perf = make_framework("perf2", measures="performance")
    org = make_organization("Doble")
    for framework in (perf, other_perf):
        baseline = assess(org, framework, date(2017, 3, 1), 1, cast)
        assess(org, framework, date(2018, 3, 1), 4, cast)
        plan_for(baseline, cast, agreed_on=date(2017, 4, 1), started_on=date(2017, 4, 2))
    recompute_scores()

    report = cbld9_report(2018)

    assert (report.numerator, report.denominator) == (1, 1)
    assert report.rows() == [{"organization": org, "improved": True}]


def test_capacity_instruments_never_count_and_the_report_says_so(cast, perf, cap):
    org = make_organization("Solo capacidad")
    baseline = assess(org, perf, date(2016, 3, 1), 2, cast)
    plan_for(baseline, cast, agreed_on=date(2016, 4, 1), started_on=date(2016, 5, 1))
    assess(org, cap, date(2017, 11, 1), 1, cast)
    assess(org, cap, date(2018, 2, 1), 4, cast)  # capacity improved within FY 2018
    recompute_scores()

    report = cbld9_report(2018)

    assert report.capacity_only
    assert (report.numerator, report.denominator) == (0, 1)


def test_improvement_must_be_measured_within_the_year(cast, perf):
    org = make_organization("Mejoró antes")
    baseline = assess(org, perf, date(2016, 3, 1), 1, cast)
    assess(org, perf, date(2017, 3, 1), 3, cast)  # FY 2017
    plan_for(baseline, cast, agreed_on=date(2016, 4, 1), started_on=date(2016, 5, 1))
    recompute_scores()

    assert names(cbld9_report(2017).improved) == {"Mejoró antes"}
    assert cbld9_report(2018).improved == []
    assert cbld9_report(2018).denominator == 1


def test_a_plan_agreed_or_started_after_the_year_does_not_count_for_it(cast, perf):
    late_plan = make_organization("Plan tardío")
    late_start = make_organization("Inicio tardío")
    for org, agreed_on, started_on in [
        (late_plan, date(2018, 10, 2), date(2018, 10, 3)),
        (late_start, date(2018, 1, 1), date(2018, 10, 1)),
    ]:
        baseline = assess(org, perf, date(2017, 3, 1), 1, cast)
        assess(org, perf, date(2018, 3, 1), 3, cast)
        plan_for(baseline, cast, agreed_on=agreed_on, started_on=started_on)
    recompute_scores()

    assert cbld9_report(2018).pursued == []
    assert names(cbld9_report(2019).pursued) == {"Plan tardío", "Inicio tardío"}


def test_a_plan_agreed_on_the_last_evening_of_the_year_counts_for_it(cast, perf):
    """Agreed by the end of the year in Mexico City time, even when it is already the next day
    in UTC (the agreement times are compared with the next local midnight)."""
    evening = make_organization("Última tarde")
    midnight = make_organization("Medianoche")
    for org, agreed_at in [
        (evening, datetime(2018, 9, 30, 23, 30, tzinfo=MEXICO)),  # 1 October 05:30 UTC
        (midnight, datetime(2018, 10, 1, 0, 0, tzinfo=MEXICO)),
    ]:
        baseline = assess(org, perf, date(2017, 3, 1), 1, cast)
        plan = plan_for(baseline, cast, agreed_on=date(2018, 1, 1), started_on=date(2018, 2, 1))
        ImprovementPlan.objects.filter(pk=plan.pk).update(
            cso_agreed_at=agreed_at, staff_agreed_at=agreed_at
        )

    assert names(cbld9_report(2018).pursued) == {"Última tarde"}
    assert names(cbld9_report(2019).pursued) == {"Última tarde", "Medianoche"}


def test_the_fiscal_years_are_read_from_an_index_of_validated_dates(cast, perf):
    """available_years() reads the first and last validated dates: the two ends of a partial
    index of validated assessments by date, not a scan of every assessment of the program.
    On PostgreSQL the planner is told to avoid scans, so that on a few rows it still shows
    whether the index can answer the query (it cannot if the index or validated() stop
    matching). SQLite's planner, without statistics, picks any covering index on so few rows:
    there the index is only checked to exist."""
    org = make_organization("Fechas")
    assess(org, perf, date(2016, 3, 1), 1, cast)
    assess(org, perf, date(2018, 3, 1), 2, cast)
    with CaptureQueriesContext(connection) as queries:
        assert available_years() == [2018, 2017, 2016]
    (query,) = queries.captured_queries

    with connection.cursor() as cursor:
        table = Assessment._meta.db_table
        assert "assessment_validated_on_idx" in connection.introspection.get_constraints(
            cursor, table
        )
        if connection.vendor != "postgresql":
            return
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + query["sql"])
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "assessment_validated_on_idx" in plan


def test_numbers_are_disaggregated_by_type_tier_and_state(cast, perf):
    tier1, tier2 = Tier.objects.get(number=1), Tier.objects.get(number=2)
    a = make_organization("A", tier=tier1, state="SON")
    b = make_organization("B", tier=tier2, state="COAH")
    for org, after in ((a, 4), (b, 1)):
        baseline = assess(org, perf, date(2017, 3, 1), 2, cast)
        assess(org, perf, date(2018, 3, 1), after, cast)
        plan_for(baseline, cast, agreed_on=date(2017, 4, 1), started_on=date(2017, 4, 2))
    recompute_scores()

    with translation.override("en"):
        report = cbld9_report(2018)
        tier1_label, tier2_label = str(tier1), str(tier2)
    rows = {(r.dimension, r.label): (r.numerator, r.denominator) for r in report.breakdowns}

    assert rows[("Organization type", "Civil society organization")] == (1, 2)
    assert rows[("Tier", tier1_label)] == (1, 1)
    assert rows[("Tier", tier2_label)] == (0, 1)
    assert rows[("State", "Sonora")] == (1, 1)
    assert rows[("State", "Coahuila")] == (0, 1)


def test_staff_see_the_report_and_export_the_organizations_behind_it(cast, perf, client_for):
    speak_english(cast.staff)
    baseline = assess(cast.org, perf, date(2017, 3, 1), 2, cast)
    assess(cast.org, perf, date(2018, 3, 1), 3, cast)
    plan_for(baseline, cast, agreed_on=date(2017, 4, 1), started_on=date(2017, 4, 2))
    recompute_scores()
    client = client_for(cast.staff)

    page = client.get(reverse("organizations:cbld9"), {"year": 2018})
    export = client.get(reverse("organizations:cbld9_export"), {"year": 2018, "format": "csv"})

    assert page.status_code == 200
    assert page.context["report"].fiscal_year == 2018
    html = page.content.decode()
    assert 'data-testid="cbld9-percent">100.0 %' in html
    assert cast.org.name in html
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("fiscal_year,organization")
    assert lines[1].startswith(f"2018,{cast.org.name},cso,") and lines[1].endswith(",yes,yes")


def test_the_page_is_in_spanish_by_default(cast, perf, cap, client_for):
    assess(cast.org, cap, date(2018, 3, 1), 3, cast)
    recompute_scores()

    html = client_for(cast.staff).get(reverse("organizations:cbld9")).content.decode()

    assert "Año fiscal" in html
    assert "solo tiene evaluaciones con instrumentos de capacidad" in html


def pursued_and_improved(cast, perf, name: str):
    org = make_organization(name)
    baseline = assess(org, perf, date(2017, 3, 1), 2, cast)
    assess(org, perf, date(2018, 3, 1), 3, cast)
    plan_for(baseline, cast, agreed_on=date(2017, 4, 1), started_on=date(2017, 4, 2))
    return org


def test_the_page_lists_the_organizations_fifty_at_a_time(cast, perf, client_for, monkeypatch):
    """The figures count every organization; the list shows one page of them, in name order,
    and its links keep the chosen year."""
    monkeypatch.setattr("organizations.views.cbld9.ROWS_PER_PAGE", 2)
    for name in ("Carmen", "Alba", "Beto"):
        pursued_and_improved(cast, perf, name)
    recompute_scores()
    client = client_for(cast.staff)

    first = client.get(reverse("organizations:cbld9"), {"year": 2018})
    second = client.get(reverse("organizations:cbld9"), {"year": 2018, "page": 2})

    assert first.context["report"].denominator == 3
    assert [r["organization"].name for r in first.context["rows"]] == ["Alba", "Beto"]
    assert [r["organization"].name for r in second.context["rows"]] == ["Carmen"]
    assert all(r["improved"] for r in first.context["rows"] + second.context["rows"])
    assert 'href="?year=2018&amp;page=2"' in first.content.decode()
    assert "Carmen" not in first.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_summary_is_kept_until_a_plan_or_score_is_written(
    cast, perf, django_assert_num_queries
):
    cache.clear()
    pursued_and_improved(cast, perf, "Primera")
    recompute_scores()
    assert cbld9_summary(2018).denominator == 1
    with django_assert_num_queries(0):
        assert cbld9_summary(2018).denominator == 1

    pursued_and_improved(cast, perf, "Segunda")
    recompute_scores()
    summary = cbld9_summary(2018)

    assert (summary.numerator, summary.denominator) == (2, 2)
    assert len(summary.rows) == 2


@pytest.mark.django_db(transaction=True)
def test_the_summary_keeps_the_breakdowns_in_each_language(cast, perf, django_assert_num_queries):
    """Kept once per language (the labels are in it): each language's second read runs no
    query and keeps its own labels."""
    cache.clear()
    tier = Tier.objects.get(number=1)
    org = pursued_and_improved(cast, perf, "Bilingüe")
    Organization.objects.filter(pk=org.pk).update(tier=tier, state="SON")
    recompute_scores()
    labels = {}
    for language in ("en", "es", "en", "es"):
        with translation.override(language):
            if language in labels:
                with django_assert_num_queries(0):
                    labels[language] = {
                        (r.dimension, r.label) for r in cbld9_summary(2018).breakdowns
                    }
            else:
                labels[language] = {(r.dimension, r.label) for r in cbld9_summary(2018).breakdowns}
            tier_label = str(tier)
        labels[f"tier-{language}"] = tier_label

    assert {
        ("Tier", labels["tier-en"]),
        ("Organization type", "Civil society organization"),
    } <= labels["en"]
    assert {
        ("Nivel", labels["tier-es"]),
        ("Tipo de organización", "Organización de la sociedad civil (OSC)"),
    } <= labels["es"]


@pytest.mark.usefixtures("page_cache_off")
def test_the_page_runs_a_fixed_number_of_queries_whatever_the_organizations(cast, perf, client_for):
    client = client_for(cast.staff)
    url = reverse("organizations:cbld9") + "?year=2018"

    def queries_after(count: int, start: int) -> int:
        for i in range(start, start + count):
            pursued_and_improved(cast, perf, f"Org {i:03d}")
        recompute_scores()
        client.get(url)  # the summary is kept from here on
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    small = queries_after(2, 0)
    large = queries_after(60, 2)

    assert small == large == CBLD9_QUERIES
