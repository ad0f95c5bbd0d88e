import pytest

from .personas import build_cast


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    # Uploads and job files go to a per-test folder, never the developer's var/.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


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
