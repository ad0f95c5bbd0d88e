"""Who may call which URL, for every URL of the project, in one table.

Each row is a URL name (plus a variant when the same URL behaves differently with other
arguments) and an HTTP method; each column a persona. A cell is the status code that persona
must get, or LOGIN for "redirected to the login page". The meta-test at the bottom walks the
project's URL resolver and fails when a URL is added without a row here, so a new view cannot
ship without deciding who may use it.

For every denied POST the database must be exactly as before; for POSTs marked `writes`, the
allowed personas must change it (so the payloads are real writes and the denials mean
something). No GET may write.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models import Model
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from csa_portal.jobs import job_files_dir
from csa_portal.models import Job, User
from organizations.models import (
    Action,
    Assessment,
    Framework,
    Goal,
    ImprovementPlan,
    Person,
    Rating,
)
from organizations.services.assessments import RatingInput, save_ratings, start_assessment
from organizations.services.plans import create_plan, save_action, save_goal
from organizations.uploads import save_evidence
from tests.capacity_helpers import make_framework, validated_assessment
from tests.matrix_support import DENIED, LOGIN, PERSONAS, Row
from tests.personas import PASSWORD, Cast, build_cast, make_invitation, make_person

# Each app's own rows: tests/<app>/matrix_rows.py, and more modules of one app as
# tests/<app>/matrix_rows_<part>.py (see tests/matrix_support.py).
CONTRIBUTIONS = [
    importlib.import_module(f"tests.{path.parent.name}.{path.stem}")
    for path in sorted(Path(__file__).resolve().parents[1].glob("*/matrix_rows*.py"))
]


def contribution_key(module) -> str:
    """world.extra's key: the app's name, or "<app>_<part>" for a matrix_rows_<part> module."""
    app, stem = module.__name__.split(".")[1:3]
    return app if stem == "matrix_rows" else f"{app}_{stem.removeprefix('matrix_rows_')}"


@dataclass
class World:
    cast: Cast
    person: Person
    job: Job  # a failed job of staff's, with a result file
    token: str  # a usable invitation token
    assessment: Assessment  # a draft self-assessment of cast.org, one rating with a file
    rating: Rating
    plan: ImprovementPlan  # proposed by staff on a validated assessment, one goal, one action
    goal: Goal
    action: Action
    extra: dict[str, Any] = field(default_factory=dict)  # each contribution's objects

    @property
    def first_area(self):
        return self.assessment.framework.areas.order_by("position").first()

    def user(self, persona: str) -> User | None:
        return None if persona == "anonymous" else getattr(self.cast, persona)


def build_world() -> World:
    """Every app's objects, built once per test module (see `world` below)."""
    cast = build_cast()
    person = make_person(cast.org, "Persona Uno", level=Person.Level.STAFF)
    job = Job.objects.create(
        kind="organizations.export",
        created_by=cast.staff,
        status=Job.Status.FAILED,
        error="Something went wrong.",
        result_file="organizations.csv",
    )
    (job_files_dir(job) / "organizations.csv").write_text("name\r\nRed\r\n", encoding="utf-8")
    _invitation, token = make_invitation(cast.org, "invitee@test.mx")
    assessment = start_assessment(
        organization=cast.org,
        framework=Framework.objects.get(code="csa-institutional"),
        kind=Assessment.Kind.BASELINE,
        mode=Assessment.Mode.SELF,
        assessed_on=date(2026, 3, 1),
        created_by=cast.leader,
    )
    indicator = assessment.framework.areas.order_by("position")[0].indicators.first()
    evidence = save_evidence(SimpleUploadedFile("acta.pdf", b"%PDF-1.4 acta", "application/pdf"))
    entry = RatingInput(
        indicator_id=indicator.pk, level=2, evidence_file=evidence, evidence_file_name="acta.pdf"
    )
    save_ratings(assessment=assessment, entries=[entry], saved_by=cast.leader)
    validated = validated_assessment(
        cast.org, make_framework(), leader=cast.leader, staff=cast.staff
    )
    plan = create_plan(assessment=validated, title="Plan", created_by=cast.staff)
    goal = save_goal(
        plan=plan,
        goal=None,
        area=plan.assessment.framework.areas.first(),
        target_score=Decimal(60),
        due_date=date(2027, 6, 30),
        by=cast.staff,
    )
    action = save_action(
        plan=plan,
        action=None,
        fields={"description": "Manual", "goal": goal, "due_date": date(2027, 1, 31)},
        by=cast.staff,
    )
    world = World(
        cast=cast,
        person=person,
        job=job,
        token=token,
        assessment=assessment,
        rating=assessment.ratings.get(),
        plan=plan,
        goal=goal,
        action=action,
    )
    for contribution in CONTRIBUTIONS:
        world.extra[contribution_key(contribution)] = contribution.build(world)
    return world


