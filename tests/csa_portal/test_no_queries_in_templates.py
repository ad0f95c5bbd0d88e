"""Pages read everything they show before rendering: no query runs inside a template.

A query issued while rendering (a lazy queryset, a related object reached in a loop) escapes
the views' query-count locks' intent and grows with the data; issue #8 forbids it. Every GET
row of the authorization matrix that answers 200 with HTML is rendered here, as the first
persona allowed to see it, with any SQL during template rendering failing the test.
"""

from __future__ import annotations

import contextlib

import pytest
from django.db import connection
from django.template import Template

from tests.csa_portal import test_authorization_matrix as matrix
from tests.csa_portal.test_authorization_matrix import MATRIX, URLS, World
from tests.matrix_support import PERSONAS

# The matrix's world: every app's objects, built once for this module.
_module_world = matrix._module_world
world = matrix.world


def _pages():
    """Every read-only page (its POST is refused with 405 for everyone): lists, details,
    reports, home. Pages with an edit form are left out: Django renders a form's choices from
    their queryset while the template renders, one bounded query per select."""
    posted = {
        (r.name, r.variant) for r in MATRIX if r.method == "POST" and set(r.expected) != {405}
    }
    pages = {}
    for row in MATRIX:
        if row.method != "GET" or (row.name, row.variant) in posted:
            continue
        for persona, cell in zip(PERSONAS, row.expected, strict=True):
            if cell == 200:
                pages.setdefault((row.name, row.variant), persona)
    return sorted(pages.items())


PAGES = _pages()


@contextlib.contextmanager
def queries_refused_while_rendering():
    depth = 0
    render = Template.render
    seen: list[str] = []

    def counting_render(self, context):
        nonlocal depth
        depth += 1
        try:
            return render(self, context)
        finally:
            depth -= 1

    def refuse(execute, sql, params, many, context):
        if depth:
            seen.append(sql)
        return execute(sql, params, many, context)

    Template.render = counting_render
    try:
        with connection.execute_wrapper(refuse):
            yield seen
    finally:
        Template.render = render


@pytest.mark.parametrize(
    ("key", "persona"), PAGES, ids=[f"{n}{f'[{v}]' if v else ''}-{p}" for (n, v), p in PAGES]
)
def test_no_query_runs_while_a_page_renders(key, persona, world: World, client_for) -> None:
    client = client_for(world.user(persona))
    url = URLS[key](world)
    with queries_refused_while_rendering() as seen:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    assert not seen, f"{len(seen)} queries while rendering:\n" + "\n".join(q[:160] for q in seen)
