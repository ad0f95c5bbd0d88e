"""The account-security pages in the authorization matrix (see tests/matrix_support.py).

Nobody in the matrix has a second factor and TWO_FACTOR_REQUIRED is off in tests, so the
verification step sends everyone on (302) and a wrong enrollment code shows the form again.
"""

from __future__ import annotations

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.matrix_support import LOGIN, Row
from tests.personas import PASSWORD


def build(world) -> None:
    return None


URLS = {
    ("account_email", ""): lambda w: reverse("account_email"),
    ("two_factor_setup", "wrong code"): lambda w: reverse("two_factor_setup"),
    ("two_factor_verify", "not pending"): lambda w: reverse("two_factor_verify"),
}

PAYLOADS = {
    "account_email": lambda w: {"email": "nuevo-correo@test.mx", "current_password": PASSWORD},
    "two_factor_setup": lambda w: {"code": "000000"},
    "two_factor_verify": lambda w: {"code": "000000"},
}

# fmt: off
MATRIX = [
    #                                                       anon   staff legal admin leader member other lawyer lawyer2 deact
    Row("account_email", "GET",                            (LOGIN, 200,  200,  200,  200,   200,   200,  200,   200,   LOGIN)),
    Row("account_email", "POST",                           (LOGIN, 302,  302,  302,  302,   302,   302,  302,   302,   LOGIN), writes=True),
    Row("two_factor_setup", "GET",                         (LOGIN, 200,  200,  200,  200,   200,   200,  200,   200,   LOGIN), "wrong code"),
    Row("two_factor_setup", "POST",                        (LOGIN, 200,  200,  200,  200,   200,   200,  200,   200,   LOGIN), "wrong code"),
    Row("two_factor_verify", "GET",                        (LOGIN, 302,  302,  302,  302,   302,   302,  302,   302,   LOGIN), "not pending"),
    Row("two_factor_verify", "POST",                       (LOGIN, 302,  302,  302,  302,   302,   302,  302,   302,   LOGIN), "not pending"),
]
# fmt: on

MODELS = [TOTPDevice]
