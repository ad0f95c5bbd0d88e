"""Session hardening, the second factor and the security-event log.

Everything here is decided from the session on each request, so a normal page costs no extra
query: who must use a second factor is worked out once, when the session starts.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta

from axes.helpers import get_client_ip_address
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from .models import SecurityEvent, User

logger = logging.getLogger("csa_portal.security")

# Session keys. LOGIN_AT: when the password was accepted (for the absolute lifetime).
# TWO_FACTOR: "ok" (nothing more to ask), "verify" (enrolled, code not yet given) or "enroll"
# (required but no device yet). A session without it is checked once (sessions from before).
LOGIN_AT = "security_login_at"
REFRESHED_AT = "security_refreshed_at"  # when the idle expiry was last pushed forward
TWO_FACTOR = "security_two_factor"
TWO_FACTOR_OK, TWO_FACTOR_VERIFY, TWO_FACTOR_ENROLL = "ok", "verify", "enroll"


# --- Who must use a second factor ------------------------------------------------------------

_two_factor_roles: list[Callable[[User], bool]] = []


def register_two_factor_role(predicate: Callable[[User], bool]) -> None:
    """Apps above csa_portal add roles that need a second factor (legal_assistance: lawyers)."""
    if predicate not in _two_factor_roles:
        _two_factor_roles.append(predicate)


def two_factor_required_for(user: User) -> bool:
    if not settings.TWO_FACTOR_REQUIRED:
        return False
    if user.is_superuser or user.is_staff or user.program_role:
        return True
    return any(predicate(user) for predicate in _two_factor_roles)


def has_second_factor(user: User) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def two_factor_state(user: User) -> str:
    if has_second_factor(user):
        return TWO_FACTOR_VERIFY
    if two_factor_required_for(user):
        return TWO_FACTOR_ENROLL
    return TWO_FACTOR_OK


# --- Recording -------------------------------------------------------------------------------


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return getattr(request, "axes_ip_address", None) or get_client_ip_address(request)


def record_event(
    kind: str,
    *,
    request: HttpRequest | None = None,
    user: User | None = None,
    email: str = "",
) -> SecurityEvent:
    if user is not None and not email:
        email = user.email
    path = request.path[:255] if request is not None else ""
    ip = client_ip(request)
    event = SecurityEvent.objects.create(
        kind=kind, user=user, email=(email or "")[:254], ip_address=ip, path=path
    )
    logger.info("security event %s email=%s ip=%s path=%s", kind, email, ip, path)
    return event


def password_recheck_locked(user: User) -> bool:
    """Asking for the current password again (to change the email) is a password check an
    attacker holding a session could repeat: after AXES_FAILURE_LIMIT wrong answers it is
    refused for AXES_COOLOFF_TIME, like the login form."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = SecurityEvent.objects.filter(
        user=user, kind=SecurityEvent.Kind.PASSWORD_RECHECK_FAILED, at__gte=since
    )
    return failures.count() >= settings.AXES_FAILURE_LIMIT


def prune_security_events(*, older_than_days: int) -> int:
    """The security log keeps SECURITY_EVENT_RETENTION_DAYS: personal data (emails, IPs) is not
    kept longer than its purpose needs. One set-based delete."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _by_model = SecurityEvent.objects.filter(at__lt=cutoff).delete()
    return deleted


@receiver(user_logged_in, dispatch_uid="csa_portal.security.logged_in")
def _on_login(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    request.session[LOGIN_AT] = request.session[REFRESHED_AT] = int(time.time())  # saved now
    request.session[TWO_FACTOR] = two_factor_state(user)
    record_event(SecurityEvent.Kind.LOGIN, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="csa_portal.security.logged_out")
def _on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        record_event(SecurityEvent.Kind.LOGOUT, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="csa_portal.security.login_failed")
def _on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    email = credentials.get("username") or credentials.get("email") or ""
    user = User.objects.filter(email__iexact=email).first() if email else None
    record_event(SecurityEvent.Kind.LOGIN_FAILED, request=request, user=user, email=email)


@receiver(user_locked_out, dispatch_uid="csa_portal.security.locked_out")
def _on_lockout(sender, request, username, ip_address, **kwargs) -> None:
    user = User.objects.filter(email__iexact=username).first() if username else None
    record_event(SecurityEvent.Kind.LOCKOUT, request=request, user=user, email=username or "")
