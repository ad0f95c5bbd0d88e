"""Rows written by data migrations, put back for transactional tests (browser, integration).

Transactional tests flush the database after each test, and a flush also removes what data
migrations wrote (tiers, themes, shipped instruments, ...). The conftests of tests/e2e and
tests/integration import the fixture and hook below: the rows are written again before each such
test and, after the flush, for the tests that run later.

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
    request.node.stash[TEST_DATABASE] = str(settings.DATABASES["default"]["NAME"])
    seed_migrated_data()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        # Only for a test that set up the test database, and only while it still exists (after
        # the last test the session teardown has dropped it and NAME is the real one again).
        test_database = item.stash.get(TEST_DATABASE, None)
        if nextitem is not None and test_database == str(settings.DATABASES["default"]["NAME"]):
            with item.config.stash[blocking_manager_key].unblock():
                seed_migrated_data()
