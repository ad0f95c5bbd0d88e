"""The privacy pages' rows of the authorization matrix (see tests/matrix_support.py).

The notice is public. Everyone logged in manages their own consents, data and requests; a
request is seen only by the person who filed it (404 for anyone else). The queue and the
decisions are program staff's (legal coordinators and admins are staff too); CSO people and
lawyers get 403.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from csa_portal.models import Consent, DataRequest, NoticeAcceptance, PrivacyNotice
from csa_portal.privacy import PROGRAM_NEWS
from csa_portal.privacy_services import answer_request, file_request
from tests.matrix_support import LOGIN, Row


def build(world) -> dict[str, Any]:
    cast = world.cast
    own = file_request(user=cast.leader, kind=DataRequest.Kind.ACCESS, details="Mis datos")
    cancellation = file_request(
        user=cast.member, kind=DataRequest.Kind.CANCELLATION, details="Borrar mis datos"
    )
    answer_request(request=cancellation, response="Procede.", by=cast.staff)
    return {"own": own, "cancellation": cancellation}


def _x(world) -> dict[str, Any]:
    return world.extra["csa_portal_privacy"]


URLS = {
    ("privacy_notice", ""): lambda w: reverse("privacy_notice"),
    ("privacy_notice_accept", ""): lambda w: reverse("privacy_notice_accept"),
    ("privacy_settings", ""): lambda w: reverse("privacy_settings"),
    ("privacy_download", ""): lambda w: reverse("privacy_download"),
    ("data_request_new", ""): lambda w: reverse("data_request_new"),
    ("data_request_detail", ""): lambda w: reverse("data_request_detail", args=[_x(w)["own"].pk]),
    ("data_request_queue", ""): lambda w: reverse("data_request_queue"),
    ("data_request_review", ""): lambda w: reverse("data_request_review", args=[_x(w)["own"].pk]),
    ("data_request_execute", ""): lambda w: reverse(
        "data_request_execute", args=[_x(w)["cancellation"].pk]
    ),
}

PAYLOADS = {
    "privacy_settings": lambda w: {"purposes": [PROGRAM_NEWS]},
    "data_request_new": lambda w: {"kind": "rectification", "details": "Mi cargo cambió."},
    "data_request_review": lambda w: {"decision": "answer", "response": "Adjuntamos sus datos."},
    "data_request_execute": lambda w: {"confirm": "on"},
}

ALL_405 = (405,) * 10
#                        anon   staff legal admin leader member other lawyer lawyer2 deact
ANYONE = (200, 200, 200, 200, 200, 200, 200, 200, 200, 200)
LOGGED_IN = (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, LOGIN)
LOGGED_IN_302 = (LOGIN, 302, 302, 302, 302, 302, 302, 302, 302, LOGIN)
OWNER_ONLY = (LOGIN, 404, 404, 404, 200, 404, 404, 404, 404, LOGIN)
STAFF_ONLY = (LOGIN, 200, 200, 200, 403, 403, 403, 403, 403, LOGIN)
STAFF_302 = (LOGIN, 302, 302, 302, 403, 403, 403, 403, 403, LOGIN)

# fmt: off
MATRIX = [
    Row("privacy_notice", "GET", ANYONE),
    Row("privacy_notice", "POST", ALL_405),
    # Accepting again the version already accepted changes nothing.
    Row("privacy_notice_accept", "GET", LOGGED_IN),
    Row("privacy_notice_accept", "POST", LOGGED_IN_302),
    Row("privacy_settings", "GET", LOGGED_IN),
    Row("privacy_settings", "POST", LOGGED_IN_302, writes=True),
    Row("privacy_download", "GET", LOGGED_IN),
    Row("privacy_download", "POST", ALL_405),
    Row("data_request_new", "GET", LOGGED_IN),
    Row("data_request_new", "POST", LOGGED_IN_302, writes=True),
    Row("data_request_detail", "GET", OWNER_ONLY),
    Row("data_request_detail", "POST", ALL_405),
    Row("data_request_queue", "GET", STAFF_ONLY),
    Row("data_request_queue", "POST", ALL_405),
    Row("data_request_review", "GET", STAFF_ONLY),
    Row("data_request_review", "POST", STAFF_302, writes=True),
    Row("data_request_execute", "GET", ALL_405),
    Row("data_request_execute", "POST", STAFF_302, writes=True),
]
# fmt: on

MODELS = [PrivacyNotice, NoticeAcceptance, Consent, DataRequest]
