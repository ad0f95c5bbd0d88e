from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from csa_portal.rendering import render

from ..forms import AccountForm, LanguageForm
from ..services import set_preferred_language, update_account


@require_http_methods(["GET", "POST"])
@login_required
def account(request):
    form = AccountForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        update_account(user=request.user, **form.cleaned_data)
        translation.activate(request.user.preferred_language)
        messages.success(request, _("Your account was saved."))
        return redirect("account")
    return render(request, "account/account.html", {"form": form})


@require_POST
def set_language(request):
    """Switch language; remembered on the account for logged-in people and in a cookie."""
    form = LanguageForm(request.POST)
    target = request.POST.get("next") or "/"
    # A URL only (never a view name), and never one with control characters in it.
    if "\x00" in target or not url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            set_preferred_language(user=request.user, language=language)
        response.set_cookie("django_language", language, max_age=365 * 24 * 3600, samesite="Lax")
    return response
