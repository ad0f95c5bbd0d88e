import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(fast_password_hashing):
    """Every test here builds several logins; hashing them with Argon2 would dominate the run."""


@pytest.fixture(autouse=True)
def _key_issues(request):
    """The key issues a data migration writes; browser and worker tests elsewhere flush the
    database, which removes them for the tests that run after them."""
    names = request.fixturenames
    if "db" in names or "transactional_db" in names or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("transactional_db" if "transactional_db" in names else "db")
        from learning_communities.models import KeyIssue
        from learning_communities.reference_data import ensure_key_issues

        ensure_key_issues(KeyIssue)
