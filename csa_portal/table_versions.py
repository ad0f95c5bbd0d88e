"""A version token per database table, renewed whenever a statement writes to the table.

Every SQL statement Django runs passes through `track_statement` (installed on each new
connection by `install`). A statement that writes (INSERT, UPDATE, DELETE, TRUNCATE, also
inside a WITH, from the ORM or raw SQL) renews the tokens of the tables it writes: right away,
and once more when its transaction commits. The second renewal matters: a page rendered after
the first one but before the commit could not see the new rows, and must not outlive the
commit. Schema changes (migrations) renew every table.

The cache of rendered pages (csa_portal.page_cache) keeps the tokens of the tables a page read
and serves the page only while all of them are unchanged.

One row at a time: a page that reads a table only as one row fetched by its primary key (an
organization's page reads that organization) need not be rendered again when another row
changes, as when any leader saves their own profile. Such a read (`SELECT … FROM "t" [JOIN …]
WHERE "t"."id" = %s`, see `read_row`) depends on the row's token `t@<id>` and on `t@base`,
instead of `t`. A statement that changes one row by its primary key (`UPDATE "t" SET … WHERE
"t"."id" = %s`, as `save()` does) renews `t` and `t@<id>`; every other write to a table (any
INSERT, DELETE, UPSERT, an UPDATE of several rows, raw SQL of another shape) renews `t` and
`t@base`, so it reaches every page that read the table in any way. Anything not recognised
is treated as the whole table: a shape missed costs a render, never a stale page.

Tokens live in the default cache (Redis in production, shared by every web and worker
process); a token that is missing reads as "changed". If the cache cannot be reached when a write happens, the renewal is lost and a
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
from functools import lru_cache

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


# The ORM writes the same statements over and over (values travel apart, as parameters), and
# reading a statement's tables with the patterns below costs up to ~0.2 ms for a long SELECT:
# what each statement reads and writes is remembered by its text. Bounded: statements with
# values written into them (IN lists of every length, raw SQL) only push older ones out.
_STATEMENTS_KEPT = 2048


@lru_cache(maxsize=_STATEMENTS_KEPT)
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


@lru_cache(maxsize=_STATEMENTS_KEPT)
def read_tables(sql: str) -> frozenset[str]:
    return known_tables().intersection(_READ.findall(sql))


@memoize
def _primary_key_columns() -> dict[str, str]:
    return {
        model._meta.db_table: model._meta.pk.column
        for model in apps.get_models(include_auto_created=True)
    }


# The ORM's fetch of one row by its primary key, with its select_related joins: no subquery (no
# FROM in the column list), no other condition, one statement, and (checked apart) no other
# parameter.
_ROW_READ = re.compile(
    r"SELECT (?:(?!\bFROM\b)[^;])+? FROM \"(?P<table>\w+)\""
    r"(?: (?:LEFT OUTER|INNER) JOIN \"\w+\"(?: \"?\w+\"?)? ON \([^();]*\))*"
    r" WHERE \"(?P=table)\"\.\"(?P<column>\w+)\" = %s(?: LIMIT \d+)?",
    re.DOTALL,
)
# save() of one row, or .filter(pk=…).update(…): nothing in SET reads another row, and (checked
# apart) SET does not move the row to another key.
_ROW_UPDATE = re.compile(
    r"UPDATE \"(?P<table>\w+)\" SET (?P<set>(?:(?!\bSELECT\b|\bWHERE\b)[^;])+)"
    r" WHERE \"(?P=table)\"\.\"(?P<column>\w+)\" = %s",
    re.DOTALL,
)
# A page reading more rows than this of one table one by one (a list loading each item's
# foreign key) depends on the table instead: fewer tokens to read before each statement and to
# check on every view.
ROWS_PER_TABLE = 5


@lru_cache(maxsize=_STATEMENTS_KEPT)
def _one_row_table(pattern: re.Pattern, sql: str, *, single_param: bool) -> str | None:
    """The table whose one row, chosen by the last parameter, is all `sql` reads or writes of
    it (`pattern`); None for any other statement."""
    match = pattern.fullmatch(sql)
    if match is None:
        return None
    table = match["table"]
    key_column = _primary_key_columns().get(table)
    if key_column != match["column"]:
        return None
    if "set" in match.groupdict() and f'"{key_column}" =' in match["set"]:
        return None  # the row moves to another key: a row read of that key would not know
    if single_param and _READ.findall(sql).count(table) != 1:
        return None  # the table joined to itself: more than that row is read
    return table


def _one_row(
    pattern: re.Pattern, sql: str, params, *, single_param: bool
) -> tuple[str, int] | None:
    # The cheap checks first: this runs for every statement.
    if not params or (single_param and len(params) != 1) or sql.count("%s") != len(params):
        return None
    table = _one_row_table(pattern, sql, single_param=single_param)
    if table is None:
        return None
    try:
        return table, int(params[-1])
    except (TypeError, ValueError):
        return None


def read_row(sql: str, params) -> tuple[str, int] | None:
    """(table, primary key) when the statement reads that table only as that one row."""
    return _one_row(_ROW_READ, sql, params, single_param=True)


def written_row(sql: str, params) -> tuple[str, int] | None:
    """(table, primary key) when the statement changes only that one row of that table."""
    return _one_row(_ROW_UPDATE, sql, params, single_param=False)


def base_key(table: str) -> str:
    """What a page that read rows of `table` one by one depends on besides those rows."""
    return f"{table}@base"


def row_key(table: str, pk: int) -> str:
    return f"{table}@{pk}"


def table_of(key: str) -> str:
    return key.partition("@")[0]


def version_key(key: str) -> str:
    """`key`: a table, or a table's base_key or row_key."""
    return version_keys([key])[0]


