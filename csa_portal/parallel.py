"""Independent batches of database work run on a few threads, each with its own connection.

A PostgreSQL statement runs on one core. A job made of many independent, separately committed
batches (recompute all scores: one id range per batch) finishes about `threads` times sooner
when each thread sends its own batches on its own connection, and it is still one task: a
worker killed half-way leaves only whole batches committed, as before.

Only for work outside a transaction: a thread's connection cannot see what the caller has not
committed. Callers decide (organizations.jobs: PostgreSQL, no open transaction).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator

from django.db import connections


def run_batches[Batch, Result](
    work: Callable[[Batch], Result], batches: Iterable[Batch], *, threads: int
) -> Iterator[Result]:
    """Yield work(batch) for every batch, in the order they finish. The first error raised by
    a batch is raised here once the batches already started have finished; so is anything the
    consumer raises between two results (the threads then stop taking new batches)."""
    batches = list(batches)
    if threads <= 1 or len(batches) <= 1:
        for batch in batches:
            yield work(batch)
        return
    todo: queue.SimpleQueue = queue.SimpleQueue()
    for batch in batches:
        todo.put(batch)
    done: queue.SimpleQueue = queue.SimpleQueue()
    stop = threading.Event()

    def take_batches() -> None:
        try:
            while not stop.is_set():
                try:
                    batch = todo.get_nowait()
                except queue.Empty:
                    return
                done.put((True, work(batch)))
        except BaseException as exc:  # handed to the consumer's thread, raised there
            stop.set()
            done.put((False, exc))
        finally:
            connections.close_all()  # this thread's own connections

    workers = [
        threading.Thread(target=take_batches, name=f"batch-{n}", daemon=True)
        for n in range(min(threads, len(batches)))
    ]
    for worker in workers:
        worker.start()
    try:
        for _ in batches:
            succeeded, value = done.get()
            if not succeeded:
                raise value
            yield value
    finally:
        stop.set()
        for worker in workers:
            worker.join()
