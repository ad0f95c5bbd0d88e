"""Throwaway Redis and PostgreSQL servers for the fault tests, which stop and restart them.

The shared servers on 6379 and 5432 serve other engineers and CI: they are never touched.
Each private server listens on a free loopback port, keeps its data in the test's tmp_path
(Redis keeps none at all), and is stopped when the test ends.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from csa_portal.celery import app as celery_app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition: Callable[[], object], what: str, timeout: float = 30, log=None):
    """Poll until condition() is truthy; fail after `timeout` seconds (with log() if given)."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            details = f"\n{log()}" if log else ""
            pytest.fail(f"Still waiting for {what} after {timeout}s.{details}", pytrace=False)
        time.sleep(0.1)


class PrivateRedis:
    """redis-server without persistence: a restart loses every queued message, as a crash does."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self):
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=1)

    def start(self) -> None:
        import redis

        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def answers() -> bool:
            try:
                return bool(self.client().ping())
            except redis.RedisError:
                return False

        wait_until(answers, f"the private Redis on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # as a crash: nothing saved, nothing flushed
            self.process.wait(timeout=10)

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture
def private_redis(tmp_path) -> Iterator[PrivateRedis]:
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed", pytrace=False)
    server = PrivateRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def app_broker(url: str) -> Iterator[None]:
    """Send this process's tasks (and remote-control calls) to `url` for the block's duration."""
    previous = celery_app.conf.broker_url
    previous_env = os.environ.get("CELERY_BROKER_URL")

    def switch(to: str, env: str | None) -> None:
        import kombu.pools

        # kombu keeps its pools per URL, process-wide: close them all and start afresh, as
        # after a fork (closing only ours would leave a closed pool for the next user).
        kombu.pools.reset()
        celery_app.conf.broker_url = to
        # Celery reads the variable before its own setting.
        if env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = env
        # Connection and producer pools are made once from the URL: drop them (as after a fork).
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    switch(url, url)
    try:
        yield
    finally:
        switch(previous, previous_env)


class PrivatePostgres:
    """A throwaway PostgreSQL cluster run by the postgres OS user, trust auth on loopback."""

    def __init__(self, directory: Path) -> None:
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not bins:
            pytest.fail("PostgreSQL's server binaries are not installed", pytrace=False)
        self.bin = Path(bins[-1]).parent
        self.port = free_port()
        # The postgres user must own the cluster and reach its socket directory.
        self.directory = directory
        self.data = directory / "data"
        self.log = directory / "postgres.log"

    def _as_postgres(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["runuser", "-u", "postgres", "--", *args],
            check=check,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def init(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        shutil.chown(self.directory, "postgres", "postgres")
        self.directory.chmod(0o700)
        self._as_postgres(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "--auth=trust",
            "--username=postgres",
            "--no-sync",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )

    def start(self) -> None:
        self._as_postgres(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-o",
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )

    def stop(self, check: bool = True) -> None:
        # fast: every session is cut, as when the server goes away under load.
        self._as_postgres(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", check=check
        )

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def psql(self, *args: str, database: str = "postgres", stdin=None) -> None:
        subprocess.run(
            [str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
            + ["-d", database, "-q", "-v", "ON_ERROR_STOP=1", *args],
            check=True,
            stdin=stdin,
            capture_output=True,
            timeout=60,
            env={**os.environ, "PGPASSWORD": ""},
        )
