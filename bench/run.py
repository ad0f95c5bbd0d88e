"""`make bench`: load the portal's pages under wrk next to two floor pages measured in the
same run, time the background work (scoring, reports, import) against its budgets, print one
table and write it to bench/RESULTS.md. Ratios matter, not absolute numbers: these machines
are small and shared.

Needs PostgreSQL, Redis and wrk (`apt-get install wrk`). Builds the scale data first when the
databases are empty (`manage.py generate_scale_data`). Settings come from the environment:
BENCH_DATABASE_URL, BENCH_BIG_DATABASE_URL, BENCH_REDIS_URL, BENCH_DURATION (seconds per page).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
if not Path(PY).exists():
    PY = sys.executable

# Budgets from issue #8.
MIN_THROUGHPUT_RATIO = 0.5  # of the 20-row floor page
MAX_P99_RATIO = 2.0  # of the 20-row floor page's p99
MAX_SCORING_RATIO = 2.0  # of the bare SQL
MAX_WORKER_MB = 300
ORGS_PER_TASK = 5000
COMMUNITY_REPORT_BUDGET_S = 2
PROGRAM_REPORT_BUDGET_S = 10
IMPORT_BUDGET_S = 60


def bench_env(database_url: str, redis_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=redis_url,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        BENCH_FLOORS="true",
        # The measured sessions are made directly (no login form, no phone for a second
        # factor); the gate's per-request cost is a session read either way.
        TWO_FACTOR_REQUIRED="false",
        LOG_LEVEL="WARNING",
        DATA_DIR=str(ROOT / "var" / "bench"),
    )
    return env


LOAD_START, LOAD_END = "<!-- load:start -->", "<!-- load:end -->"


def _section(text: str, start: str, end: str) -> str:
    if start in text and end in text:
        return text[text.index(start) : text.index(end) + len(end)]
    return ""


def replace_section(text: str, section: str, start: str, end: str) -> str:
    """`text` with its start..end section replaced by `section` (appended when missing)."""
    old = _section(text, start, end)
    if old:
        return text.replace(old, section)
    return text.rstrip("\n") + "\n\n" + section + "\n"


def add_data_arguments(parser) -> None:
    """The standard-size database and the Redis the benchmarks use (bench/run.py, load.py)."""
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://root@127.0.0.1:5432/csa_portal_bench"
        ),
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
    )
    parser.add_argument("--organizations", type=int, default=10_000)


def manage(env: dict, *args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)


def measure(env: dict, *args: str) -> dict:
    done = subprocess.run(
        [PY, "bench/measure.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def ensure_database(url: str) -> None:
    """Create the benchmark's database when it is missing: a new machine has none. The server's
    `postgres` database is asked only then (a managed server may not let every role in)."""
    import psycopg2
    from psycopg2 import sql

    try:
        psycopg2.connect(url).close()
        return
    except psycopg2.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise
    parts = urlsplit(url)
    name = unquote(parts.path.lstrip("/"))
    with contextlib.closing(psycopg2.connect(parts._replace(path="/postgres").geturl())) as conn:
        conn.autocommit = True  # CREATE DATABASE cannot run in a transaction
        with conn.cursor() as cursor:
            print(f"Creating the database {name}...", flush=True)
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def ensure_data(env: dict, organizations: int, steps: str = "") -> dict:
    ensure_database(env["DATABASE_URL"])
    manage(env, "migrate", "--noinput", "-v0")
    info = measure(env, "machine")
    if info["organizations"] == 0:
        print(f"Building {organizations} organizations (once per database)...", flush=True)
        extra = ["--steps", steps] if steps else []
        manage(env, "generate_scale_data", "--organizations", str(organizations), *extra)
        info = measure(env, "machine")
    return info


# --- pages -----------------------------------------------------------------------------------


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk(url: str, cookie: str | None, duration: int) -> dict:
    command = ["wrk", "-t2", "-c8", f"-d{duration}s", "--latency", "--timeout", "10s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": rps,
        "p50": p50,
        "p99": p99,
        "non2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def check_page(url: str, cookie: str | None) -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def start_gunicorn(env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603
        [
            PY,
            "-m",
            "gunicorn",
            "csa_portal.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        time.sleep(0.3)
        try:
            if check_page(f"http://127.0.0.1:{port}/bench/floor/bare/", None) == 200:
                return server
        except OSError:
            continue
    server.terminate()
    raise SystemExit("gunicorn did not start")


def measure_pages(
    env: dict, setup: dict, port: int, duration: int, *, floor_beside_each: bool = False
) -> list[dict]:
    """Each page under wrk, with the floors at the start and at the end (the better run of
    each kept). With floor_beside_each, the 20-row floor is also measured between pages and each
    page is held to the better of the two floors measured just before and just after it: the
    speed of these shared machines drifts by a third over minutes, so a page measured in a slow
    minute would otherwise be compared with a floor measured in a fast one."""
    base = f"http://127.0.0.1:{port}"
    floors = [
        ("floor: bare view", None, "/bench/floor/bare/"),
        ("floor: 20 rows", None, "/bench/floor/fortunes/"),
    ]
    rows = []
    server = start_gunicorn(env, port)
    try:
        # Warm both workers (template caches, connections) before measuring.
        for name, persona, path in floors + setup["pages"]:
            cookie = setup["cookies"].get(persona) if persona else None
            status = check_page(base + path, cookie)
            if status != 200:
                raise SystemExit(f"{name} ({path}) answered {status}, expected 200")
            wrk(base + path, cookie, 1)
        first_floors = {name: wrk(base + path, None, duration) for name, _, path in floors}
        fortunes = floors[1][2]
        beside = [first_floors[floors[1][0]]]
        for name, persona, path in setup["pages"]:
            print(f"  {name}...", flush=True)
            rows.append(
                {
                    "page": name,
                    "path": path,
                    **wrk(base + path, setup["cookies"][persona], duration),
                }
            )
            if floor_beside_each:
                beside.append(wrk(base + fortunes, None, duration))
        if floor_beside_each:
            for row, before, after in zip(rows, beside[:-1], beside[1:], strict=True):
                row["floor_rps"] = max(before["rps"], after["rps"])
                row["floor_p99"] = min(before["p99"], after["p99"])
        # Floors again at the end; the better of the two runs is kept (the stricter budget).
        for name, _, path in floors:
            again = wrk(base + path, None, duration)
            best = first_floors[name]
            rows.insert(
                0 if "bare" in name else 1,
                {
                    "page": name,
                    "path": path,
                    "rps": max(best["rps"], again["rps"]),
                    "p50": min(best["p50"], again["p50"]),
                    "p99": min(best["p99"], again["p99"]),
                    "non2xx": best["non2xx"] + again["non2xx"],
                    "socket_errors": best["socket_errors"] or again["socket_errors"],
                },
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    bare, floor = rows[0], rows[1]
    for row in rows:
        row["vs_bare"] = row["rps"] / bare["rps"]
        row["vs_floor"] = row["rps"] / row.get("floor_rps", floor["rps"])
        row["p99_vs_floor"] = row["p99"] / row.get("floor_p99", floor["p99"])
        row["pass"] = (
            row["vs_floor"] >= MIN_THROUGHPUT_RATIO
            and row["p99_vs_floor"] <= MAX_P99_RATIO
            and row["non2xx"] == 0
        )
    return rows


def add_rendered(rows: list[dict], rendered: list[dict]) -> None:
    """Each row gets the figures of the same page rendered on every request."""
    by_page = {row["page"]: row for row in rendered}
    for row in rows:
        again = by_page[row["page"]]
        row["rendered_rps"] = again["rps"]
        row["rendered_p99"] = again["p99"]
        row["rendered_vs_floor"] = again["vs_floor"]


# --- report ----------------------------------------------------------------------------------


def machine_lines(info: dict) -> list[str]:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return [
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {cpu}, {os.cpu_count()} cores (shared with other work), "
        f"{platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}, PostgreSQL {info['postgresql']}, "
        f"wrk {subprocess.run(['wrk', '-v'], capture_output=True, text=True).stdout.split()[1]}",
    ]


def page_table(rows: list[dict], duration: int) -> list[str]:
    lines = [
        f"wrk -t2 -c8 -d{duration}s on loopback, gunicorn 2 workers, DEBUG=false, one session "
        "per persona viewing the page again and again (as the production configuration "
        "serves it: from the page cache while nothing it was computed from changed).",
        "Budget: throughput >= 0.5 x the 20-row floor and p99 <= 2 x its p99, the floor being "
        "measured beside each page (the better of its runs just before and just after the "
        "page: column 'floor beside'); the floor rows are the better of the first and last runs.",
        "The last three columns are the same page rendered on every request "
        "(`PAGE_CACHE_SECONDS=0`, against that run's first and last floors): what a first view, "
        "or any view after a change, costs.",
        "",
        "| page | req/s | p50 ms | p99 ms | x bare | floor beside req/s | x 20-row floor "
        "| p99 x floor | budget | rendered req/s | rendered p99 ms | rendered x floor |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    for r in rows:
        floor = r["page"].startswith("floor")
        verdict = "-" if floor else ("pass" if r["pass"] else "**MISS**")
        if r["non2xx"]:
            verdict += f" ({r['non2xx']} non-2xx)"
        lines.append(
            f"| {r['page']} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | "
            f"{r['vs_bare']:.3f} | {r.get('floor_rps', r['rps']):.0f} | {r['vs_floor']:.2f} | "
            f"{r['p99_vs_floor']:.2f} | {verdict} | "
            f"{r.get('rendered_rps', 0):.0f} | {r.get('rendered_p99', 0):.1f} | "
            f"{r.get('rendered_vs_floor', 0):.2f} |"
        )
    return lines


def work_table(work: dict) -> list[str]:
    lines = [
        "| measurement | value | budget | verdict |",
        "|---|---|---|---|",
    ]
    scoring = work.get("scoring")
    if scoring:
        r, f = scoring["recompute"], scoring["floor_s"]
        ratio = r["wall_s"] / f
        orgs = r["organizations"]
        lines += [
            f"| recompute all scores ({orgs} organizations, {r['assessments']} validated "
            f"assessments, {scoring['ratings']} ratings) | {r['wall_s']:.2f} s | - | "
            f"{r['status']} |",
            f"| bare SQL INSERT ... SELECT ... GROUP BY, same ratings | {f:.2f} s "
            f"({scoring['floor_rows']} rows) | - | - |",
            f"| recompute / SQL floor | {ratio:.2f} x | <= {MAX_SCORING_RATIO} x | "
            f"{'pass' if ratio <= MAX_SCORING_RATIO else '**MISS**'} |",
            f"| worker peak memory (whole process) | {r['peak_mb']:.0f} MB (at start "
            f"{r['startup_mb']:.0f} MB) | < {MAX_WORKER_MB} MB | "
            f"{'pass' if r['peak_mb'] < MAX_WORKER_MB else '**MISS**'} |",
            f"| tasks | {r['tasks']} task ({r['chunks']} set-based batches inside it) | "
            f"<= {max(1, orgs // ORGS_PER_TASK)} | "
            f"{'pass' if r['tasks'] <= max(1, orgs // ORGS_PER_TASK) else '**MISS**'} |",
        ]
    for key, label, budget in [
        ("community_report", "community report, 50 members, 2022-2025", COMMUNITY_REPORT_BUDGET_S),
        ("program_report", "program results report, FY2022-FY2025", PROGRAM_REPORT_BUDGET_S),
    ]:
        r = work.get(key)
        if r:
            ok = r["status"] == "succeeded" and r["wall_s"] < budget
            lines.append(
                f"| {label} (job in one worker process) | {r['wall_s']:.2f} s wall, "
                f"{r['cpu_s']:.2f} s CPU, {r['status']} {r['error']} | < {budget} s | "
                f"{'pass' if ok else '**MISS**'} |"
            )
    r = work.get("import")
    if r:
        ok = r["status"] == "succeeded" and r["total_s"] < IMPORT_BUDGET_S
        lines.append(
            f"| organization import, {r['rows']} rows (preview {r['preview_s']:.1f} s + "
            f"job {r['wall_s']:.1f} s) | {r['total_s']:.1f} s, {r['status']} {r['error']} | "
            f"< {IMPORT_BUDGET_S} s | {'pass' if ok else '**MISS**'} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    add_data_arguments(parser)
    parser.add_argument(
        "--big-database-url",
        default=os.environ.get(
            "BENCH_BIG_DATABASE_URL", "postgres://root@127.0.0.1:5432/csa_portal_bench_big"
        ),
    )
    parser.add_argument("--big-organizations", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 5)))
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8765)))
    parser.add_argument(
        "--skip",
        default="",
        help="comma-separated: pages,scoring,reports (or community_report, program_report),import",
    )
    parser.add_argument("--output", default=str(ROOT / "bench" / "RESULTS.md"))
    args = parser.parse_args()
    skip = set(args.skip.split(","))
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: sudo apt-get install wrk")

    env = bench_env(args.database_url, args.redis_url)
    info = ensure_data(env, args.organizations)
    manage(env, "compile_translations")
    manage(env, "collectstatic", "--noinput", "-v0")
    work: dict = {}
    if "reports" not in skip and "community_report" not in skip:
        community = measure(env, "setup")["community"]
        print("Community report...", flush=True)
        work["community_report"] = measure(env, "community_report", str(community))
    if "reports" not in skip and "program_report" not in skip:
        print("Program report...", flush=True)
        work["program_report"] = measure(env, "program_report")
    if "import" not in skip:
        print("Import...", flush=True)
        work["import"] = measure(env, "import", "10000")
    rows = []
    if "pages" not in skip:
        print("Pages...", flush=True)
        setup = measure(env, "setup")
        rows = measure_pages(env, setup, args.port, args.duration, floor_beside_each=True)
        # The same pages rendered on every request (page cache off): what a first view costs.
        print("Pages again, rendered every time (PAGE_CACHE_SECONDS=0)...", flush=True)
        rendered = measure_pages(
            {**env, "PAGE_CACHE_SECONDS": "0"}, setup, args.port, args.duration
        )
        add_rendered(rows, rendered)
    if "scoring" not in skip:
        big = bench_env(args.big_database_url, args.redis_url)
        big_info = ensure_data(big, args.big_organizations, "logins,organizations,capacity,scores")
        print("Scoring: SQL floor, recompute, SQL floor...", flush=True)
        floor1 = measure(big, "sqlfloor")
        recompute = measure(big, "recompute")
        floor2 = measure(big, "sqlfloor")
        work["scoring"] = {
            "recompute": recompute,
            "floor_s": min(floor1["wall_s"], floor2["wall_s"]),
            "floor_rows": floor1["rows"],
            "ratings": big_info["ratings"],
        }

    lines = [
        "# Benchmark results",
        "",
        *machine_lines(info),
        f"- Data: {info['organizations']} organizations, {info['ratings']} ratings "
        f"(`manage.py generate_scale_data`); scoring on a separate database of "
        f"{args.big_organizations} organizations.",
        "",
    ]
    if rows:
        lines += ["## Pages", "", *page_table(rows, args.duration), ""]
    if work:
        lines += ["## Background work", "", *work_table(work), ""]
    lines += [
        "The history of each miss, its profile and its fix, with before/after figures: "
        "[bench/NOTES.md](NOTES.md).",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    output = Path(args.output)
    # The production run's table (bench/load.py) is kept: it is measured apart.
    kept = _section(output.read_text(), LOAD_START, LOAD_END) if output.exists() else ""
    output.write_text(text + ("\n" + kept + "\n" if kept else "\n"))
    raw = Path(args.output).with_suffix(".json")
    raw.write_text(json.dumps({"pages": rows, "work": work}, indent=1, default=str) + "\n")


if __name__ == "__main__":
    main()
