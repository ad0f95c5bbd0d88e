"""Rendered pages kept per session until a table they read changes.

Most of a page's cost is Django rendering the layout, menus, tables and forms (bench/NOTES.md);
the same person reloading a list or coming back to a page gets exactly the same bytes as long
as nothing they were computed from changed. So a logged-in GET that renders a 200 HTML page is
kept, keyed by everything else the page depends on:

- the request: the path with its query string, the host and scheme, htmx's headers;
- the person: the session (so one person's page never reaches another), and the CSRF cookie
  (its forms carry a token for that cookie);
- the language and today's date (deadlines, "overdue");
- the database: the tables its statements read, with their version tokens when it started
  rendering (csa_portal.table_versions); any write to one of them since makes it stale. A
  table read only as single rows by primary key (the organization of an organization's page,
  the person viewing) depends on those rows alone, and on writes of other shapes to the table.

A page is served from the cache only if all of those match, after every check that runs before
the view (login, second factor, privacy notice). It is never kept when producing it changed
something: a statement that wrote, a changed session, a new CSRF cookie, a message, a cookie,
or any status but 200. A write that must happen on every view, such as the log of who saw a
confidential legal case, goes through `repeat_on_every_view`: it runs again each time the page
is served from the cache. Views whose page depends on anything else (the session's content, a
file) are marked `page_cache_exempt`.
PAGE_CACHE_SECONDS bounds how long an entry lives (0 turns the cache off).
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import zlib
from dataclasses import dataclass, field
from functools import wraps

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from . import table_versions
from .auth_backends import read_person


def page_cache_exempt(view):
    """Mark a view whose page depends on more than the database and the request (the
    session's content, a file): it is rendered on every request."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        return view(*args, **kwargs)

    wrapper.page_cache_exempt = True
    return wrapper


def repeat_on_every_view(request, action: str, **values) -> None:
    """Call the function at the dotted path `action` as `action(user=request.user, **values)`
    now, and again each time this page is served from the cache, so that (for instance) every
    view of a confidential page is logged. `values` are plain values (ids, strings). Its writes
    do not stop the page from being kept."""
    rendering = getattr(request, "_page_cache", None)
    with table_versions.not_recorded():
        import_string(action)(user=request.user, **values)
    if rendering is not None:
        rendering.repeats.append((action, values))


# Part of every key: change it when Entry changes, so a deploy never reads an older kind.
ENTRY_FORMAT = 2


@dataclass(frozen=True)
class Entry:
    # Tables, and table_versions.row_key/base_key for tables read only row by row.
    keys: tuple[str, ...]
    versions: tuple[int | None, ...]
    headers: tuple[tuple[str, str], ...]
    # zlib-compressed: pages of 10-190 KB per person and page would otherwise fill Redis (HTML
    # shrinks about five times; reading it back costs ~0.1 ms).
    compressed: bytes
    repeats: tuple[tuple[str, dict], ...] = ()


@dataclass
class _Rendering:
    """A page being rendered for the cache: what its statements read, from process_view to
    the response."""

    key: str
    recording: table_versions.Recording
    token: contextvars.Token
    versions: dict[str, int | None]
    repeats: list[tuple[str, dict]] = field(default_factory=list)


def _person_row(request) -> tuple[str, str]:
    """What every page depends on though it is read before the view runs: the person's row
    (role, language, privacy acceptance), loaded by the authentication middleware. Only that
    row: someone else logging in (their last_login) changes no one else's pages."""
    table = get_user_model()._meta.db_table
    return table_versions.row_key(table, request.user.pk), table_versions.base_key(table)


def _person_unchanged(request) -> bool:
    """Whether the person's row still holds what the authentication middleware loaded, now
    that its version has been read. The person was loaded before: a change in between (a role
    removed) would otherwise keep a page rendered for the old role under the new row's
    version, and serve it to the person who lost the role. One statement a rendered page."""
    now = read_person(request.user.pk)
    fields = [field.attname for field in get_user_model()._meta.concrete_fields]
    return now is not None and all(
        getattr(now, name) == getattr(request.user, name) for name in fields
    )


def _has_pending_messages(request) -> bool:
    # Messages wait in a cookie (or the session when large) until a page shows them.
    return "messages" in request.COOKIES or "_messages" in request.session


def _new_csrf_secret(request) -> bool:
    """Whether the page's forms carry a token for a CSRF secret the browser does not have yet
    (this response's cookie brings it): kept, it would not match a later request's cookie.
    A page that merely used the existing secret is fine (Django then only resends the cookie
    to push its expiry, a year away)."""
    secret = request.META.get("CSRF_COOKIE")
    return secret is not None and secret != request.COOKIES.get(settings.CSRF_COOKIE_NAME)


def page_key(request) -> str:
    htmx = sorted((k, v) for k, v in request.META.items() if k.startswith("HTTP_HX_"))
    parts = [
        request.get_full_path(),
        request.get_host(),
        request.scheme,
        repr(htmx),
        request.session.session_key or "",
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
        translation.get_language() or "",
        timezone.localdate().isoformat(),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"page:{ENTRY_FORMAT}:{digest}"


def _cacheable_request(request, view_func) -> bool:
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method != "GET":
        return False
    if not request.user.is_authenticated or getattr(view_func, "page_cache_exempt", False):
        return False
    match = request.resolver_match
    if match is not None and "admin" in match.namespaces:
        return False
    return not _has_pending_messages(request)


def _cacheable_response(request, response, rendering: _Rendering) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and not response.cookies
        and not rendering.recording.wrote
        # Sticky: also true when the session changed before the view (a refresh tick).
        and not request.session.modified
        and not _new_csrf_secret(request)
        and not getattr(getattr(request, "_messages", None), "_queued_messages", None)
    )


# Page key -> the version keys of the entry this process last found or kept under it. Only a
# hint: with it, the entry and its versions come in one round trip to Redis instead of two
# (the entry says what it depends on). Bounded: cleared when it grows past HINTS_MAX.
_key_hints: dict[str, tuple[str, ...]] = {}
HINTS_MAX = 5000


def _remember_keys(key: str, keys: tuple[str, ...]) -> None:
    if len(_key_hints) >= HINTS_MAX:
        _key_hints.clear()
    _key_hints[key] = keys


def _lookup(key: str) -> Entry | None:
    hinted = _key_hints.get(key, ())
    names = table_versions.version_keys(hinted)
    found = cache.get_many([key, *names])
    entry = found.get(key)
    if not isinstance(entry, Entry):
        return None
    if entry.keys == hinted:
        now = tuple(found.get(name) for name in names)
    else:
        now = table_versions.versions_in_order(entry.keys)
        _remember_keys(key, entry.keys)
    return entry if now == entry.versions else None


def _replay(request, entry: Entry) -> HttpResponse:
    # One repeated write commits by itself; several commit together or not at all.
    with transaction.atomic() if len(entry.repeats) > 1 else contextlib.nullcontext():
        for action, values in entry.repeats:
            import_string(action)(user=request.user, **values)
    response = HttpResponse(zlib.decompress(entry.compressed))
    for name, value in entry.headers:
        response.headers[name] = value
    return response


class PageCacheMiddleware:
    """Last in MIDDLEWARE: its process_view runs after every other check before the view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        rendering = getattr(request, "_page_cache", None)
        if rendering is None:
            return response
        table_versions.stop_recording(rendering.token)
        if _cacheable_response(request, response, rendering):
            found = rendering.recording.dependencies(rendering.versions)
            keys = tuple(sorted(found))
            entry = Entry(
                keys=keys,
                versions=tuple(found[k] for k in keys),
                headers=tuple(response.headers.items()),
                compressed=zlib.compress(response.content, 1),
                repeats=tuple(rendering.repeats),
            )
            cache.set(rendering.key, entry, settings.PAGE_CACHE_SECONDS)
            _remember_keys(rendering.key, keys)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not _cacheable_request(request, view_func):
            return None
        key = page_key(request)
        entry = _lookup(key)
        if entry is not None:
            return _replay(request, entry)
        # Versions are read before the view's first statement: a write committed while the
        # page renders then makes the kept page stale at once.
        person = _person_row(request)
        versions = table_versions.snapshot_versions(extra=person)
        if not _person_unchanged(request):
            return None  # rendered for this request only
        recording, token = table_versions.start_recording()
        recording.rows.update({key: versions[key] for key in person})
        request._page_cache = _Rendering(
            key=key,
            recording=recording,
            token=token,
            versions=versions,
        )
        return None
