"""The session store reads the session's person in the same statement (csa_portal.sessions), and
the backend takes that person only when it is the one the session names: every check Django
makes on the person of a request still holds on that path."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from csa_portal import sessions

pytestmark = pytest.mark.usefixtures("page_cache_off")


def _account(client):
    """The account page's queries and the person it was served to."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("account"))
    user = response.wsgi_request.user if response.status_code == 200 else None
    return response, user, [q["sql"] for q in context.captured_queries]


def _reads_person_with_session(sql: str) -> bool:
    return "session_data" in sql and "password" in sql


def test_a_seen_session_and_its_person_are_read_in_one_statement(cast, client_for):
    client = client_for(cast.leader)  # logging in saves the session: this process has seen it

    response, user, queries = _account(client)

    assert response.status_code == 200 and user == cast.leader
    assert _reads_person_with_session(queries[0])
    assert not any("csa_portal_user" in sql for sql in queries[1:2])


def test_an_unseen_session_reads_its_person_apart(cast, client_for):
    client = client_for(cast.leader)
    sessions._person_of_session.clear()  # another process, or one that was restarted

    first, first_user, first_queries = _account(client)
    _, again_user, again_queries = _account(client)

    assert first.status_code == 200 and first_user == again_user == cast.leader
    assert not _reads_person_with_session(first_queries[0])
    assert _reads_person_with_session(again_queries[0])  # seen now


def test_a_wrong_hint_never_gives_another_person(cast, client_for):
    client = client_for(cast.leader)
    sessions._person_of_session[client.session.session_key] = str(cast.staff.pk)

    response, user, _ = _account(client)

    assert response.status_code == 200 and user == cast.leader


def _deactivate(person):
    person.is_active = False
    person.save(update_fields=["is_active"])


def _change_password(person):
    person.set_password("another-long-password-2026")
    person.save(update_fields=["password"])


def _remove(person):
    person.delete()


@pytest.mark.parametrize("change", [_deactivate, _change_password, _remove])
def test_a_person_who_may_no_longer_be_logged_in_is_not_on_the_one_statement_path(
    cast, client_for, change
):
    """Deactivated, with a changed password, or removed: the next request is nobody's."""
    client = client_for(cast.member)
    change(cast.member)

    response, _, queries = _account(client)

    assert _reads_person_with_session(queries[0])
    assert response.status_code == 302 and reverse("login") in response["Location"]
