"""Shared pieces of the authorization matrix (tests/csa_portal/test_authorization_matrix.py).

An app adds its URLs to the matrix with a module `tests/<app>/matrix_rows.py` defining:

    def build(world) -> Any      # its objects, built through its services; kept in
                                 # world.extra["<app>"] for its URL builders and payloads
    URLS: dict[(name, variant), Callable[[world], str]]
    PAYLOADS: dict[name, Callable[[world], dict]]   # valid data: an allowed POST really writes
    MATRIX: list[Row]
    MODELS: list[Model]          # tables its views may write: a denied request must not change them

The matrix finds these modules by themselves, so an app never edits the main matrix file. An app
with several independent parts may add more modules named `matrix_rows_<part>.py`; their objects
are kept in world.extra["<app>_<part>"].
"""

from __future__ import annotations

from dataclasses import dataclass

PERSONAS = (
    "anonymous",
    "staff",
    "legal_coordinator",
    "admin",
    "leader",
    "member",
    "other_leader",
    "lawyer",
    "other_lawyer",
    "deactivated",
)
LOGIN = "login"  # 302 to the login page
DENIED = {LOGIN, 400, 403, 404, 405}


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    expected: tuple  # one cell per persona, in PERSONAS order
    variant: str = ""
    writes: bool = False  # an allowed POST must change the database
