"""The database session store, except that a database outage is reported as one.

Django's store turns any database error while saving an existing session into UpdateError,
which SessionMiddleware answers with "400 Bad Request" (as if the session had been deleted by
another request). When PostgreSQL is down that is the wrong answer: the user gets a bare 400
instead of our error page. Here an outage propagates as itself, so it ends as a 500 with
templates/500.html like every other request that meets the outage.

It also reads the session with one plain statement instead of an ORM query: that lookup runs on
every request, and building the query was a fifth of the cost of a page served from the page
cache (bench/NOTES.md).
"""

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import InterfaceError, OperationalError, connections, router
from django.utils import timezone


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        model = self.model
        connection = connections[router.db_for_read(model)]
        quote = connection.ops.quote_name
        sql = (
            f"SELECT {quote('session_data')} FROM {quote(model._meta.db_table)} "  # noqa: S608
            f"WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s"
        )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, now])
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