def version_keys(keys: Iterable[str]) -> list[str]:
    """version_key of each key. The database's name is looked up once: through Django's
    connection proxy that costs more than building the names (a kept page checks ~15)."""
    # Per database: test databases, or two portals sharing one Redis, never mix.
    prefix = f"tv:{default_connection.settings_dict['NAME']}:"
    return [prefix + key for key in keys]


# A row's token is needed only while a page or value that read the row is kept; a token that
# is missing reads as "changed", so letting them expire bounds Redis without a stale page.
ROW_TOKEN_SECONDS = 2 * 3600


def renew_keys(keys: Iterable[str]) -> None:
    keys = list(keys)
    if not keys:
        return
    token = secrets.randbits(62)  # an int: Redis keeps it as is, no pickling either way
    is_row = [
        ("@" in k and not k.endswith("@base"), name)
        for k, name in zip(keys, version_keys(keys), strict=True)
    ]
    tables = {name: token for row, name in is_row if not row}
    rows = {name: token for row, name in is_row if row}
    # An unreachable cache drops this (csa_portal.cache): pages then expire on their own.
    if tables:
        cache.set_many(tables, timeout=None)
    if rows:
        cache.set_many(rows, timeout=ROW_TOKEN_SECONDS)


def _whole(tables: Iterable[str]) -> frozenset[str]:
    """The tokens of tables changed in any way: every page that read them, whole or by rows."""
    return frozenset(key for table in tables for key in (table, base_key(table)))


def renew(tables: Iterable[str]) -> None:
    renew_keys(_whole(tables))


def changed_keys(sql: str, params) -> frozenset[str]:
    """The tokens a write renews (empty for a read). `params` None: an executemany, whose
    parameter sets are many rows."""
    tables = written_tables(sql)
    row = written_row(sql, params) if len(tables) == 1 and params is not None else None
    if row is not None:
        return frozenset({row[0], row_key(*row)})
    return _whole(tables)


def current_versions(keys: Iterable[str]) -> dict[str, int | None]:
    """Each key's token (a table, base_key or row_key), None where it has none (or the cache
    is unreachable)."""
    keys = list(keys)
    names = dict(zip(version_keys(keys), keys, strict=True))
    found = cache.get_many(list(names))
    return {key: found.get(name) for name, key in names.items()}


def versions_in_order(keys: tuple[str, ...]) -> tuple[int | None, ...]:
    """current_versions as a tuple in the keys' order, as kept entries store them."""
    versions = current_versions(keys)
    return tuple(versions[k] for k in keys)


def snapshot_versions_of(keys: list[str]) -> dict[str, int | None]:
    """The keys' tokens, giving a token to those that have none yet, so that a page never
    records "no token" (which a lost token would then match)."""
    versions = current_versions(keys)
    missing = [k for k, v in versions.items() if v is None]
    if missing:
        renew_keys(missing)
        versions.update(current_versions(missing))
    return versions


def snapshot_versions(extra: Iterable[str] = ()) -> dict[str, int | None]:
    """Every known table's token, and those of the `extra` keys (snapshot_versions_of)."""
    return snapshot_versions_of([*known_tables(), *extra])


# --- recording what a request reads ---------------------------------------------------------


@dataclass
class Recording:
    """What the statements run while a page is being rendered read and whether one wrote.
    `read`: tables read as a whole; `rows`: for tables read one row at a time, each row_key and
    the table's base_key with their tokens before the first statement that read them (they
    matter only for tables not also in `read`)."""

    read: set[str] = field(default_factory=set)
    rows: dict[str, int | None] = field(default_factory=dict)
    wrote: bool = False

    def note_row(self, table: str, pk: int) -> bool:
        """Note a read of one row before its statement runs (a write committed after this
        makes the result stale: each statement sees what was committed when it started, as
        under READ COMMITTED, PostgreSQL's default, and SQLite's autocommit). False when the
        table counts as read whole instead."""
        if table in self.read:
            return False
        prefix = f"{table}@"
        if sum(k.startswith(prefix) for k in self.rows) > ROWS_PER_TABLE:
            self.read.add(table)
            return False
        keys = [k for k in (row_key(table, pk), base_key(table)) if k not in self.rows]
        if keys:
            self.rows.update(snapshot_versions_of(keys))
        return True

    def tables(self) -> set[str]:
        """Every table read, whole or by rows."""
        return self.read.union(table_of(key) for key in self.rows)

    def learn(self, other: Recording) -> None:
        self.read.update(other.read)
        for key, version in other.rows.items():
            self.rows.setdefault(key, version)
        self.wrote = self.wrote or other.wrote

    def dependencies(self, versions: dict[str, int | None]) -> dict[str, int | None]:
        """The keys the result depends on and their tokens: `versions` (read before the first
        statement) for the tables read as a whole, the rows' own otherwise."""
        found = {table: versions.get(table) for table in self.read}
        found.update((k, v) for k, v in self.rows.items() if table_of(k) not in self.read)
        return found


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


