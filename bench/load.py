"""The production run of issue #8: the full stack of `make up` (the Procfile's web, worker and
beat through honcho, DEBUG off, static files from WhiteNoise) on PostgreSQL and Redis with the
10,000-organization data, under mixed user journeys for a fixed time at the highest rate the
machine sustains (closed loop: each simulated person sends the next request as soon as the
last one is answered). Every answer must be the expected one (200 for pages, 302 after a
saved form) and every background job it started must succeed: any other answer is an error.

    python bench/load.py [--duration 600] [--users 8]

Writes its table into bench/RESULTS.md (between the "load" markers; `bench/run.py` keeps it).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import (  # noqa: E402
    LOAD_END,
    LOAD_START,
    ROOT,
    add_data_arguments,
    bench_env,
    ensure_data,
    machine_lines,
    manage,
    measure,
    replace_section,
)

# How often each journey is chosen: mostly reading, some editing, a few heavy jobs.
JOURNEYS = {
    "staff browses": 50,
    "leader reads": 15,
    "leader edits the profile": 15,
    "leader fills in a self-assessment": 15,
    "staff export": 3,
    "staff build a community report": 2,
}


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)

    def add(self, step: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies[step].append(seconds)
            if error:
                self.errors[step].append(error)


class Person:
    """One simulated person: a session of their own and a journey at a time."""

    def __init__(self, base: str, setup: dict, recorder: Recorder, seed: int) -> None:
        self.base, self.setup, self.recorder = base, setup, recorder
        self.random = random.Random(seed)  # noqa: S311 - load mix, not security
        self.sessions = {}
        for persona in ("staff", "leader"):
            session = requests.Session()
            cookies = dict(pair.split("=", 1) for pair in setup["cookies"][persona].split("; "))
            session.cookies.update(cookies)
            # The persona's CSRF secret: the cookie and the header of the forms agree.
            session.headers["X-CSRFToken"] = cookies["csrftoken"]
            self.sessions[persona] = session

    def call(self, step, persona, method, path, expected, data=None) -> None:
        started = time.perf_counter()
        error = None
        try:
            response = self.sessions[persona].request(
                method, self.base + path, data=data, allow_redirects=False, timeout=60
            )
            if response.status_code != expected:
                error = f"{method} {path}: {response.status_code}"
        except requests.RequestException as exc:
            error = f"{method} {path}: {type(exc).__name__}"
        self.recorder.add(step, time.perf_counter() - started, error)

    def journey(self) -> None:
        name = self.random.choices(list(JOURNEYS), weights=list(JOURNEYS.values()))[0]
        s = self.setup
        if name == "staff browses":
            for path in self.random.sample(s["browse"], 4):
                self.call("staff page", "staff", "GET", path, 200)
        elif name == "leader reads":
            for path in s["leader_pages"]:
                self.call("leader page", "leader", "GET", path, 200)
        elif name == "leader edits the profile":
            profile = s["profile"]
            self.call("profile form", "leader", "GET", profile["path"], 200)
            data = dict(profile["data"], phone=f"662 {self.random.randint(1000000, 9999999)}")
            self.call("profile saved", "leader", "POST", profile["path"], 302, data)
        elif name == "leader fills in a self-assessment":
            area = s["assessment"]
            self.call("assessment form", "leader", "GET", area["path"], 200)
            data = {f"level_{pk}": str(self.random.randint(1, 4)) for pk in area["indicators"]}
            self.call("assessment saved", "leader", "POST", area["path"], 302, data)
        elif name == "staff export":
            export = s["export"]
            self.call("export started", "staff", "POST", export["path"], 302, export["data"])
        else:
            report = s["report"]
            self.call("report started", "staff", "POST", report["path"], 302, report["data"])


def wait_until_up(base: str, seconds: int = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(base + "/accounts/login/", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise SystemExit("the stack did not answer in time (see var/bench/stack.log)")


def run_load(base: str, setup: dict, users: int, duration: int) -> Recorder:
    recorder = Recorder()
    stop_at = time.monotonic() + duration

    def loop(seed: int) -> None:
        person = Person(base, setup, recorder, seed)
        while time.monotonic() < stop_at:
            person.journey()

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return recorder


def percentile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def table(recorder: Recorder, jobs: dict, args, elapsed: float, info: dict) -> list[str]:
    total = sum(len(v) for v in recorder.latencies.values())
    errors = sum(len(v) for v in recorder.errors.values())
    failed_jobs = sum(row["n"] for row in jobs["jobs"] if row["status"] == "failed")
    unfinished = sum(
        row["n"] for row in jobs["jobs"] if row["status"] not in ("succeeded", "failed")
    )
    lines = [
        "## Production run: mixed journeys on the full stack",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {info['organizations']} organizations.",
        f"- `honcho start` of the Procfile (gunicorn 2 workers, Celery worker, beat), DEBUG off, "
        f"WhiteNoise; {args.users} simulated people in a closed loop for {args.duration} s "
        f"(journeys: {', '.join(f'{k} {v}%' for k, v in JOURNEYS.items())}).",
        f"- **{total} requests in {elapsed:.0f} s ({total / elapsed:.1f} req/s), "
        f"{errors} errors; background jobs: "
        + ", ".join(f"{r['kind']} {r['status']} {r['n']}" for r in jobs["jobs"])
        + f"; {failed_jobs} failed, {unfinished} still queued or running 30 s after the load "
        "stopped.**",
        "",
        "| step | requests | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|",
    ]
    for step, values in sorted(recorder.latencies.items()):
        lines.append(
            f"| {step} | {len(values)} | {percentile(values, 50) * 1000:.0f} | "
            f"{percentile(values, 99) * 1000:.0f} | {len(recorder.errors[step])} |"
        )
    shown = [e for v in recorder.errors.values() for e in v][:5] + jobs["errors"]
    if shown:
        lines += ["", "First errors: " + "; ".join(shown)]
    return [LOAD_START, *lines, LOAD_END]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_data_arguments(parser)
    parser.add_argument("--duration", type=int, default=600)
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--port", type=int, default=8002)
    parser.add_argument("--output", default=str(ROOT / "bench" / "RESULTS.md"))
    args = parser.parse_args()

    env = bench_env(args.database_url, args.redis_url)
    # The production stack exactly as `make up` runs it, minus what needs a real domain:
    # no floor views (and no second factor, as in bench_env: the simulated staff have no phones).
    env.update(BENCH_FLOORS="false", PORT=str(args.port))
    env["PATH"] = f"{ROOT / '.venv' / 'bin'}:{env['PATH']}"  # the Procfile's gunicorn, celery
    info = ensure_data(env, args.organizations)
    manage(env, "compile_translations")
    manage(env, "collectstatic", "--noinput", "-v0")
    setup = measure(env, "load_setup")
    started_at = datetime.now(UTC).isoformat()
    log = Path(env["DATA_DIR"]) / "stack.log"  # the stack's own output, for a post-mortem
    log.parent.mkdir(parents=True, exist_ok=True)
    stack = subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv" / "bin" / "honcho"), "start"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        wait_until_up(base)
        print(f"Load: {args.users} people for {args.duration} s...", flush=True)
        began = time.monotonic()
        recorder = run_load(base, setup, args.users, args.duration)
        elapsed = time.monotonic() - began
        time.sleep(30)  # let the worker finish what the last journeys queued
    finally:
        os.killpg(stack.pid, signal.SIGTERM)
        stack.wait(timeout=60)
    jobs = measure(env, "jobs_since", started_at)
    lines = table(recorder, jobs, args, elapsed, info)
    print("\n".join(lines))
    output = Path(args.output)
    text = output.read_text() if output.exists() else "\n".join(machine_lines(info))
    output.write_text(replace_section(text, "\n".join(lines), LOAD_START, LOAD_END))


if __name__ == "__main__":
    main()