MD5_HASHING = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once per module inside a transaction that is rolled back at the end.

    Each test runs in a savepoint inside it (pytest-django's `db` nests there) and is rolled
    back to exactly this state, so every case still starts from the same database: the same
    guarantee as building the world per test, without rebuilding ~3,000 times.
    """
    media = tmp_path_factory.mktemp("world-media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=MD5_HASHING),
        transaction.atomic(),
    ):
        yield build_world(), media
        transaction.set_rollback(True)


@pytest.fixture
def world(db, settings, _module_world) -> World:
    built, media = _module_world
    settings.MEDIA_ROOT = media  # the world's files (evidence, job results, documents)
    return built


# --- URLs ----------------------------------------------------------------------------------

UrlBuilder = Callable[[World], str]


def _org(name: str) -> UrlBuilder:
    return lambda w: reverse(name, args=[w.cast.org.pk])


def _person(name: str) -> UrlBuilder:
    return lambda w: reverse(name, args=[w.cast.org.pk, w.person.pk])


def _job(name: str) -> UrlBuilder:
    return lambda w: reverse(name, args=[w.job.pk])


def _assessment(name: str) -> UrlBuilder:
    return lambda w: reverse(name, args=[w.assessment.pk])


def _plan(name: str) -> UrlBuilder:
    return lambda w: reverse(name, args=[w.plan.pk])


def _goal(name: str) -> UrlBuilder:
    return lambda w: reverse(name, args=[w.plan.pk, w.goal.pk])


def _action(name: str) -> UrlBuilder:
    return lambda w: reverse(name, args=[w.plan.pk, w.action.pk])


def _goal_fields(w: World) -> dict[str, Any]:
    area = w.plan.assessment.framework.areas.last()
    return {"area": area.pk, "target_score": "70", "due_date": "2027-09-30"}


def _action_fields(w: World) -> dict[str, Any]:
    return {
        "description": "Capacitar al equipo",
        "due_date": "2027-03-31",
        "status": "planned",
        "support": "coaching",
    }


def _area_ratings(w: World) -> dict[str, Any]:
    return {f"level_{i.pk}": "3" for i in w.first_area.indicators.all()}


URLS: dict[tuple[str, str], UrlBuilder] = {
    ("home", ""): lambda w: reverse("home"),
    ("login", ""): lambda w: reverse("login"),
    ("logout", ""): lambda w: reverse("logout"),
    ("password_change", ""): lambda w: reverse("password_change"),
    ("password_change_done", ""): lambda w: reverse("password_change_done"),
    ("password_reset", ""): lambda w: reverse("password_reset"),
    ("password_reset_done", ""): lambda w: reverse("password_reset_done"),
    ("password_reset_confirm", "bad link"): lambda w: reverse(
        "password_reset_confirm", args=["MQ", "bad-token"]
    ),
    ("password_reset_complete", ""): lambda w: reverse("password_reset_complete"),
    ("account", ""): lambda w: reverse("account"),
    ("set_language", ""): lambda w: reverse("set_language"),
    ("job_detail", ""): _job("job_detail"),
    ("job_progress", ""): _job("job_progress"),
    ("job_retry", ""): _job("job_retry"),
    ("job_download", ""): _job("job_download"),
    ("organizations:directory", ""): lambda w: reverse("organizations:directory"),
    ("organizations:export", ""): lambda w: reverse("organizations:export"),
    ("organizations:options", ""): lambda w: reverse("organizations:options"),
    ("organizations:create", ""): lambda w: reverse("organizations:create"),
    ("organizations:import", ""): lambda w: reverse("organizations:import"),
    ("organizations:import_confirm", "token not in session"): lambda w: reverse(
        "organizations:import_confirm"
    ),
    ("organizations:import_template", ""): lambda w: reverse("organizations:import_template"),
    ("organizations:accept_invitation", "valid token"): lambda w: reverse(
        "organizations:accept_invitation", args=[w.token]
    ),
    ("organizations:accept_invitation", "invalid token"): lambda w: reverse(
        "organizations:accept_invitation", args=["not-a-real-token"]
    ),
    ("organizations:detail", ""): _org("organizations:detail"),
    ("organizations:edit", ""): _org("organizations:edit"),
    ("organizations:history", ""): _org("organizations:history"),
    ("organizations:invite", ""): _org("organizations:invite"),
    ("organizations:person_add", ""): _org("organizations:person_add"),
    ("organizations:person_edit", ""): _person("organizations:person_edit"),
    ("organizations:person_delete", ""): _person("organizations:person_delete"),
    ("organizations:capacity_list", ""): lambda w: reverse("organizations:capacity_list"),
    ("organizations:capacity_export", ""): lambda w: reverse("organizations:capacity_export"),
    ("organizations:recompute_scores", ""): lambda w: reverse("organizations:recompute_scores"),
    ("organizations:scores", ""): _org("organizations:scores"),
    ("organizations:assessments", ""): _org("organizations:assessments"),
    ("organizations:assessment_start", ""): _org("organizations:assessment_start"),
    ("organizations:assessment", ""): _assessment("organizations:assessment"),
    ("organizations:assessment_history", ""): _assessment("organizations:assessment_history"),
    ("organizations:assessment_area", ""): lambda w: reverse(
        "organizations:assessment_area", args=[w.assessment.pk, w.first_area.pk]
    ),
    ("organizations:assessment_submit", "unrated indicators"): _assessment(
        "organizations:assessment_submit"
    ),
    ("organizations:assessment_validate", "still a draft"): _assessment(
        "organizations:assessment_validate"
    ),
    ("organizations:assessment_reopen", "still a draft"): _assessment(
        "organizations:assessment_reopen"
    ),
    ("organizations:cbld9", ""): lambda w: reverse("organizations:cbld9"),
    ("organizations:cbld9_export", ""): lambda w: reverse("organizations:cbld9_export"),
    ("organizations:plans", ""): _org("organizations:plans"),
    ("organizations:plan_create", ""): _org("organizations:plan_create"),
    ("organizations:plan", ""): _plan("organizations:plan"),
    ("organizations:plan_history", ""): _plan("organizations:plan_history"),
    ("organizations:plan_accept", ""): _plan("organizations:plan_accept"),
    ("organizations:goal_add", ""): _plan("organizations:goal_add"),
    ("organizations:goal_edit", ""): _goal("organizations:goal_edit"),
    ("organizations:goal_delete", ""): _goal("organizations:goal_delete"),
    ("organizations:action_add", ""): _plan("organizations:action_add"),
    ("organizations:action_edit", ""): _action("organizations:action_edit"),
    ("organizations:action_delete", ""): _action("organizations:action_delete"),
    ("organizations:action_status", ""): _action("organizations:action_status"),
    ("organizations:evidence", ""): lambda w: reverse(
        "organizations:evidence", args=[w.assessment.pk, w.rating.pk]
    ),
}

# Valid data: an allowed POST really writes, so "the database did not change" proves a denial.
PAYLOADS: dict[str, Callable[[World], dict[str, Any]]] = {
    # Wrong credentials: the form comes back (200) for anyone not yet logged in.
    "login": lambda w: {"username": "leader@test.mx", "password": "not-the-password"},
    "password_change": lambda w: {
        "old_password": PASSWORD,
        "new_password1": "otra-Clave-muy-segura-42",
        "new_password2": "otra-Clave-muy-segura-42",
    },
    "password_reset": lambda w: {"email": "member@test.mx"},
    "password_reset_confirm": lambda w: {
        "new_password1": "otra-Clave-muy-segura-42",
        "new_password2": "otra-Clave-muy-segura-42",
    },
    "account": lambda w: {"display_name": "Nombre Nuevo", "preferred_language": "en"},
    "set_language": lambda w: {"language": "en", "next": "/"},
    "organizations:export": lambda w: {"query": "", "format": "csv"},
    "organizations:create": lambda w: {
        "name": "Nueva OSC",
        "sector": "cso",
        "status": "none",
        "legal_form": "ac",
        "state": "SON",
    },
    "organizations:import_confirm": lambda w: {"token": "0" * 32 + ".csv"},
    "organizations:accept_invitation": lambda w: {
        "display_name": "Persona Invitada",
        "password1": PASSWORD,
        "password2": PASSWORD,
    },
    "organizations:edit": lambda w: {
        "name": "Red Renombrada",
        "sector": "cso",
        "status": "none",
        "legal_form": "ac",
        "state": "SON",
        "municipality": "Hermosillo",
        "rfc": "RPP100101AB1",
    },
    "organizations:invite": lambda w: {"email": "new-person@test.mx", "role": "member"},
    "organizations:person_add": lambda w: {"name": "Persona Nueva", "level": "staff"},
    "organizations:person_edit": lambda w: {"name": "Persona Renombrada", "level": "staff"},
    "organizations:assessment_start": lambda w: {
        "framework": Framework.objects.get(code="opi").pk,
        "kind": "follow_up",
        "mode": "self",
        "assessed_on": "2026-06-01",
    },
    "organizations:assessment_area": _area_ratings,
    "organizations:assessment_validate": lambda w: {},
    "organizations:assessment_reopen": lambda w: {"reason": "Faltan evidencias."},
    "organizations:plan_create": lambda w: {"assessment": w.plan.assessment_id, "title": "Otro"},
    "organizations:goal_add": _goal_fields,
    "organizations:goal_edit": _goal_fields,
    "organizations:action_add": _action_fields,
    "organizations:action_edit": _action_fields,
    "organizations:action_status": lambda w: {"status": "started"},
}


# --- The matrix ----------------------------------------------------------------------------


# fmt: off
MATRIX = [
    #                                                       anon   staff legal admin leader member other lawyer lawyer2 deact
    Row("home", "GET",                                     (LOGIN, 200,  200,  200,  200,   200,   200,  200,   200,   LOGIN)),
    Row("home", "POST",                                    (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    Row("login", "GET",                                    (200,   302,  302,  302,  302,   302,   302,  302,   302,   200)),
    Row("login", "POST",                                   (200,   302,  302,  302,  302,   302,   302,  302,   302,   200)),
    Row("logout", "GET",                                   (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    Row("logout", "POST",                                  (302,   302,  302,  302,  302,   302,   302,  302,   302,   302)),
    Row("password_change", "GET",                          (LOGIN, 200,  200,  200,  200,   200,   200,  200,   200,   LOGIN)),
    Row("password_change", "POST",                         (LOGIN, 302,  302,  302,  302,   302,   302,  302,   302,   LOGIN), writes=True),
    Row("password_change_done", "GET",                     (LOGIN, 200,  200,  200,  200,   200,   200,  200,   200,   LOGIN)),
    Row("password_change_done", "POST",                    (LOGIN, 405,  405,  405,  405,   405,   405,  405,   405,   LOGIN)),
    Row("password_reset", "GET",                           (200,   200,  200,  200,  200,   200,   200,  200,   200,   200)),
    Row("password_reset", "POST",                          (302,   302,  302,  302,  302,   302,   302,  302,   302,   302)),
    Row("password_reset_done", "GET",                      (200,   200,  200,  200,  200,   200,   200,  200,   200,   200)),
    Row("password_reset_done", "POST",                     (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    Row("password_reset_confirm", "GET",                   (200,   200,  200,  200,  200,   200,   200,  200,   200,   200), "bad link"),
    Row("password_reset_confirm", "POST",                  (200,   200,  200,  200,  200,   200,   200,  200,   200,   200), "bad link"),
    Row("password_reset_complete", "GET",                  (200,   200,  200,  200,  200,   200,   200,  200,   200,   200)),
    Row("password_reset_complete", "POST",                 (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    Row("account", "GET",                                  (LOGIN, 200,  200,  200,  200,   200,   200,  200,   200,   LOGIN)),
    Row("account", "POST",                                 (LOGIN, 302,  302,  302,  302,   302,   302,  302,   302,   LOGIN), writes=True),
    Row("set_language", "GET",                             (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    Row("set_language", "POST",                            (302,   302,  302,  302,  302,   302,   302,  302,   302,   302)),
    # Jobs are seen by the person who asked for them and by superusers only.
    Row("job_detail", "GET",                               (LOGIN, 200,  404,  200,  404,   404,   404,  404,   404,   LOGIN)),
    Row("job_detail", "POST",                              (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    Row("job_progress", "GET",                             (LOGIN, 200,  404,  200,  404,   404,   404,  404,   404,   LOGIN)),
    Row("job_progress", "POST",                            (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    Row("job_download", "GET",                             (LOGIN, 200,  404,  200,  404,   404,   404,  404,   404,   LOGIN)),
    Row("job_download", "POST",                            (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    Row("job_retry", "GET",                                (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    Row("job_retry", "POST",                               (LOGIN, 302,  404,  302,  404,   404,   404,  404,   404,   LOGIN), writes=True),
    # Program-wide pages: staff only; CSO people and lawyers are logged in but get 403.
    Row("organizations:directory", "GET",                  (LOGIN, 200,  200,  200,  403,   403,   403,  403,   403,   LOGIN)),
    Row("organizations:directory", "POST",                 (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    Row("organizations:export", "GET",                     (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    Row("organizations:export", "POST",                    (LOGIN, 200,  200,  200,  403,   403,   403,  403,   403,   LOGIN)),
    # The organization pickers' search (organizations.widgets): staff forms only.
    Row("organizations:options", "GET",                    (LOGIN, 200,  200,  200,  403,   403,   403,  403,   403,   LOGIN)),
    Row("organizations:options", "POST",                   (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    Row("organizations:create", "GET",                     (LOGIN, 200,  200,  200,  403,   403,   403,  403,   403,   LOGIN)),
    Row("organizations:create", "POST",                    (LOGIN, 302,  302,  302,  403,   403,   403,  403,   403,   LOGIN), writes=True),
    Row("organizations:import", "GET",                     (LOGIN, 200,  200,  200,  403,   403,   403,  403,   403,   LOGIN)),
    Row("organizations:import", "POST",                    (LOGIN, 200,  200,  200,  403,   403,   403,  403,   403,   LOGIN)),
    Row("organizations:import_confirm", "GET",             (405,   405,  405,  405,  405,   405,   405,  405,   405,   405), "token not in session"),
    Row("organizations:import_confirm", "POST",            (LOGIN, 400,  400,  400,  403,   403,   403,  403,   403,   LOGIN), "token not in session"),
    Row("organizations:import_template", "GET",            (LOGIN, 200,  200,  200,  403,   403,   403,  403,   403,   LOGIN)),
    Row("organizations:import_template", "POST",           (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    # The token is the credential: anyone holding a valid one may accept; others get 404.
    Row("organizations:accept_invitation", "GET",          (200,   200,  200,  200,  200,   200,   200,  200,   200,   200), "valid token"),
    Row("organizations:accept_invitation", "POST",         (302,   302,  302,  302,  302,   302,   302,  302,   302,   302), "valid token", writes=True),
    Row("organizations:accept_invitation", "GET",          (404,   404,  404,  404,  404,   404,   404,  404,   404,   404), "invalid token"),
    Row("organizations:accept_invitation", "POST",         (404,   404,  404,  404,  404,   404,   404,  404,   404,   404), "invalid token"),
    # One organization's pages: outsiders get 404 (existence is not leaked), members 403 on writes.
    Row("organizations:detail", "GET",                     (LOGIN, 200,  200,  200,  200,   200,   404,  404,   404,   LOGIN)),
    Row("organizations:detail", "POST",                    (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    Row("organizations:edit", "GET",                       (LOGIN, 200,  200,  200,  200,   403,   404,  404,   404,   LOGIN)),
    Row("organizations:edit", "POST",                      (LOGIN, 302,  302,  302,  302,   403,   404,  404,   404,   LOGIN), writes=True),
    Row("organizations:history", "GET",                    (LOGIN, 200,  200,  200,  200,   403,   404,  404,   404,   LOGIN)),
    Row("organizations:history", "POST",                   (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    Row("organizations:invite", "GET",                     (LOGIN, 200,  200,  200,  403,   403,   404,  404,   404,   LOGIN)),
    Row("organizations:invite", "POST",                    (LOGIN, 302,  302,  302,  403,   403,   404,  404,   404,   LOGIN), writes=True),
    Row("organizations:person_add", "GET",                 (LOGIN, 200,  200,  200,  200,   403,   404,  404,   404,   LOGIN)),
    Row("organizations:person_add", "POST",                (LOGIN, 302,  302,  302,  302,   403,   404,  404,   404,   LOGIN), writes=True),
    Row("organizations:person_edit", "GET",                (LOGIN, 200,  200,  200,  200,   403,   404,  404,   404,   LOGIN)),
    Row("organizations:person_edit", "POST",               (LOGIN, 302,  302,  302,  302,   403,   404,  404,   404,   LOGIN), writes=True),
    Row("organizations:person_delete", "GET",              (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    Row("organizations:person_delete", "POST",             (LOGIN, 302,  302,  302,  302,   403,   404,  404,   404,   LOGIN), writes=True),
    # Capacity: program-wide score list and recompute are staff pages.
    Row("organizations:capacity_list", "GET",              (LOGIN, 200,  200,  200,  403,   403,   403,  403,   403,   LOGIN)),
    Row("organizations:capacity_list", "POST",             (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    Row("organizations:capacity_export", "GET",            (LOGIN, 200,  200,  200,  403,   403,   403,  403,   403,   LOGIN)),
    Row("organizations:capacity_export", "POST",           (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    Row("organizations:recompute_scores", "GET",           (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    Row("organizations:recompute_scores", "POST",          (LOGIN, 302,  302,  302,  403,   403,   403,  403,   403,   LOGIN), writes=True),
    # One organization's capacity: its people see it; members fill in, leaders start and submit.
    Row("organizations:scores", "GET",                     (LOGIN, 200,  200,  200,  200,   200,   404,  404,   404,   LOGIN)),
    Row("organizations:scores", "POST",                    (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    Row("organizations:assessments", "GET",                (LOGIN, 200,  200,  200,  200,   200,   404,  404,   404,   LOGIN)),
    Row("organizations:assessments", "POST",               (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    Row("organizations:assessment_start", "GET",           (LOGIN, 200,  200,  200,  200,   403,   404,  404,   404,   LOGIN)),
    Row("organizations:assessment_start", "POST",          (LOGIN, 302,  302,  302,  302,   403,   404,  404,   404,   LOGIN), writes=True),
    Row("organizations:assessment", "GET",                 (LOGIN, 200,  200,  200,  200,   200,   404,  404,   404,   LOGIN)),
    Row("organizations:assessment", "POST",                (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    Row("organizations:assessment_history", "GET",         (LOGIN, 200,  200,  200,  200,   403,   404,  404,   404,   LOGIN)),
    Row("organizations:assessment_history", "POST",        (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    Row("organizations:assessment_area", "GET",            (LOGIN, 200,  200,  200,  200,   200,   404,  404,   404,   LOGIN)),
    Row("organizations:assessment_area", "POST",           (LOGIN, 302,  302,  302,  302,   302,   404,  404,   404,   LOGIN), writes=True),
    # Refused by the workflow (a message, a redirect, nothing written) once the role is right.
    Row("organizations:assessment_submit", "GET",          (405,   405,  405,  405,  405,   405,   405,  405,   405,   405), "unrated indicators"),
    Row("organizations:assessment_submit", "POST",         (LOGIN, 302,  302,  302,  302,   403,   404,  404,   404,   LOGIN), "unrated indicators"),
    Row("organizations:assessment_validate", "GET",        (LOGIN, 302,  302,  302,  403,   403,   404,  404,   404,   LOGIN), "still a draft"),
    Row("organizations:assessment_validate", "POST",       (LOGIN, 302,  302,  302,  403,   403,   404,  404,   404,   LOGIN), "still a draft"),
    Row("organizations:assessment_reopen", "GET",          (405,   405,  405,  405,  405,   405,   405,  405,   405,   405), "still a draft"),
    Row("organizations:assessment_reopen", "POST",         (LOGIN, 302,  302,  302,  403,   403,   404,  404,   404,   LOGIN), "still a draft"),
    Row("organizations:evidence", "GET",                   (LOGIN, 200,  200,  200,  200,   200,   404,  404,   404,   LOGIN)),
    Row("organizations:evidence", "POST",                  (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    Row("organizations:cbld9", "GET",                      (LOGIN, 200,  200,  200,  403,   403,   403,  403,   403,   LOGIN)),
    Row("organizations:cbld9", "POST",                     (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    Row("organizations:cbld9_export", "GET",               (LOGIN, 200,  200,  200,  403,   403,   403,  403,   403,   LOGIN)),
    Row("organizations:cbld9_export", "POST",              (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    # Improvement plans: the organization's people see them; staff and its leaders change them.
    Row("organizations:plans", "GET",                      (LOGIN, 200,  200,  200,  200,   200,   404,  404,   404,   LOGIN)),
    Row("organizations:plans", "POST",                     (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    Row("organizations:plan_create", "GET",                (LOGIN, 200,  200,  200,  200,   403,   404,  404,   404,   LOGIN)),
    Row("organizations:plan_create", "POST",               (LOGIN, 302,  302,  302,  302,   403,   404,  404,   404,   LOGIN), writes=True),
    Row("organizations:plan", "GET",                       (LOGIN, 200,  200,  200,  200,   200,   404,  404,   404,   LOGIN)),
    Row("organizations:plan", "POST",                      (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    Row("organizations:plan_history", "GET",               (LOGIN, 200,  200,  200,  200,   403,   404,  404,   404,   LOGIN)),
    Row("organizations:plan_history", "POST",              (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    Row("organizations:plan_accept", "GET",                (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    Row("organizations:plan_accept", "POST",               (LOGIN, 302,  302,  302,  302,   403,   404,  404,   404,   LOGIN)),
    Row("organizations:goal_add", "GET",                   (LOGIN, 200,  200,  200,  200,   403,   404,  404,   404,   LOGIN)),
    Row("organizations:goal_add", "POST",                  (LOGIN, 302,  302,  302,  302,   403,   404,  404,   404,   LOGIN), writes=True),
    Row("organizations:goal_edit", "GET",                  (LOGIN, 200,  200,  200,  200,   403,   404,  404,   404,   LOGIN)),
    Row("organizations:goal_edit", "POST",                 (LOGIN, 302,  302,  302,  302,   403,   404,  404,   404,   LOGIN), writes=True),
    Row("organizations:goal_delete", "GET",                (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    Row("organizations:goal_delete", "POST",               (LOGIN, 302,  302,  302,  302,   403,   404,  404,   404,   LOGIN), writes=True),
    Row("organizations:action_add", "GET",                 (LOGIN, 200,  200,  200,  200,   403,   404,  404,   404,   LOGIN)),
    Row("organizations:action_add", "POST",                (LOGIN, 302,  302,  302,  302,   403,   404,  404,   404,   LOGIN), writes=True),
    Row("organizations:action_edit", "GET",                (LOGIN, 200,  200,  200,  200,   403,   404,  404,   404,   LOGIN)),
    Row("organizations:action_edit", "POST",               (LOGIN, 302,  302,  302,  302,   403,   404,  404,   404,   LOGIN), writes=True),
    Row("organizations:action_delete", "GET",              (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    Row("organizations:action_delete", "POST",             (LOGIN, 302,  302,  302,  302,   403,   404,  404,   404,   LOGIN), writes=True),
    # Progress on an action is reported by any of the organization's people.
    Row("organizations:action_status", "GET",              (405,   405,  405,  405,  405,   405,   405,  405,   405,   405)),
    Row("organizations:action_status", "POST",             (LOGIN, 302,  302,  302,  302,   302,   404,  404,   404,   LOGIN), writes=True),
]
# fmt: on

for contribution in CONTRIBUTIONS:
    URLS.update(contribution.URLS)
    PAYLOADS.update(contribution.PAYLOADS)
    MATRIX += contribution.MATRIX

CASES = [
    pytest.param(
        row,
        persona,
        id=f"{row.name}{f'[{row.variant}]' if row.variant else ''}-{row.method}-{persona}",
    )
    for row in MATRIX
    for persona in PERSONAS
]


# Tables a request may legitimately write even when it is refused or only reads, each with why.
# Every other table of the database is in the snapshot.
NOT_SNAPSHOTTED = {
    "sessions.session",  # login and logout rotate the session; refused requests may touch it
    "legal_assistance.confidentialaccess",  # the access log: pages with case details write it
    "axes.accessattempt",  # failed logins are counted (the login row posts a wrong password)
    "axes.accessfailurelog",
    "axes.accesslog",
    "axes.accessattemptexpiration",
    "csa_portal.securityevent",  # the security log: every refusal of a logged-in person is written
}


def snapshot_models() -> list[type[Model]]:
    """Every table of the database (with many-to-many tables) except NOT_SNAPSHOTTED."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label_lower not in NOT_SNAPSHOTTED and model._meta.managed
    ]


