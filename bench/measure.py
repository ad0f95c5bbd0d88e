"""The Django side of the benchmark: run by bench/run.py as a fresh process per measurement
(so peak memory is that of one worker-like process), prints one JSON object.

    python bench/measure.py setup                 sessions per persona and the pages to load
    python bench/measure.py recompute             the recompute-all-scores job, as a worker runs it
    python bench/measure.py sqlfloor              the bare INSERT ... SELECT ... GROUP BY
    python bench/measure.py community_report      a 50-member community over four years
    python bench/measure.py program_report        the program results report
    python bench/measure.py import --rows 10000   an organization file, preview and import job
    python bench/measure.py machine               PostgreSQL version, data counts
    python bench/measure.py load_setup            sessions, pages and form data for bench/load.py
    python bench/measure.py jobs_since ISO        jobs started since then, by kind and status
"""

from __future__ import annotations

import csv
import json
import os
import resource
import sys
import time
import uuid
from datetime import date
from importlib import import_module
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csa_portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from csa_portal.jobs import run_job  # noqa: E402
from csa_portal.models import Job, User  # noqa: E402
from csa_portal.scale import LEADER_EMAIL, LEGAL_EMAIL, STAFF_EMAIL  # noqa: E402

IMPORT_PREFIX = "Bench Import"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _session_cookie(user: User) -> str:
    """A logged-in session, as after the login form (the person accepted the privacy notice
    at their first login, as everyone past it has)."""
    from csa_portal.models import PrivacyNotice
    from csa_portal.privacy_services import accept_notice

    notice = PrivacyNotice.objects.current()
    if user.accepted_notice_id is None and notice is not None:
        with transaction.atomic():
            accept_notice(user=user, notice=notice, ip_address=None)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "csa_portal.auth_backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.set_expiry(60 * 60 * 4)
    store.save()
    # A browser also keeps the CSRF cookie the first page with a form gave it.
    csrf_secret = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
    return (
        f"{settings.SESSION_COOKIE_NAME}={store.session_key}; "
        f"{settings.CSRF_COOKIE_NAME}={csrf_secret}"
    )


def setup() -> dict:
    from grants.models import Grant
    from learning_communities.models import LearningCommunity, Report
    from legal_assistance.models import LegalCase
    from organizations.models import ImprovementPlan

    staff = User.objects.get(email=STAFF_EMAIL)
    legal = User.objects.get(email=LEGAL_EMAIL)
    leader = User.objects.get(email=LEADER_EMAIL)
    org = leader.memberships.get().organization
    plan = ImprovementPlan.objects.filter(organization=org).first()
    community = LearningCommunity.objects.filter(memberships__organization=org).first()
    event = community.events.order_by("-date").first()
    grant = Grant.objects.order_by("pk").first()
    case = LegalCase.objects.exclude(firm=None).order_by("pk").first()
    pages = [
        ("home (staff)", "staff", reverse("home")),
        ("home (leader)", "leader", reverse("home")),
        ("organization list", "staff", reverse("organizations:directory")),
        ("organization detail", "staff", reverse("organizations:detail", args=[org.pk])),
        ("capacity list", "staff", reverse("organizations:capacity_list")),
        ("scores page", "staff", reverse("organizations:scores", args=[org.pk])),
        ("plan page (leader)", "leader", reverse("organizations:plan", args=[plan.pk])),
        ("grants portfolio", "staff", reverse("grants:portfolio")),
        ("grant page", "staff", reverse("grants:grant", args=[grant.pk])),
        ("legal case list", "legal", reverse("legal_assistance:case_list")),
        ("legal case page", "legal", reverse("legal_assistance:case", args=[case.pk])),
        ("community list", "staff", reverse("learning_communities:list")),
        ("community detail", "staff", reverse("learning_communities:detail", args=[community.pk])),
        ("community event", "staff", reverse("learning_communities:event", args=[event.pk])),
        (
            "community reports",
            "staff",
            reverse("learning_communities:reports", args=[community.pk]),
        ),
        ("program reports", "staff", reverse("learning_communities:program_reports")),
    ]
    assessment = org.assessments.order_by("-assessed_on", "-id").first()
    pages += [
        # Every other list and detail page a person of each role opens often.
        ("assessment page", "staff", reverse("organizations:assessment", args=[assessment.pk])),
        ("CBLD-9", "staff", reverse("organizations:cbld9")),
        ("grants queue", "staff", reverse("grants:queue")),
        ("application page", "staff", reverse("grants:application", args=[grant.application_id])),
        ("legal desk", "legal", reverse("legal_assistance:desk")),
        ("access log", "legal", reverse("legal_assistance:access_log")),
        ("law firms", "legal", reverse("legal_assistance:firms")),
        ("legal reports", "legal", reverse("legal_assistance:reports")),
        ("compliance overview", "legal", reverse("legal_assistance:compliance_overview")),
        ("checklist (leader)", "leader", reverse("legal_assistance:checklist", args=[org.pk])),
        (
            "community members",
            "staff",
            reverse("learning_communities:members", args=[community.pk]),
        ),
        (
            "community network",
            "staff",
            reverse("learning_communities:network", args=[community.pk]),
        ),
        ("program view", "staff", reverse("learning_communities:program")),
    ]
    for kind, label in [("community", "community report"), ("program", "program report")]:
        built = Report.objects.filter(kind=kind).order_by("-pk").first()
        if built:
            pages.append((label, "staff", reverse("learning_communities:report", args=[built.pk])))
    return {
        "cookies": {
            "staff": _session_cookie(staff),
            "legal": _session_cookie(legal),
            "leader": _session_cookie(leader),
        },
        "pages": pages,
        "community": community.pk,
        "community_members": community.memberships.count(),
    }


