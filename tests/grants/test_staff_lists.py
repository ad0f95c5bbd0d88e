"""The staff home's grant lists and the applications queue read their first rows from indexes
(grants.0002), in the order they show, whatever the size of the program.

On PostgreSQL the planner is told to avoid scans, so that on a few rows it still shows whether
an index can answer the query (it cannot if an index, or the filter it was made for, stop
matching). SQLite's planner, without statistics, picks any index on so few rows: there the
indexes are only checked to exist.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grants.models import GrantApplication, GrantReport, Tranche
from grants.panels import _staff_home
from tests.grants.helpers import awarded, reviewed, submitted
from tests.personas import make_organization

pytestmark = pytest.mark.django_db

# Each index, its table, and how its list is ordered (which tells its query apart).
INDEXES = {
    "application_queue_idx": (GrantApplication, '"grants_grantapplication"."submitted_at" ASC'),
    "report_open_due_idx": (GrantReport, '"grants_grantreport"."due_date" ASC'),
    "tranche_unpaid_idx": (Tranche, '"grants_tranche"."planned_date" ASC'),
}


def plan_of(sql: str) -> str:
    """EXPLAIN of a captured query (its parameters already in its text)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql)
        return " ".join(row[0] for row in cursor.fetchall())


def test_the_open_reports_index_covers_the_open_statuses():
    """GrantReport.overdue() filters on GrantReport.OPEN; the index lists them by hand (a
    model's Meta cannot read the class's attributes): they must stay the same."""
    (index,) = [i for i in GrantReport._meta.indexes if i.name == "report_open_due_idx"]
    ((lookup, statuses),) = index.condition.children
    assert lookup == "status__in"
    assert set(statuses) == set(GrantReport.OPEN)


@pytest.fixture
def busy_program(cast):
    awarded(cast.org, cast.leader, cast.staff)  # 2025 dates: its reports and tranches overdue
    for i in range(3):
        submitted(make_organization(f"Solicitante {i}"), cast.leader, title=f"Proyecto {i}")


def test_the_staff_home_lists_are_read_from_their_indexes(busy_program):
    with CaptureQueriesContext(connection) as context:
        panel = _staff_home()
    assert len(panel["waiting"]) == 3
    assert [r.kind for r in panel["overdue_reports"]] == ["narrative", "financial"]
    assert [t.number for t in panel["overdue_tranches"]] == [1, 2]

    with connection.cursor() as cursor:
        for name, (model, _order) in INDEXES.items():
            table = model._meta.db_table
            assert name in connection.introspection.get_constraints(cursor, table)
    if connection.vendor != "postgresql":
        return
    for name, (_model, order) in INDEXES.items():
        (sql,) = [q["sql"] for q in context.captured_queries if f"ORDER BY {order}" in q["sql"]]
        assert name in plan_of(sql), name


def test_the_queue_counts_reviews_of_the_page_it_shows(cast, client_for):
    """review_count is a subquery per application (no GROUP BY over the joined page)."""
    reviewed(make_organization("Revisada"), cast.leader, cast.staff, title="Con revisión")
    submitted(make_organization("Sin revisar"), cast.leader, title="Sin revisión")

    applications = GrantApplication.objects.with_review_count().order_by("title")
    assert [(a.title, a.review_count) for a in applications] == [
        ("Con revisión", 1),
        ("Sin revisión", 0),
    ]
    response = client_for(cast.staff).get(reverse("grants:queue"))
    assert response.status_code == 200
    assert GrantApplication.objects.with_review_count().query.group_by is None


def test_the_overdue_lists_are_in_date_order_and_stop_at_the_limit(cast, monkeypatch):
    monkeypatch.setattr("grants.panels.LIMIT", 1)
    awarded(cast.org, cast.leader, cast.staff)
    panel = _staff_home()
    assert [r.due_date for r in panel["overdue_reports"]] == [
        min(GrantReport.objects.overdue(timezone.localdate()).values_list("due_date", flat=True))
    ]
    assert [t.number for t in panel["overdue_tranches"]] == [1]