def snapshot() -> dict[str, str]:
    """A digest of every row of every table (all columns, in primary-key order).

    Comparing digests instead of counts proves a refused POST changed no value anywhere, not
    just that it created or deleted nothing. On PostgreSQL the database digests each table's
    rows as text in one round trip for all tables (the matrix takes two snapshots per case);
    elsewhere one SELECT per table is digested here.
    """
    models = snapshot_models()
    if connection.vendor == "postgresql":
        return _snapshot_in_sql(models)
    digests = {}
    with connection.cursor() as cursor:
        for model in models:
            table = connection.ops.quote_name(model._meta.db_table)
            pk = connection.ops.quote_name(model._meta.pk.column)
            cursor.execute(f"SELECT * FROM {table} ORDER BY {pk}")  # noqa: S608 (our names)
            rows = repr(cursor.fetchall()).encode()
            digests[model._meta.label] = hashlib.blake2b(rows, digest_size=16).hexdigest()
    return digests


def _snapshot_in_sql(models: list[type[Model]]) -> dict[str, str]:
    quote = connection.ops.quote_name
    # t::text is the whole row (every column); the row count guards against an empty table
    # and a table of one empty row digesting alike.
    template = (
        "(SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, '|' ORDER BY t.{pk}), ''))"
        " FROM {table} t)"
    )
    digests = [
        template.format(pk=quote(m._meta.pk.column), table=quote(m._meta.db_table)) for m in models
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(digests)}")  # noqa: S608 (our names)
        values = cursor.fetchone()
    return {m._meta.label: v for m, v in zip(models, values, strict=True)}


