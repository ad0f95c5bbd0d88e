"""Django's ModelBackend, with the person of every request read in one plain statement, or
in none when the session store read the person with the session.

Loading the logged-in person runs on every request. Django builds and compiles an ORM query
for it each time; a raw statement (with the same columns and the same database converters)
costs about two thirds as much, a tenth of a page served from the page cache (bench/NOTES.md).
The session store (csa_portal.sessions) reads the person in the same statement as the session
when it knows whose the session is; the middleware below hands that store to get_user().
"""

import contextvars
from functools import cache

from django.contrib import auth
from django.contrib.auth import backends, get_user_model, middleware
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.functional import SimpleLazyObject


def user_columns(quote, prefix: str = "") -> str:
    """The person's columns, named as its fields (raw() reads them into a person), each after
    `prefix` (a table alias and its dot)."""
    fields = get_user_model()._meta.concrete_fields
    return ", ".join(f"{prefix}{quote(field.column)}" for field in fields)


@cache
def _user_by_id_sql() -> str:
    user_model = get_user_model()
    quote = connection.ops.quote_name
    columns = user_columns(quote)
    table = quote(user_model._meta.db_table)
    return f"SELECT {columns} FROM {table} WHERE {quote(user_model._meta.pk.column)} = %s"  # noqa: S608


# The session of the request whose person is being loaded: set only while
# AuthenticationMiddleware's get_user() runs, so nothing outlives that request.
session_in_use: contextvars.ContextVar = contextvars.ContextVar("session_in_use", default=None)


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        try:
            pk = get_user_model()._meta.pk.to_python(user_id)
        except ValidationError:  # a session with a mangled id: nobody
            return None
        user = _read_with_session(pk) or read_person(pk)
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None


def read_person(pk):
    """The person with this id, read with one plain statement (None if there is none)."""
    return next(iter(get_user_model()._default_manager.raw(_user_by_id_sql(), [pk])), None)


def _read_with_session(pk):
    """The person the session store read with this request's session, if it is `pk`."""
    user = getattr(session_in_use.get(), "read_user", None)
    return user if user is not None and user.pk == pk else None


class AuthenticationMiddleware(middleware.AuthenticationMiddleware):
    """Django's, but the person is loaded with this request's session in reach of get_user()
    above (only for the sync request.user; request.auser() is Django's own)."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _get_user(request))


def _get_user(request):
    # As django.contrib.auth.middleware.get_user, with session_in_use set around it.
    if not hasattr(request, "_cached_user"):
        token = session_in_use.set(request.session)
        try:
            request._cached_user = auth.get_user(request)
        finally:
            session_in_use.reset(token)
            # Used once: a person read for a wrong hint is not kept for the rest of the request.
            request.session.read_user = None
    return request._cached_user
