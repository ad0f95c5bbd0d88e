"""Django's ModelBackend, with the person of every request read in one plain statement.

Loading the logged-in person runs on every request. Django builds and compiles an ORM query
for it each time; a raw statement (with the same columns and the same database converters)
costs about two thirds as much, a tenth of a page served from the page cache (bench/NOTES.md).
"""

from functools import cache

from django.contrib.auth import backends, get_user_model
from django.core.exceptions import ValidationError
from django.db import connection


@cache
def _user_by_id_sql() -> str:
    user_model = get_user_model()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in user_model._meta.concrete_fields)
    table = quote(user_model._meta.db_table)
    return f"SELECT {columns} FROM {table} WHERE {quote(user_model._meta.pk.column)} = %s"  # noqa: S608


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        try:
            pk = get_user_model()._meta.pk.to_python(user_id)
        except ValidationError:  # a session with a mangled id: nobody
            return None
        found = list(get_user_model()._default_manager.raw(_user_by_id_sql(), [pk]))
        if not found:
            return None
        return found[0] if self.user_can_authenticate(found[0]) else None
