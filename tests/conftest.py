from pathlib import Path

import pytest

from csa_portal.celery import app as celery_app

from .migrated_data import pytest_runtest_teardown  # noqa: F401 - reseeds after flushes
from .personas import build_cast


@pytest.fixture(autouse=True)
def _tasks_run_in_process(request):
    """Outside the integration tests, tasks run eagerly in this process, broker or not.

    CI sets CELERY_BROKER_URL for the integration tests' real worker; without this, every
    other test's tasks would go to Redis where no worker of that test listens.
    """
    if request.node.get_closest_marker("integration"):
        yield
        return
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture(autouse=True, scope="session")
def _static_root_exists():
    """WhiteNoise warns on every request when STATIC_ROOT is missing, as it is before the first
    collectstatic (tests serve static files through the finders instead)."""
    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    # Uploads and job files go to a per-test folder, never the developer's var/.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def page_cache_off(settings):
    """Query-count locks measure what rendering a page costs: a second view of the same page
    would come from the page cache (tests/csa_portal/test_page_cache.py locks that cost)."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def fast_password_hashing(settings):
    """Argon2 costs ~50 ms per password; tests that build many users can opt into MD5."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cast(db):
    return build_cast()


@pytest.fixture
def client_for(client):
    """client_for(user) -> a test client logged in as that user (None: anonymous)."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login