def _run_job(kind: str, params: dict) -> dict:
    staff = User.objects.get(email=STAFF_EMAIL)
    job = Job.objects.create(kind=kind, params=params, created_by=staff)
    before_mb = _peak_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    run_job(str(job.pk))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    job.refresh_from_db()
    return {
        "status": job.status,
        "error": job.error,
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "peak_mb": round(_peak_mb(), 1),
        "startup_mb": round(before_mb, 1),
        "tasks": Job.objects.filter(pk=job.pk).count(),
        "result": job.result,
    }


def recompute() -> dict:
    from organizations import scoring
    from organizations.models import Assessment, Organization

    out = _run_job("organizations.recompute_scores", {})
    out["chunks"] = len(scoring.assessment_id_chunks(settings.SCORES_RECOMPUTE_BATCH))
    out["organizations"] = Organization.objects.count()
    out["assessments"] = Assessment.objects.validated().count()
    return out


def sqlfloor() -> dict:
    """The recompute's aggregate alone: INSERT ... SELECT ... GROUP BY into a bare temp table.

    A strict floor: the job does more than this for the same aggregate (an upsert into the
    real, indexed and WAL-logged score table, stale rows removed, the overall score of every
    assessment written, a commit per batch); none of that is in the floor.
    """
    from organizations.scoring import _tables

    t = _tables()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_floor_scores (assessment_id bigint, area_id bigint,"
            " score numeric(6, 2)) ON COMMIT DROP"
        )
        started = time.perf_counter()
        cursor.execute(
            f"""
            INSERT INTO bench_floor_scores
            SELECT r.assessment_id, i.area_id,
                   ROUND(SUM(i.weight * (r.level - f.scale_min) * 100.0
                             / (f.scale_max - f.scale_min)) / SUM(i.weight), 2)
            FROM {t["rating"]} r
            JOIN {t["indicator"]} i ON i.id = r.indicator_id
            JOIN {t["assessment"]} a ON a.id = r.assessment_id
            JOIN {t["framework"]} f ON f.id = a.framework_id
            WHERE a.status = 'validated' AND r.level IS NOT NULL AND NOT r.not_applicable
            GROUP BY r.assessment_id, i.area_id
            """  # noqa: S608 - table names come from our models
        )
        rows = cursor.rowcount
        elapsed = time.perf_counter() - started
        cursor.execute(f"SELECT COUNT(*) FROM {t['rating']}")  # noqa: S608
        ratings = cursor.fetchone()[0]
    return {"wall_s": round(elapsed, 3), "rows": rows, "ratings": ratings}


