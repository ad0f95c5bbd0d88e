"""The database session store, except that a database outage is reported as one.

Django's store turns any database error while saving an existing session into UpdateError,
which SessionMiddleware answers with "400 Bad Request" (as if the session had been deleted by
another request). When PostgreSQL is down that is the wrong answer: the user gets a bare 400
instead of our error page. Here an outage propagates as itself, so it ends as a 500 with
templates/500.html like every other request that meets the outage.
"""

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import InterfaceError, OperationalError


class SessionStore(DatabaseSessionStore):
    def save(self, must_create: bool = False) -> None:
        try:
            super().save(must_create=must_create)
        except UpdateError as exc:
            cause = exc.__context__
            if isinstance(cause, OperationalError | InterfaceError):
                raise cause from None
            raise
