"""A version token per database table, renewed whenever a statement writes to the table.

Every SQL statement Django runs passes through `track_statement` (installed on each new
connection by `install`). A statement that writes (INSERT, UPDATE, DELETE, TRUNCATE, also
inside a WITH, from the ORM or raw SQL) renews the tokens of the tables it writes: right away,
and once more when its transaction commits. The second renewal matters: a page rendered after
the first one but before the commit could not see the new rows, and must not outlive the
commit. Schema changes (migrations) renew every table.

The cache of rendered pages (csa_portal.page_cache) keeps the tokens of the tables a page read
and serves the page only while all of them are unchanged. Tokens live in the default cache
(Redis in production, shared by every web and worker process); a token that is missing reads
as "changed". If the cache cannot be reached when a write happens, the renewal is lost and a
page can stay stale until its entry expires (PAGE_CACHE_SECONDS): that is the bound.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache as memoize

from django.apps import apps
from django.core.cache import cache
from django.db import connection as default_connection

_WRITE = re.compile(
    # INSERT OR IGNORE INTO: SQLite's bulk_create(ignore_conflicts=True)
    r"\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)"
    r"\s+(?:ONLY\s+)?\"?(\w+)",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"\"(\w+)\"")
_READ = re.compile(r"\b(?:FROM|JOIN)\s+\"?(\w+)", re.IGNORECASE)
_SCHEMA = re.compile(r"^\s*(?:CREATE|ALTER|DROP)\s+(?:UNIQUE\s+)?(?:TABLE|INDEX)\b", re.IGNORECASE)


@memoize
def known_tables() -> frozenset[str]:
    """The portal's tables: every model's, many-to-many tables included."""
    return frozenset(model._meta.db_table for model in apps.get_models(include_auto_created=True))


def written_tables(sql: str) -> frozenset[str]:
    """The known tables a statement writes (empty for a read)."""
    if _SCHEMA.match(sql):
        return known_tables()
    names = set(_WRITE.findall(sql))
    if not names:
        return frozenset()
    if re.match(r"\s*TRUNCATE", sql, re.IGNORECASE):
        names.update(_QUOTED.findall(sql))  # TRUNCATE "a", "b", ... empties them all
    return known_tables().intersection(names)


def read_tables(sql: str) -> set[str]:
    return known_tables().intersection(_READ.findall(sql))


def version_key(table: str) -> str:
    # Per database: test databases, or two portals sharing one Redis, never mix.
    return f"tv:{default_connection.settings_dict['NAME']}:{table}"


def renew(tables: Iterable[str]) -> None:
    tables = list(tables)
    if not tables:
        return
    token = secrets.randbits(62)  # an int: Redis keeps it as is, no pickling either way
    # An unreachable cache drops this (csa_portal.cache): pages then expire on their own.
    cache.set_many({version_key(t): token for t in tables}, timeout=None)


def current_versions(tables: Iterable[str]) -> dict[str, int | None]:
    """Each table's token, None where it has none (or the cache is unreachable)."""
    tables = list(tables)
    keys = {version_key(t): t for t in tables}
    found = cache.get_many(list(keys))
    return {table: found.get(key) for key, table in keys.items()}


def versions_in_order(tables: tuple[str, ...]) -> tuple[int | None, ...]:
    """current_versions as a tuple in the tables' order, as kept entries store them."""
    versions = current_versions(tables)
    return tuple(versions[t] for t in tables)


def snapshot_versions() -> dict[str, int | None]:
    """Every known table's token, giving a token to those that have none yet, so that a page
    never records "no token" (which a lost token would then match)."""
    versions = current_versions(known_tables())
    missing = [t for t, v in versions.items() if v is None]
    if missing:
        renew(missing)
        versions.update(current_versions(missing))
    return versions


# --- recording what a request reads ---------------------------------------------------------


@dataclass
class Recording:
    """What the statements run while a page is being rendered read and whether one wrote."""

    read: set[str] = field(default_factory=set)
    wrote: bool = False