def _warm_weasyprint() -> float:
    """A worker loads WeasyPrint (pango), openpyxl and the URL configuration once, on its first
    report: not each report's cost. (The report jobs no longer draw the PDF, see
    learning_communities.jobs.build_report; `pdf_s` below is its first download's cost.)"""
    started = time.perf_counter()
    import openpyxl  # noqa: F401
    import weasyprint  # noqa: F401

    reverse("home")
    return round(time.perf_counter() - started, 3)


def _report_phases(community_pk: int | None, start: date, end: date) -> dict:
    """The job's three parts timed apart: the data (queries), the PDF and the workbook."""
    from django.utils import timezone

    from learning_communities import reports
    from learning_communities.models import LearningCommunity
    from learning_communities.report_files import render_pdf, render_xlsx

    phases = {}
    started, cpu = time.perf_counter(), time.process_time()

    def lap(name: str) -> None:
        nonlocal started, cpu
        phases[f"{name}_s"] = round(time.perf_counter() - started, 3)
        phases[f"{name}_cpu_s"] = round(time.process_time() - cpu, 3)
        started, cpu = time.perf_counter(), time.process_time()

    if community_pk:
        data = reports.community_report(LearningCommunity.objects.get(pk=community_pk), start, end)
    else:
        data = reports.program_report(start, end)
    lap("data")
    render_pdf(data, title="Benchmark", built_at=timezone.now())
    lap("pdf")
    render_xlsx(data)
    lap("xlsx")
    return phases


def community_report(community: int) -> dict:
    from learning_communities.services.reports import COMMUNITY_REPORT_JOB

    start, end = date(2022, 1, 1), date(2025, 12, 31)
    loaded = _warm_weasyprint()
    params = {"community": community, "start": start.isoformat(), "end": end.isoformat()}
    out = _run_job(COMMUNITY_REPORT_JOB, params)
    return {**out, "weasyprint_import_s": loaded, **_report_phases(community, start, end)}


def program_report() -> dict:
    from learning_communities.services.reports import PROGRAM_REPORT_JOB

    start, end = date(2021, 10, 1), date(2025, 9, 30)
    loaded = _warm_weasyprint()
    out = _run_job(PROGRAM_REPORT_JOB, {"start": start.isoformat(), "end": end.isoformat()})
    return {**out, "weasyprint_import_s": loaded, **_report_phases(None, start, end)}