def _changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(label for label in before if before[label] != after.get(label))


@pytest.mark.parametrize(("row", "persona"), CASES)
def test_authorization_matrix(row: Row, persona: str, world: World, client_for) -> None:
    client = client_for(world.user(persona))
    url = URLS[(row.name, row.variant)](world)
    before = snapshot()

    if row.method == "GET":
        response = client.get(url)
    else:
        payload = PAYLOADS.get(row.name, lambda w: {})(world)
        response = client.post(url, payload)
    if response.streaming:
        # Reading to the end closes the file the way a server would (the test client's wrapper);
        # calling close() directly would let Django close the test's database connection.
        b"".join(response.streaming_content)

    expected = row.expected[PERSONAS.index(persona)]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected

    after = snapshot()
    if row.method == "GET" or expected in DENIED:
        assert after == before, f"a GET or a denied request changed {_changed(before, after)}"
    elif row.writes:
        assert after != before, "this allowed POST was expected to write"


# --- Meta-tests ----------------------------------------------------------------------------

# Left out on purpose, each with its reason:
EXCLUDED_NAMESPACES = {
    "admin",  # Django admin: its own login and permission checks, covered by Django itself
}
EXCLUDED_VIEWS = {
    "django.views.static.serve",  # static/media serving that DEBUG setups may add
}


