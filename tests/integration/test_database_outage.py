"""PostgreSQL stops for a few seconds under load: requests fail cleanly, then recover alone.

A gunicorn web process (DEBUG off, production settings) serves a logged-in page from a
PostgreSQL cluster of the test's own, made from a copy of the test database; the shared server
on 5432 is never stopped. A thread requests the page in a loop while the test stops and
restarts the cluster.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from tests.personas import speak_english

from .conftest import PROJECT_DIR, database_url
from .private_services import PrivatePostgres, free_port, wait_until

pytestmark = [pytest.mark.integration]

FRIENDLY = "Something went wrong on our side. Please try again in a moment."
LEAKS = ("Traceback", "OperationalError", "psycopg", "connection to server", 'File "/')


@dataclass
class Answer:
    at: float
    status: int
    body: str


@dataclass
class Web:
    url: str
    cookie: str
    process: subprocess.Popen
    log_path: Path
    answers: list[Answer] = field(default_factory=list)

    def get(self) -> Answer:
        request = urllib.request.Request(  # noqa: S310 - our own http://127.0.0.1 URL
            self.url, headers={"Cookie": self.cookie, "Accept-Language": "en"}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
                answer = Answer(time.monotonic(), response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            answer = Answer(time.monotonic(), error.code, error.read().decode(errors="replace"))
        self.answers.append(answer)
        return answer

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    # Not under tmp_path: the postgres user must be able to reach the directory.
    directory = Path(tempfile.mkdtemp(prefix="csa-portal-pg-", dir="/tmp"))
    server = PrivatePostgres(directory)
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.stop(check=False)
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def web(transactional_db, cast, client, private_postgres, tmp_path) -> Iterator[Web]:
    """gunicorn on a copy of the test database (cast and a staff session included)."""
    speak_english(cast.staff)
    client.force_login(cast.staff)
    cookie = f"sessionid={client.cookies['sessionid'].value}"

    test_database = django_settings.DATABASES["default"]
    private_postgres.psql("-c", "CREATE DATABASE portal")
    dump = subprocess.run(
        ["pg_dump", "--no-owner", "--no-acl", "-d", database_url(test_database)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    dump_path = tmp_path / "portal.sql"
    dump_path.write_bytes(dump.stdout)
    with dump_path.open("rb") as sql:
        private_postgres.psql(database="portal", stdin=sql)

    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.integration.web_settings",
        "DATABASE_URL": private_postgres.url("portal"),
        "DEBUG": "false",
        "SECRET_KEY": django_settings.SECRET_KEY,  # the session was signed with it
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATA_DIR": str(tmp_path),
        "PYTHONUNBUFFERED": "1",
    }
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "csa_portal.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--timeout",
                "30",
            ],
            cwd=PROJECT_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    server = Web(
        url=f"http://127.0.0.1:{port}{reverse('organizations:directory')}",
        cookie=cookie,
        process=process,
        log_path=log_path,
    )

    def up() -> bool:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited:\n{server.log()}", pytrace=False)
        try:
            return server.get().status == 200
        except OSError:
            return False

    try:
        wait_until(up, "gunicorn to serve the page", 45, log=server.log)
        yield server
    finally:
        process.send_signal(signal.SIGQUIT)  # gunicorn's quick shutdown
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def test_database_stopped_under_load_fails_cleanly_and_recovers(web, private_postgres, settings):
    # The setting that makes recovery automatic (a dead persistent connection is replaced at
    # the start of the next request instead of failing it).
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0

    running = threading.Event()
    running.set()
    errors: list[BaseException] = []

    def load() -> None:
        while running.is_set():
            try:
                web.get()
            except BaseException as exc:  # a refused or reset connection is a failure too
                errors.append(exc)
                return

    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    try:
        wait_until(lambda: sum(a.status == 200 for a in web.answers) >= 5, "answers before")
        private_postgres.stop()
        stopped_at = time.monotonic()
        wait_until(
            lambda: sum(a.at > stopped_at and a.status != 200 for a in web.answers) >= 5,
            "failed answers while the database is down",
            log=web.log,
        )
        time.sleep(max(0.0, 3 - (time.monotonic() - stopped_at)))  # a few seconds down
        private_postgres.start()
        started_at = time.monotonic()
        wait_until(
            lambda: sum(a.at > started_at and a.status == 200 for a in web.answers) >= 20,
            "the page to come back",
            log=web.log,
        )
    finally:
        running.clear()
        thread.join(timeout=15)
    assert not errors, errors

    answers = list(web.answers)
    failures = [a for a in answers if a.status != 200]
    assert failures
    assert {a.status for a in failures} <= {500, 503}
    for failure in failures:
        assert FRIENDLY in failure.body
        for leak in LEAKS:
            assert leak not in failure.body
    # Recovered by itself: once a request succeeded after the restart, none failed again.
    first_back = next(i for i, a in enumerate(answers) if a.at > started_at and a.status == 200)
    assert all(a.status == 200 for a in answers[first_back:])

    # A restart while the web process is idle leaves it holding a dead connection (kept for
    # CONN_MAX_AGE); the health check replaces it, so even the first request succeeds.
    private_postgres.stop()
    private_postgres.start()
    assert web.get().status == 200
