"""Views of a page through the page cache (tests of csa_portal.page_cache and table_versions)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def get(client, url, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200, response.status_code
    return response, len(queries)


def browser(client):
    """A client that has been on the portal: it keeps the CSRF cookie its first page set (a
    page rendered for a new CSRF secret is not kept: its forms would carry the wrong token)."""
    client.get(reverse("home"))
    assert "csrftoken" in client.cookies
    return client
