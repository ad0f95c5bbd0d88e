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
