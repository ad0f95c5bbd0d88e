"""csa_portal.parallel.run_batches: every batch once, on several threads, errors and early
stops handed to the consumer, each thread's connection closed."""

import threading
import time

import pytest

from csa_portal.parallel import run_batches


def test_every_batch_runs_once_on_several_threads():
    seen_by = {}

    def work(batch):
        seen_by[batch] = threading.current_thread().name
        time.sleep(0.01)  # long enough for both threads to take batches
        return batch * 10

    results = list(run_batches(work, range(12), threads=2))

    assert sorted(results) == [n * 10 for n in range(12)]
    assert len(set(seen_by.values())) == 2
    assert threading.current_thread().name not in seen_by.values()


def test_one_thread_runs_the_batches_in_order_in_the_callers_thread():
    caller = threading.current_thread().name
    names = []

    def work(batch):
        names.append(threading.current_thread().name)
        return batch

    assert list(run_batches(work, [3, 1, 2], threads=1)) == [3, 1, 2]
    assert set(names) == {caller}


def test_a_failing_batch_is_raised_to_the_consumer_and_stops_new_batches():
    started = []

    def work(batch):
        started.append(batch)
        if batch == 1:
            raise ValueError("batch 1 broke")
        time.sleep(0.02)
        return batch

    with pytest.raises(ValueError, match="batch 1 broke"):
        list(run_batches(work, range(50), threads=2))
    assert len(started) < 50
    assert not [t for t in threading.enumerate() if t.name.startswith("batch-")]


def test_a_consumer_that_stops_stops_the_threads():
    started = []

    def work(batch):
        started.append(batch)
        time.sleep(0.01)
        return batch

    batches = run_batches(work, range(100), threads=2)
    next(batches)
    batches.close()  # as when the job's progress report finds the job taken over

    assert len(started) < 100
    assert not [t for t in threading.enumerate() if t.name.startswith("batch-")]


@pytest.mark.django_db(transaction=True)
def test_each_thread_closes_its_own_database_connection():
    from django.db import connection, connections

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("Django keeps in-memory SQLite test connections open (runs on PostgreSQL)")
    opened = []

    def work(batch):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        opened.append(connections["default"])
        return batch

    list(run_batches(work, range(4), threads=2))

    assert opened and all(c.connection is None for c in opened)