def import_file(rows: int) -> dict:
    """A valid file of new organizations: the upload's preview, then the import job."""
    from organizations.columns import COLUMNS
    from organizations.imports import validate_file
    from organizations.models import Organization, Population, ThematicArea
    from organizations.uploads import imports_dir

    themes = list(ThematicArea.objects.order_by("pk").values_list("code", flat=True)[:2])
    populations = list(Population.objects.order_by("pk").values_list("code", flat=True)[:1])
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    token = f"{uuid.uuid4().hex}.csv"
    path = imports_dir() / token
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        for n in range(rows):
            rfc = letters[n // 676 % 26] + letters[n // 26 % 26] + letters[n % 26] + "010203XY1"
            writer.writerow(
                {
                    "name": f"{IMPORT_PREFIX} {n + 1:06d}",
                    "acronym": f"BI{n + 1}",
                    "sector": "cso",
                    "tier": "1",
                    "status": "active",
                    "participation_start": date(2024, 1, 1).isoformat(),
                    "legal_form": "ac",
                    "rfc": rfc,
                    "authorized_donee": "no",
                    "founded": "2001",
                    "state": "SON",
                    "municipality": "Hermosillo",
                    "themes": ";".join(themes),
                    "populations": ";".join(populations),
                    "staff_range": "6-20",
                    "budget_range": "1-5m",
                    "mission": "Imported for the benchmark.",
                    "email": f"import{n + 1}@bench.csa.mx",
                    "phone": "+52 662 000 0000",
                    "website": "https://example.org",
                }
            )
    started = time.perf_counter()
    preview = validate_file(path)
    preview_s = time.perf_counter() - started
    errors = [f"row {e.row} {e.column}: {e.message}" for e in preview.errors[:3]]
    out = _run_job("organizations.import", {"token": token})
    out.update(
        preview_s=round(preview_s, 3),
        preview_errors=errors,
        total_s=round(preview_s + out["wall_s"], 3),
        rows=rows,
    )
    # Leave the benchmark database as it was.
    Organization.objects.filter(name__startswith=IMPORT_PREFIX).delete()
    return out


def machine() -> dict:
    from organizations.models import Organization, Rating

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return {
        "postgresql": version,
        "organizations": Organization.objects.count(),
        "ratings": Rating.objects.count(),
    }


def _post_data(form) -> dict:
    """What a browser would post back for an unchanged form: every field's current value."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            value = ""
        elif isinstance(value, list | tuple):
            value = [str(v) for v in value]
        elif isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, bool):
            value = "on" if value else ""
        data[name] = value if isinstance(value, list) else str(value)
    return {k: v for k, v in data.items() if v != ""}


def load_setup() -> dict:
    """The mixed journeys of bench/load.py: staff browsing and exporting, a leader editing the
    profile and a self-assessment, community reports built."""
    from learning_communities.models import LearningCommunity
    from organizations.forms import OrganizationLeaderForm
    from organizations.models import Assessment, Framework, Organization
    from organizations.services.assessments import start_assessment

    base = setup()
    leader = User.objects.get(email=LEADER_EMAIL)
    org = leader.memberships.get().organization
    draft = Assessment.objects.filter(
        organization=org, status=Assessment.Status.DRAFT, mode=Assessment.Mode.SELF
    ).first()
    if draft is None:
        draft = start_assessment(
            organization=org,
            framework=Framework.objects.get(code="csa-institutional"),
            kind=Assessment.Kind.FOLLOW_UP,
            mode=Assessment.Mode.SELF,
            assessed_on=date(2026, 11, 1),
            created_by=leader,
        )
    area = draft.framework.areas.order_by("position").first()
    some_orgs = list(Organization.objects.order_by("?").values_list("pk", flat=True)[:50])
    community = LearningCommunity.objects.get(pk=base["community"])
    return {
        "cookies": base["cookies"],
        "browse": [path for _name, persona, path in base["pages"] if persona == "staff"]
        + [reverse("organizations:detail", args=[pk]) for pk in some_orgs]
        + [reverse("organizations:directory") + "?q=centro&sort=-tier"],
        "leader_pages": [path for _name, persona, path in base["pages"] if persona == "leader"],
        "profile": {
            "path": reverse("organizations:edit", args=[org.pk]),
            "data": _post_data(OrganizationLeaderForm(instance=org)),
        },
        "assessment": {
            "path": reverse("organizations:assessment_area", args=[draft.pk, area.pk]),
            "indicators": list(area.indicators.values_list("pk", flat=True)),
        },
        "export": {"path": reverse("organizations:export"), "data": {"format": "csv"}},
        "report": {
            "path": reverse("learning_communities:reports", args=[community.pk]),
            "data": {
                "period_start": community.start.isoformat(),
                "period_end": date(2025, 12, 31).isoformat(),
            },
        },
    }


def jobs_since(iso: str) -> dict:
    from django.db.models import Count
    from django.utils.dateparse import parse_datetime

    rows = (
        Job.objects.filter(created_at__gte=parse_datetime(iso))
        .values("kind", "status")
        .annotate(n=Count("pk"))
        .order_by("kind", "status")
    )
    errors = list(
        Job.objects.filter(
            created_at__gte=parse_datetime(iso), status=Job.Status.FAILED
        ).values_list("error", flat=True)[:5]
    )
    return {"jobs": [dict(row) for row in rows], "errors": errors}


def main(argv: list[str]) -> None:
    command = argv[0]
    if command == "setup":
        out = setup()
    elif command == "recompute":
        out = recompute()
    elif command == "sqlfloor":
        out = sqlfloor()
    elif command == "community_report":
        out = community_report(int(argv[1]))
    elif command == "program_report":
        out = program_report()
    elif command == "import":
        out = import_file(int(argv[1]))
    elif command == "machine":
        out = machine()
    elif command == "load_setup":
        out = load_setup()
    elif command == "jobs_since":
        out = jobs_since(argv[1])
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(out, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
