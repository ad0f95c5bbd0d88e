"""Integration tests: a real Celery worker on Redis, with the database on PostgreSQL.

They run only when DATABASE_URL points at PostgreSQL and CELERY_BROKER_URL is set, e.g.

    DATABASE_URL=postgres://root@127.0.0.1:5432/csa_portal_e2e \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/5 .venv/bin/python -m pytest tests/integration

Otherwise they skip locally and fail when CI=true: CI must never skip them silently.
Each test starts its own worker on a queue no other worker listens to, pointed at the test
database, and stops it afterwards; a failing test shows the worker's log.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings

from csa_portal.celery import app as celery_app

PROJECT_DIR = Path(__file__).resolve().parents[2]
WORKER_READY_TIMEOUT = 60
WORKER_KEY = pytest.StashKey["CeleryWorker"]()


def unavailable(reason: str) -> None:
    """Skip locally; fail under CI=true so a missing service cannot pass as green."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: integration tests must run, not skip)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def _integration_services() -> None:
    database = settings.DATABASES["default"]
    if "postgresql" not in database["ENGINE"]:
        unavailable(
            "integration tests need PostgreSQL: set DATABASE_URL=postgres://… "
            f"(the database engine is {database['ENGINE']})"
        )
    if not settings.CELERY_BROKER_URL:
        unavailable("integration tests need a broker: set CELERY_BROKER_URL=redis://…")
    host, port = database.get("HOST") or "127.0.0.1", int(database.get("PORT") or 5432)
    try:
        socket.create_connection((host, port), timeout=3).close()
    except OSError as exc:
        unavailable(f"PostgreSQL is not reachable at {host}:{port} ({exc})")
    import redis

    try:
        redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        unavailable(f"Redis is not reachable at {settings.CELERY_BROKER_URL} ({exc})")


# Data-migration rows are put back before each transactional test (tests/migrated_data.py;
# tests/conftest.py puts them back after each).
from tests.migrated_data import _migrated_data  # noqa: E402, F401

from .private_services import private_redis  # noqa: E402, F401 - a fixture