def _named_patterns(patterns, prefix: str = "") -> list[tuple[str | None, str]]:
    """(name with namespaces, route) for every pattern below `patterns`, through includes."""
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in EXCLUDED_NAMESPACES:
                continue
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            found += _named_patterns(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern):
            view = pattern.lookup_str
            if view in EXCLUDED_VIEWS:
                continue
            found.append(
                (f"{prefix}{pattern.name}" if pattern.name else None, str(pattern.pattern))
            )
    return found


def test_every_url_of_the_project_is_in_the_matrix() -> None:
    patterns = _named_patterns(get_resolver().url_patterns)
    unnamed = [route for name, route in patterns if name is None]
    assert not unnamed, f"name these URL patterns and add them to MATRIX: {unnamed}"
    # Both methods of every URL: a view that only guards GET would otherwise go unnoticed.
    # A row of any variant counts for its URL name.
    in_matrix = {(row.name, row.method) for row in MATRIX}
    required = {(name, method) for name, _route in patterns for method in ("GET", "POST")}
    missing = sorted(required - in_matrix)
    assert not missing, f"add these (URL, method) rows to MATRIX (who may call them?): {missing}"


def test_the_matrix_names_only_existing_urls_with_one_cell_per_persona() -> None:
    existing = {name for name, _route in _named_patterns(get_resolver().url_patterns)}
    assert {row.name for row in MATRIX} <= existing
    assert all(len(row.expected) == len(PERSONAS) for row in MATRIX)
    assert {(row.name, row.variant) for row in MATRIX} == set(URLS)


