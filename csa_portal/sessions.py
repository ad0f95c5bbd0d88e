"""The database session store, except that a database outage is reported as one.

Django's store turns any database error while saving an existing session into UpdateError,
which SessionMiddleware answers with "400 Bad Request" (as if the session had been deleted by
another request). When PostgreSQL is down that is the wrong answer: the user gets a bare 400
instead of our error page. Here an outage propagates as itself, so it ends as a 500 with
templates/500.html like every other request that meets the outage.

It also reads the session with one plain statement instead of an ORM query: that lookup runs on
every request, and building the query was a fifth of the cost of a page served from the page
cache (bench/NOTES.md).

And it reads the session's person in the same statement, once this process knows whose the
session is: a session key belongs to one person for its whole life (logging in gives a new
key), so the key's person is remembered when the session is first read or saved here. The
person read with it is only offered to the authentication backend (`read_user`), which uses it
when it is the person the session names; Django still checks the session's password hash and
the backend whether the person is active. Every logged-in request then costs one round trip to
PostgreSQL before the page instead of two (bench/NOTES.md).
"""

from functools import cache

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError, connections, router
from django.utils import timezone

from .auth_backends import user_columns

# Session key -> the id of the person it belongs to, as far as this process has seen. Only a
# hint for reading both in one statement: a wrong or missing entry costs the second statement,
# nothing else. Bounded: cleared when it grows past PEOPLE_MAX.
_person_of_session: dict[str, int] = {}
PEOPLE_MAX = 20_000


def _remember_person(session_key: str | None, data: dict) -> None:
    try:  # as the backend reads it; a mangled id is nobody's and is not remembered
        person = get_user_model()._meta.pk.to_python(data.get(SESSION_KEY))
    except ValidationError:
        return
    if session_key is None or not isinstance(person, int) or not 0 < person < 2**63:
        return
    if len(_person_of_session) >= PEOPLE_MAX:
        _person_of_session.clear()
    _person_of_session[session_key] = person


@cache
def _session_sql(connection_alias: str, table: str) -> str:
    quote = connections[connection_alias].ops.quote_name
    return (
        f"SELECT {quote('session_data')} FROM {quote(table)} "  # noqa: S608
        f"WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s"
    )


@cache
def _session_with_person_sql(connection_alias: str, table: str) -> str:
    """The person's columns (named as the person's fields, for raw()) and the session's data,
    for one session key and one person's id; no row when either is missing."""
    quote = connections[connection_alias].ops.quote_name
    user_meta = get_user_model()._meta
    columns = user_columns(quote, prefix="u.")
    return (
        f"SELECT {columns}, s.{quote('session_data')} AS {quote('session_data_read')} "  # noqa: S608
        f"FROM {quote(table)} s INNER JOIN {quote(user_meta.db_table)} u "
        f"ON u.{quote(user_meta.pk.column)} = %s "
        f"WHERE s.{quote('session_key')} = %s AND s.{quote('expire_date')} > %s"
    )


class SessionStore(DatabaseSessionStore):
    # The person read with the session, if any (csa_portal.auth_backends uses it).
    read_user = None

    def load(self):
        data = super().load()
        _remember_person(self.session_key, data)
        return data

    def _get_session_from_db(self):
        model = self.model
        alias = router.db_for_read(model)
        connection = connections[alias]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        person = _person_of_session.get(self.session_key)
        self.read_user = None
        if person is not None:
            sql = _session_with_person_sql(alias, model._meta.db_table)
            found = list(
                get_user_model()
                ._default_manager.db_manager(alias)
                .raw(sql, [person, self.session_key, now])
            )
            if found:
                self.read_user = found[0]
                data = self.read_user.__dict__.pop("session_data_read")
                return model(session_key=self.session_key, session_data=data)
        with connection.cursor() as cursor:
            cursor.execute(_session_sql(alias, model._meta.db_table), [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # expired or unknown: a new one is made when saved
            return None
        return model(session_key=self.session_key, session_data=row[0])

    def save(self, must_create: bool = False) -> None:
        try:
            super().save(must_create=must_create)
        except UpdateError as exc:
            cause = exc.__context__
            if isinstance(cause, OperationalError | InterfaceError):
                raise cause from None
            raise
        _remember_person(self.session_key, getattr(self, "_session_cache", {}))