def database_url(database: dict) -> str:
    """The URL of the database this test uses (the test database, test_…)."""
    user = quote(database.get("USER") or "", safe="")
    password = quote(database.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or 5432
    options = {k: v for k, v in (database.get("OPTIONS") or {}).items() if isinstance(v, str)}
    query = f"?{urlencode(options)}" if options else ""
    return f"postgres://{credentials}{host}:{port}/{quote(database['NAME'], safe='')}{query}"


@dataclass
class CeleryWorker:
    process: subprocess.Popen
    queue: str
    log_path: Path
    name: str | None = None  # defaults to the queue's name

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + WORKER_READY_TIMEOUT
        while not self._answers_ping():
            if self.process.poll() is not None:
                pytest.fail(
                    f"The Celery worker exited with {self.process.returncode}:\n{self.log()}",
                    pytrace=False,
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"The Celery worker was not ready after {WORKER_READY_TIMEOUT}s:\n{self.log()}",
                    pytrace=False,
                )

    def _answers_ping(self) -> bool:
        # Remote control rather than the log: logging settings may quieten the worker.
        inspect = celery_app.control.inspect(destination=[self.nodename], timeout=0.5, limit=1)
        return bool((inspect.ping() or {}).get(self.nodename))

    @property
    def nodename(self) -> str:
        return f"{self.name or self.queue}@integration"

    def tasks_run(self) -> dict[str, int]:
        """How many tasks of each name this worker has taken, asked over remote control.

        (The log cannot tell: settings keep celery.app.trace quiet.)
        """
        inspect = celery_app.control.inspect(destination=[self.nodename], timeout=10, limit=1)
        stats = (inspect.stats() or {}).get(self.nodename)
        if stats is None:
            pytest.fail(f"The worker {self.nodename} did not answer:\n{self.log()}", pytrace=False)
        return stats.get("total", {})

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # warm shutdown
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def kill(self) -> None:
        """kill -9: no warm shutdown, no acknowledgement, no goodbye to the broker."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def assert_alive(self) -> None:
        if self.process.poll() is not None:
            pytest.fail(
                f"The Celery worker died with {self.process.returncode}:\n{self.log()}",
                pytrace=False,
            )


def start_worker(
    *,
    queue: str,
    log_path: Path,
    data_dir: Path,
    broker_url: str | None = None,
    env: dict[str, str] | None = None,
    pool: str = "solo",
    hostname: str | None = None,
) -> CeleryWorker:
    """Start a worker process on the test database, consuming `queue` only; wait until ready.

    The fault tests start several in turn (a killed worker and its replacement), point one at
    a Redis of their own, or shorten JOB_STALE_AFTER_SECONDS through `env`.
    """
    database = settings.DATABASES["default"]
    assert database["NAME"].startswith("test_"), database["NAME"]
    process_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "csa_portal.settings",
        "DATABASE_URL": database_url(database),
        "CELERY_BROKER_URL": broker_url or settings.CELERY_BROKER_URL,
        "DATA_DIR": str(data_dir),
        # One cache for every process, as in production: the page cache's table versions.
        "CACHE_URL": settings.CACHE_URL,
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    with log_path.open("ab") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "csa_portal",
                "worker",
                f"--pool={pool}",
                "--concurrency=1",
                "-Q",
                queue,
                "--loglevel=INFO",
                f"--hostname={hostname or queue}@integration",
                # Keep to itself: no syncing or chatter with other workers on this broker.
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
            ],
            cwd=PROJECT_DIR,
            env=process_env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    worker = CeleryWorker(process=process, queue=queue, log_path=log_path, name=hostname)
    try:
        worker.wait_until_ready()
    except BaseException:
        worker.stop()
        raise
    return worker


@pytest.fixture
def worker_queue(settings) -> Iterator[str]:
    """A queue of this test's own: the app sends this test's tasks there, and only there."""
    # The settings make the app eager when no broker is set; an eager app would run the
    # tasks in this process and prove nothing about the worker.
    assert celery_app.conf.task_always_eager is False, "csa_portal.celery.app is eager"
    queue = f"csa-portal-it-{uuid.uuid4().hex[:12]}"
    # Route this test's tasks to its own queue, so a stray worker never steals them.
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    previous_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    try:
        yield queue
    finally:
        celery_app.conf.task_default_queue = previous_queue
        _delete_queue(queue)


@pytest.fixture
def celery_worker(
    request, transactional_db, settings, tmp_path, worker_queue
) -> Iterator[CeleryWorker]:
    """A real worker process consuming a queue of its own, on the test database."""
    # tests/conftest.py gives each test its own MEDIA_ROOT (<tmp>/media); the worker derives
    # the same MEDIA_ROOT from DATA_DIR, so both read and write the same files.
    assert settings.MEDIA_ROOT.name == "media", settings.MEDIA_ROOT
    worker = start_worker(
        queue=worker_queue,
        log_path=tmp_path / "celery-worker.log",
        data_dir=settings.MEDIA_ROOT.parent,
    )
    request.node.stash[WORKER_KEY] = worker
    try:
        yield worker
    finally:
        worker.stop()


def _delete_queue(queue: str) -> None:
    import redis

    try:
        client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=3)
        # The queue's list and kombu's binding records for it (names vary across versions).
        client.delete(queue, *client.scan_iter(match=f"_kombu.binding*.{queue}"))
    except redis.RedisError:
        pass  # leftovers of a unique, unused queue are harmless


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing test shows its worker's log next to the failure."""
    report = yield
    worker = item.stash.get(WORKER_KEY, None)
    if worker is not None and report.failed:
        report.sections.append((f"Celery worker log ({worker.queue})", worker.log()))
    return report
