import time

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.views import redirect_to_login
from django.urls import Resolver404, resolve, reverse
from django.utils import translation

from .models import SecurityEvent
from .security import (
    LOGIN_AT,
    REFRESHED_AT,
    TWO_FACTOR,
    TWO_FACTOR_OK,
    TWO_FACTOR_VERIFY,
    record_event,
    two_factor_state,
)


class UserLanguageMiddleware:
    """A logged-in person sees the portal in the language they chose, on any device."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.preferred_language:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        response = self.get_response(request)
        if user is not None and user.is_authenticated:
            # Personal pages must not be kept by shared caches or the back button after logout.
            response.headers.setdefault("Cache-Control", "no-store")
        return response


class SessionSecurityMiddleware:
    """Absolute session lifetime, the second-factor gate and the log of denied accesses.

    Runs after AuthenticationMiddleware. Reads only the session on a normal request; writes
    one row when a logged-in person is refused a page (403/404).
    """

    # Reachable while a second factor is still owed, besides the page that settles it and
    # logging out: switching the language of those pages.
    OPEN_ALWAYS = frozenset({"set_language"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            gate = self._check(request, user)
            if gate is not None:
                return gate
        response = self.get_response(request)
        if response.status_code in (403, 404) and request.user.is_authenticated:
            # Denied by a scoped helper, PermissionDenied or Http404: someone probing ids.
            denied = {403: SecurityEvent.Kind.FORBIDDEN, 404: SecurityEvent.Kind.NOT_FOUND}
            record_event(denied[response.status_code], request=request, user=request.user)
        return response

    def _check(self, request, user):
        """None to go on, or the redirect that ends or completes the session first."""
        session = request.session
        now = int(time.time())
        login_at = session.get(LOGIN_AT)
        if login_at is None:
            # A session from before this check existed: its lifetime starts now.
            session[LOGIN_AT] = login_at = now
        if now - login_at > settings.SESSION_ABSOLUTE_HOURS * 3600:
            record_event(SecurityEvent.Kind.SESSION_EXPIRED, request=request, user=user)
            auth.logout(request)
            return redirect_to_login(request.get_full_path())
        if now - session.get(REFRESHED_AT, 0) >= settings.SESSION_REFRESH_SECONDS:
            # Activity pushes the idle expiry (and the cookie's) forward, at most once every
            # SESSION_REFRESH_SECONDS: a changed session is saved and its cookie sent again.
            # Saving on every request cost a database write per page view.
            session[REFRESHED_AT] = now
        state = session.get(TWO_FACTOR)
        if state is None:
            session[TWO_FACTOR] = state = two_factor_state(user)
        if state == TWO_FACTOR_OK:
            return None
        url_name = getattr(resolve_or_none(request.path_info), "url_name", None)
        if url_name in self.OPEN_ALWAYS:
            return None
        target = "two_factor_verify" if state == TWO_FACTOR_VERIFY else "two_factor_setup"
        if url_name == target or url_name == "logout":
            return None
        return redirect_to_login(request.get_full_path(), login_url=reverse(target))


def resolve_or_none(path: str):
    try:
        return resolve(path)
    except Resolver404:
        return None


class PrivacyNoticeMiddleware:
    """A logged-in person who has not accepted the current privacy notice is sent to accept it
    before anything else (at first login, and again when a new version is published).

    The check reads the user row the session already loaded (publishing a new version clears
    everyone's acceptance), so it adds no query to a page.
    """

    # URL names a person can reach without accepting: leaving, switching language, reading the
    # notice itself, and the job progress fragments a page left open keeps polling.
    EXEMPT_URL_NAMES = frozenset(
        {
            "logout",
            "set_language",
            "privacy_notice",
            "privacy_notice_accept",
            "job_progress",
        }
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from .privacy_services import has_accepted_current_notice

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in self.EXEMPT_URL_NAMES:
            return None
        if getattr(view_func, "privacy_notice_exempt", False):
            return None
        if has_accepted_current_notice(user):
            return None
        return redirect_to_acceptance(request)


def redirect_to_acceptance(request):
    from django.shortcuts import redirect
    from django.urls import reverse
    from django.utils.http import urlencode

    target = reverse("privacy_notice_accept")
    if request.method == "GET" and not request.htmx:
        target += "?" + urlencode({"next": request.get_full_path()})
    return redirect(target)


def privacy_notice_exempt(view_func):
    """Mark a view a person may open before accepting the privacy notice (like csrf_exempt)."""
    view_func.privacy_notice_exempt = True
    return view_func
