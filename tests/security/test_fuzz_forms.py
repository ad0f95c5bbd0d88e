"""Every form of the portal, posted with hostile input by the persona allowed to use it.

The forms are the matrix's POST rows that someone may use, with their valid payloads; each
example replaces or adds fields with hostile values (or posts a raw body with bytes that are
not UTF-8). Never a server error (the test client re-raises it), and a refused submission (the
form again, or a denial) writes nothing.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from tests.csa_portal.test_authorization_matrix import (
    MATRIX,
    PAYLOADS,
    URLS,
    World,
    _changed,
    snapshot,
)
from tests.matrix_support import DENIED, LOGIN, PERSONAS

from .hostile import hostile_value, invalid_utf8

EXTRA_FIELDS = ["status", "organization", "tier", "program_role", "is_superuser", "id", "pk"]


def _form_rows():
    rows = {}
    for row in MATRIX:
        if row.method != "POST":
            continue
        users = [
            p for p, c in zip(PERSONAS, row.expected, strict=True) if c not in DENIED | {LOGIN}
        ]
        if users:
            rows.setdefault(row.name, (row, users[0]))
    return list(rows.values())


FORM_ROWS = _form_rows()


def test_the_fuzzer_reaches_the_forms_of_every_app() -> None:
    names = {row.name.split(":")[0] for row, _persona in FORM_ROWS}
    assert {"organizations", "grants", "legal_assistance", "learning_communities"} <= names
    assert len(FORM_ROWS) >= 50


def _has_files(data: dict[str, Any]) -> bool:
    return any(isinstance(v, SimpleUploadedFile) for v in data.values())


@pytest.mark.parametrize(
    ("row", "persona"), FORM_ROWS, ids=[f"{row.name}-{persona}" for row, persona in FORM_ROWS]
)
def test_hostile_input_never_breaks_a_form(row, persona, world: World, client) -> None:
    url = URLS[(row.name, row.variant)](world)
    valid = PAYLOADS.get(row.name, lambda w: {})
    keys = sorted(valid(world)) + EXTRA_FIELDS

    @given(
        changes=st.dictionaries(st.sampled_from(keys), hostile_value, min_size=1, max_size=4),
        dropped=st.sets(st.sampled_from(keys), max_size=2),
        raw=st.one_of(st.none(), invalid_utf8),
    )
    def check(changes: dict[str, Any], dropped: set[str], raw: bytes | None) -> None:
        with transaction.atomic():
            # Log in inside the example: a password change would end the session for the next.
            client.logout()
            if persona != "anonymous":
                client.force_login(world.user(persona))
            data = {k: v for k, v in (valid(world) | changes).items() if k not in dropped}
            before = snapshot()
            if raw is not None and not _has_files(data):
                body = urlencode(
                    {k: v.encode() if isinstance(v, str) else v for k, v in data.items()},
                    doseq=True,
                )
                body += "&" + urlencode({next(iter(changes)): raw})
                response = client.post(url, body, content_type="application/x-www-form-urlencoded")
            else:
                response = client.post(url, data)
            assert response.status_code < 500
            if response.status_code == 200 or response.status_code in DENIED:
                changed = _changed(before, snapshot())
                assert not changed, f"a refused submission wrote {changed}"
            transaction.set_rollback(True)

    check()


EDGES = {
    "date": ["9999-12-31", "0001-01-01", "2026-02-29"],
    "number": ["99999999999999999999", "-1", "0", "1e400", "0.0000001"],
}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def test_edge_dates_and_numbers_in_every_form(world: World, client) -> None:
    # Hypothesis rarely draws the calendar's and the decimal field's edges: try them all.
    for row, persona in FORM_ROWS:
        url = URLS[(row.name, row.variant)](world)
        valid = PAYLOADS.get(row.name, lambda w: {})
        for key, value in valid(world).items():
            kind = "date" if isinstance(value, str) and DATE.match(value) else None
            if isinstance(value, str) and NUMBER.match(value):
                kind = "number"
            for edge in EDGES.get(kind, []):
                with transaction.atomic():
                    client.logout()
                    if persona != "anonymous":
                        client.force_login(world.user(persona))
                    before = snapshot()
                    response = client.post(url, valid(world) | {key: edge})
                    assert response.status_code < 500, (row.name, key, edge)
                    if response.status_code == 200 or response.status_code in DENIED:
                        assert not _changed(before, snapshot()), (row.name, key, edge)
                    transaction.set_rollback(True)
