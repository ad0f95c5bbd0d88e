import pytest
from django.urls import reverse

from tests.personas import speak_english

from .page_cache_helpers import browser


@pytest.fixture(autouse=True)
def _fast_passwords(fast_password_hashing):
    """Every test here builds several logins; hashing them with Argon2 would dominate the run."""


@pytest.fixture
def staff_client(cast, client_for):
    """Staff reading English, with the CSRF cookie a browser would keep (page cache tests)."""
    speak_english(cast.staff)
    return browser(client_for(cast.staff))


@pytest.fixture
def detail_url(cast):
    return reverse("organizations:detail", args=[cast.org.pk])
