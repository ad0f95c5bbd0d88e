import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(fast_password_hashing):
    """Every test here builds several logins; hashing them with Argon2 would dominate the run."""
