"""Rows written by data migrations, put back for transactional tests (browser, integration).

Transactional tests flush the database after each test, and a flush also removes what data
migrations wrote (tiers, themes, shipped instruments, ...). The conftests of tests/e2e and
tests/integration import the fixture below: the rows are written again before each such test.
The hook below, imported by tests/conftest.py, writes them again after the flush of any
transactional test (those of the other folders too), for the tests that run later.

Every data migration of the project's apps defines an idempotent `seed(apps, schema_editor)`;
they are found here by themselves, so a new one needs no change in the tests.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from pytest_django.plugin import blocking_manager_key

PROJECT_APPS = ("csa_portal", "organizations", "learning_communities", "grants", "legal_assistance")
TEST_DATABASE = pytest.StashKey[str]()


def data_migrations() -> list:
    modules = []
    for app in PROJECT_APPS:
        folder = Path(settings.BASE_DIR) / app / "migrations"
        for path in sorted(folder.glob("[0-9]*.py")):
            module = importlib.import_module(f"{app}.migrations.{path.stem}")
            if callable(getattr(module, "seed", None)):
                modules.append(module)
    return modules


def seed_migrated_data() -> None:
    for module in data_migrations():
        module.seed(django_apps, None)


@pytest.fixture(autouse=True)
def _migrated_data(request, transactional_db) -> None:
    request.node.stash[TEST_DATABASE] = _database_name()
    seed_migrated_data()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        # Only after a transactional test (whose teardown flushed the database), and only while
        # the test database still exists (after the last test the session teardown has dropped
        # it and NAME is the real one again).
        test_database = item.stash.get(TEST_DATABASE, None)
        if nextitem is not None and _flushed(item) and test_database in (None, _database_name()):
            with item.config.stash[blocking_manager_key].unblock():
                seed_migrated_data()


def _database_name() -> str:
    return str(settings.DATABASES["default"]["NAME"])


def _flushed(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return "transactional_db" in getattr(item, "fixturenames", ()) or bool(
        marker is not None and marker.kwargs.get("transaction")
    )