_recording: contextvars.ContextVar[Recording | None] = contextvars.ContextVar(
    "table_versions_recording", default=None
)


def start_recording() -> tuple[Recording, contextvars.Token]:
    recording = Recording()
    return recording, _recording.set(recording)


def stop_recording(token: contextvars.Token) -> None:
    _recording.reset(token)


@contextlib.contextmanager
def not_recorded():
    """Statements that are not part of what a page is computed from (its access log)."""
    token = _recording.set(None)
    try:
        yield
    finally:
        _recording.reset(token)


# --- values kept until a table they read is written -----------------------------------------


@dataclass(frozen=True)
class _Kept:
    tables: tuple[str, ...]
    versions: tuple[int | None, ...]
    value: object


def kept_until_written(key: str, compute, timeout: int = 3600):
    """compute()'s value, kept in the shared cache until a statement writes a table that
    compute()'s statements read: for aggregates that every view of a page would otherwise scan
    the program for (the staff home's counts, the grant portfolio). `key` names what is
    computed; the value must not depend on the language or the person (put what it depends on
    in the key).

    As for kept pages (csa_portal.page_cache): the tables are those its statements read, their
    versions are read before computing (a write made meanwhile makes the value stale at once),
    and a page being recorded for the page cache is told about those tables also when the value
    comes from here and no statement ran."""
    kept_key = f"kept:{default_connection.settings_dict['NAME']}:{key}"
    outer = _recording.get()
    kept = cache.get(kept_key)
    if isinstance(kept, _Kept):
        if outer is not None:
            outer.read.update(kept.tables)
        if versions_in_order(kept.tables) == kept.versions:
            return kept.value
    versions = snapshot_versions()
    recording, token = start_recording()
    try:
        value = compute()
    finally:
        stop_recording(token)
    if outer is not None:
        outer.read.update(recording.read)
        outer.wrote = outer.wrote or recording.wrote
    # Not kept when this transaction wrote one of the tables: the value then shows rows that
    # nobody else sees yet and that a rollback would take back.
    if not recording.wrote and not _written_in_this_transaction().intersection(recording.read):
        tables = tuple(sorted(recording.read))
        cache.set(kept_key, _Kept(tables, tuple(versions[t] for t in tables), value), timeout)
    return value


# --- the statement hook ---------------------------------------------------------------------


def track_statement(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    written = written_tables(sql)
    recording = _recording.get()
    if recording is not None:
        recording.read.update(read_tables(sql))
        recording.wrote = recording.wrote or bool(written)
    if written:
        _note_write(context["connection"], written)
    return result


class _PendingRenewal:
    """The tables a transaction wrote, renewed again once it commits."""

    def __init__(self) -> None:
        self.tables: set[str] = set()

    def __call__(self) -> None:
        renew(self.tables)


def _note_write(connection, tables: frozenset[str]) -> None:
    renew(tables)
    if not connection.in_atomic_block:
        return  # autocommit: already committed
    pending = getattr(connection, "_pending_table_renewal", None)
    # A callback registered inside a savepoint that rolled back is gone with it (and so are
    # that savepoint's writes): register a new one then.
    if pending is None or not any(func is pending for _, func, _ in connection.run_on_commit):
        pending = _PendingRenewal()
        connection._pending_table_renewal = pending
        connection.on_commit(pending)
    pending.tables.update(tables)


def _written_in_this_transaction(connection=default_connection) -> set[str]:
    pending = getattr(connection, "_pending_table_renewal", None)
    if not connection.in_atomic_block or pending is None:
        return set()
    if not any(func is pending for _, func, _ in connection.run_on_commit):
        return set()  # registered by an earlier transaction (or a rolled-back savepoint)
    return pending.tables


def install(sender, connection, **kwargs) -> None:
    """connection_created receiver: hook every statement of the new connection."""
    if track_statement not in connection.execute_wrappers:
        connection.execute_wrappers.append(track_statement)