# Part of every kept value's key: change it when _Kept changes, so that after a deploy no
# process reads a value pickled in an older shape.
KEPT_FORMAT = 2


@dataclass(frozen=True)
class _Kept:
    keys: tuple[str, ...]
    versions: tuple[int | None, ...]
    value: object

    def tell(self, recording: Recording) -> None:
        """A page being recorded learns what this value was computed from."""
        for key, version in zip(self.keys, self.versions, strict=True):
            if "@" in key:
                recording.rows.setdefault(key, version)
            else:
                recording.read.add(key)


def kept_until_written(key: str, compute, timeout: int = 3600):
    """compute()'s value, kept in the shared cache until a statement writes a table that
    compute()'s statements read: for aggregates that every view of a page would otherwise scan
    the program for (the staff home's counts, the grant portfolio). `key` names what is
    computed; the value must not depend on the language or the person (put what it depends on
    in the key).

    As for kept pages (csa_portal.page_cache): the tables (or rows) are those its statements
    read, their versions are read before computing (a write made meanwhile makes the value
    stale at once), and a page being recorded for the page cache is told about them also when
    the value comes from here and no statement ran."""
    kept_key = f"kept:{KEPT_FORMAT}:{default_connection.settings_dict['NAME']}:{key}"
    outer = _recording.get()
    kept = cache.get(kept_key)
    if isinstance(kept, _Kept) and versions_in_order(kept.keys) == kept.versions:
        if outer is not None:
            kept.tell(outer)
        return kept.value
    versions = snapshot_versions()
    recording, token = start_recording()
    try:
        value = compute()
    finally:
        stop_recording(token)
    if outer is not None:
        outer.learn(recording)
    # Not kept when this transaction wrote one of the tables: the value then shows rows that
    # nobody else sees yet and that a rollback would take back.
    if not recording.wrote and not _written_in_this_transaction().intersection(recording.tables()):
        found = recording.dependencies(versions)
        keys = tuple(sorted(found))
        cache.set(kept_key, _Kept(keys, tuple(found[k] for k in keys), value), timeout)
    return value


# --- the statement hook ---------------------------------------------------------------------


def track_statement(execute, sql, params, many, context):
    recording = _recording.get()
    row = None
    if recording is not None and not many:
        row = read_row(sql, params)
        if row is not None and not recording.note_row(*row):
            row = None
    result = execute(sql, params, many, context)
    changed = changed_keys(sql, None if many else params)
    if recording is not None:
        read = set(read_tables(sql))
        if row is not None:
            read.discard(row[0])  # depends on that row (noted above), not on the whole table
        recording.read.update(read)
        recording.wrote = recording.wrote or bool(changed)
    if changed:
        _note_write(context["connection"], changed)
    return result


class _PendingRenewal:
    """The keys a transaction's writes renewed, renewed again once it commits."""

    def __init__(self) -> None:
        self.keys: set[str] = set()

    def __call__(self) -> None:
        renew_keys(self.keys)


def _note_write(connection, keys: frozenset[str]) -> None:
    renew_keys(keys)
    if not connection.in_atomic_block:
        return  # autocommit: already committed
    pending = getattr(connection, "_pending_table_renewal", None)
    # A callback registered inside a savepoint that rolled back is gone with it (and so are
    # that savepoint's writes): register a new one then.
    if pending is None or not any(func is pending for _, func, _ in connection.run_on_commit):
        pending = _PendingRenewal()
        connection._pending_table_renewal = pending
        connection.on_commit(pending)
    pending.keys.update(keys)


def _written_in_this_transaction(connection=default_connection) -> set[str]:
    """The tables this transaction wrote (whole or some rows)."""
    pending = getattr(connection, "_pending_table_renewal", None)
    if not connection.in_atomic_block or pending is None:
        return set()
    if not any(func is pending for _, func, _ in connection.run_on_commit):
        return set()  # registered by an earlier transaction (or a rolled-back savepoint)
    return {table_of(key) for key in pending.keys}


def install(sender, connection, **kwargs) -> None:
    """connection_created receiver: hook every statement of the new connection."""
    if track_statement not in connection.execute_wrappers:
        connection.execute_wrappers.append(track_statement)