def test_every_persona_of_the_cast_is_a_column() -> None:
    # A persona added to the cast (or dropped from PERSONAS) fails here, and a row written for
    # fewer personas fails the one-cell-per-persona test above. The ten personas:
    people = {f.name for f in fields(Cast)} - {"org", "other_org"}
    assert set(PERSONAS) == people | {"anonymous"}
    assert len(PERSONAS) == len(set(PERSONAS)) == 10
    short = [(row.name, row.method, row.variant) for row in MATRIX if len(row.expected) != 10]
    assert not short, (
        f"rows without a cell per persona (tests/tools/add_persona_column.py): {short}"
    )


def test_the_snapshot_covers_every_table_the_views_write(world: World) -> None:
    labels = {model._meta.label for model in snapshot_models()}
    declared = {m._meta.label for contribution in CONTRIBUTIONS for m in contribution.MODELS}
    assert declared <= labels
    assert {"csa_portal.User", "organizations.Organization", "organizations.Rating"} <= labels
    # It sees a changed value, not only added or removed rows.
    before = snapshot()
    Person.objects.filter(pk=world.person.pk).update(position="Otra")
    assert _changed(before, snapshot()) == ["organizations.Person"]


def test_the_url_walk_finds_urls_inside_includes() -> None:
    # Guards the meta-test itself: a walk that stopped at the top level would pass vacuously.
    names = {name for name, _route in _named_patterns(get_resolver().url_patterns)}
    assert {"home", "login", "organizations:person_delete", "job_retry"} <= names
    assert not any(name and name.startswith("admin:") for name in names)


def test_a_head_request_is_answered_like_a_get(world: World, client_for) -> None:
    # Uptime checks and link previews send HEAD; read-only views accept it (require_safe).
    cast = world.cast
    client = client_for(cast.leader)
    assert client.head(reverse("home")).status_code == 200
    assert client.head(reverse("organizations:detail", args=[cast.org.pk])).status_code == 200
