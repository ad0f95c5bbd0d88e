"""Changing the login email, and the second factor: enrolling an authenticator app and giving
its code after the password."""

import base64
import time

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from csa_portal.rendering import render

from ..forms import EmailChangeForm, TwoFactorCodeForm
from ..models import SecurityEvent
from ..page_cache import page_cache_exempt
from ..security import (
    TWO_FACTOR,
    TWO_FACTOR_OK,
    TWO_FACTOR_VERIFY,
    password_recheck_locked,
    record_event,
)
from ..services import change_email, enroll_two_factor

PENDING_KEY = "two_factor_pending_key"


def _next_or(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return default


@require_http_methods(["GET", "POST"])
@login_required
def account_email(request):
    form = EmailChangeForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if password_recheck_locked(request.user):
            form.is_valid()  # the other fields' messages still show
            form.add_error(
                "current_password", _("Too many wrong passwords. Wait a moment and try again.")
            )
        elif form.is_valid():
            change_email(user=request.user, email=form.cleaned_data["email"])
            record_event(SecurityEvent.Kind.EMAIL_CHANGED, request=request, user=request.user)
            messages.success(request, _("Your email was changed. Use it to log in from now on."))
            return redirect("account")
        elif form.has_error("current_password", "wrong_password"):
            record_event(
                SecurityEvent.Kind.PASSWORD_RECHECK_FAILED, request=request, user=request.user
            )
    return render(request, "account/email.html", {"form": form})


def _code_matches(key_hex: str, code: str) -> bool:
    """Checks a code against a key not yet saved as a device (one step of clock drift)."""
    totp = TOTP(bytes.fromhex(key_hex), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time()
    return totp.verify(int(code), tolerance=1)


@page_cache_exempt  # the page shows the key kept in the session
@require_http_methods(["GET", "POST"])
@login_required
def two_factor_setup(request):
    """Shows a new secret as a QR code (inline SVG: no script, no inline style) and the text
    to type, and saves it only once a code from the app proves the phone has it."""
    key = request.session.get(PENDING_KEY)
    if not key:
        key = request.session[PENDING_KEY] = default_key()
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _code_matches(key, form.cleaned_data["code"]):
            enroll_two_factor(user=request.user, key=key)
            del request.session[PENDING_KEY]
            request.session[TWO_FACTOR] = TWO_FACTOR_OK
            record_event(SecurityEvent.Kind.TWO_FACTOR_ENROLLED, request=request, user=request.user)
            messages.success(request, _("Two-factor authentication is on for your account."))
            return redirect(_next_or(request, "account"))
        record_event(SecurityEvent.Kind.TWO_FACTOR_FAILED, request=request, user=request.user)
        form.add_error(
            "code", _("That code is not correct. Check your phone's clock and try again.")
        )
    device = TOTPDevice(user=request.user, key=key, name="Authenticator app")
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    secret = base64.b32encode(bytes.fromhex(key)).decode()
    context = {
        "form": form,
        # Made here from our own key and URL only: nothing user-supplied goes into the SVG.
        "qr_svg": mark_safe(image.to_string(encoding="unicode")),  # noqa: S308
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "next": _next_or(request, ""),
        "enrolled": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
    }
    return render(request, "account/two_factor_setup.html", context)


@page_cache_exempt  # depends on the session's second-factor state
@require_http_methods(["GET", "POST"])
@login_required
def two_factor_verify(request):
    """The step after the password for people with an authenticator app."""
    if request.session.get(TWO_FACTOR) != TWO_FACTOR_VERIFY:
        return redirect(_next_or(request, "home"))
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        # Reset by an admin since the password step: nothing to verify against.
        request.session[TWO_FACTOR] = None
        return redirect("home")
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _details = device.verify_is_allowed()
        if allowed and device.verify_token(form.cleaned_data["code"]):
            request.session.cycle_key()
            request.session[TWO_FACTOR] = TWO_FACTOR_OK
            return redirect(_next_or(request, "home"))
        record_event(SecurityEvent.Kind.TWO_FACTOR_FAILED, request=request, user=request.user)
        if allowed:
            form.add_error("code", _("That code is not correct."))
        else:
            form.add_error("code", _("Too many wrong codes. Wait a moment and try again."))
    return render(
        request,
        "account/two_factor_verify.html",
        {"form": form, "next": _next_or(request, "")},
    )
