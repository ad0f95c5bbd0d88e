from django.utils import translation


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
