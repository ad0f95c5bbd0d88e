"""Values kept until a table they read is written (csa_portal.table_versions.kept_until_written):
what the staff home's program counts use instead of scanning every organization each view."""

import pytest
from django.core.cache import cache
from django.db import transaction

from csa_portal import table_versions
from csa_portal.table_versions import kept_until_written
from organizations.models import Organization
from tests.personas import make_organization

pytestmark = pytest.mark.django_db(transaction=True)

TABLES = [Organization._meta.db_table]


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


@pytest.fixture
def counting():
    calls = []

    def count_organizations() -> int:
        calls.append(1)
        return Organization.objects.count()

    def kept() -> int:
        return kept_until_written("test:organizations", count_organizations)

    kept.calls = calls
    return kept


def test_kept_until_a_table_it_read_is_written(counting):
    make_organization("Una")
    assert (counting(), counting()) == (1, 1)
    assert len(counting.calls) == 1

    make_organization("Dos")

    assert counting() == 2
    assert len(counting.calls) == 2


def test_a_write_to_another_table_keeps_it(counting):
    counting()
    table_versions.renew(["learning_communities_alliance"])
    counting()
    assert len(counting.calls) == 1


def test_a_lost_version_computes_it_again(counting):
    counting()
    cache.delete(table_versions.version_key(TABLES[0]))
    counting()
    assert len(counting.calls) == 2


def test_not_kept_from_a_transaction_that_wrote_its_tables(counting):
    with transaction.atomic():
        make_organization("Una")
        assert counting() == 1  # this transaction sees its own row
        transaction.set_rollback(True)

    assert counting() == 0  # not the rolled-back row
    assert len(counting.calls) == 2


def test_a_page_being_recorded_learns_the_tables_it_read_computed_or_kept(counting):
    for expected_calls in (1, 1):
        recording, token = table_versions.start_recording()
        try:
            counting()
        finally:
            table_versions.stop_recording(token)
        assert len(counting.calls) == expected_calls
        assert recording.read == set(TABLES)  # the tables come from the statements run
