"""Sessions and login, the second factor, the security-event log and the security headers."""

import json
import os
import subprocess
import sys
import time
from datetime import timedelta
from importlib import import_module
from pathlib import Path

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from csa_portal.models import SecurityEvent, User
from csa_portal.security import LOGIN_AT, TWO_FACTOR, TWO_FACTOR_VERIFY, record_event
from csa_portal.services import enroll_two_factor
from csa_portal.tasks import clear_expired_sessions, prune_security_events
from csa_portal.views.security import PENDING_KEY
from tests.personas import PASSWORD, speak_english

ROOT = Path(__file__).resolve().parents[2]
NEW_PASSWORD = "otra-Clave-muy-segura-42"


def login(client: Client, user: User, password: str = PASSWORD):
    return client.post(reverse("login"), {"username": user.email, "password": password})


def code_for(key_hex: str) -> str:
    totp = TOTP(bytes.fromhex(key_hex), step=30, t0=0, digits=6)
    totp.time = time.time()
    return f"{totp.token():06d}"


def events(kind: str) -> list[SecurityEvent]:
    return list(SecurityEvent.objects.filter(kind=kind))


def settings_in_subprocess(**env: str) -> dict:
    """The settings module as a fresh process with this environment computes it."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "TWO_FACTOR_REQUIRED"}}
    script = (
        "import json; from csa_portal import settings as s; "
        "print(json.dumps({k: getattr(s, k, None) for k in "
        "['TWO_FACTOR_REQUIRED', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', "
        "'SESSION_COOKIE_SECURE', 'SESSION_ABSOLUTE_HOURS', 'SECURE_SSL_REDIRECT']}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**clean, "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "portal.example.org", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- Sessions --------------------------------------------------------------------------------


def test_the_session_key_is_rotated_at_login(cast, client):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    assert login(client, cast.leader).status_code == 302
    assert client.session.session_key != before
    assert client.session[SESSION_KEY] == str(cast.leader.pk)


def test_a_password_change_ends_other_sessions_but_keeps_this_one(cast):
    here, elsewhere = Client(), Client()
    login(here, cast.leader)
    login(elsewhere, cast.leader)
    assert elsewhere.get(reverse("home")).status_code == 200

    response = here.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert here.get(reverse("home")).status_code == 200
    response = elsewhere.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_password_change_asks_for_the_old_password(cast, client):
    login(client, cast.leader)
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    cast.leader.refresh_from_db()
    assert cast.leader.check_password(PASSWORD)


def test_a_deactivated_user_is_logged_out_on_the_next_request(cast, client):
    login(client, cast.leader)
    assert client.get(reverse("home")).status_code == 200
    User.objects.filter(pk=cast.leader.pk).update(is_active=False)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_session_ends_after_its_absolute_lifetime_however_active(cast, client, settings):
    settings.SESSION_ABSOLUTE_HOURS = 12
    login(client, cast.leader)
    session = client.session
    session[LOGIN_AT] = int(time.time()) - 11 * 3600
    session.save()
    assert client.get(reverse("home")).status_code == 200

    session = client.session
    session[LOGIN_AT] = int(time.time()) - 12 * 3600 - 1
    session.save()
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert SESSION_KEY not in client.session
    assert events(SecurityEvent.Kind.SESSION_EXPIRED)[0].user == cast.leader


def test_the_idle_timeout_is_pushed_by_activity(settings):
    # Refreshed by SessionSecurityMiddleware at most once a minute (tests/csa_portal/
    # test_accounts.py shows the pushes and the writes it saves).
    assert settings.SESSION_REFRESH_SECONDS == 60
    assert settings.SESSION_COOKIE_AGE == 30 * 60


# --- Email change: re-authentication ----------------------------------------------------------


def test_changing_the_email_needs_the_current_password(cast, client):
    speak_english(cast.leader)
    login(client, cast.leader)
    response = client.post(
        reverse("account_email"), {"email": "nueva@test.mx", "current_password": "wrong"}
    )
    assert response.status_code == 200
    assert "Your current password is not correct." in response.content.decode()
    cast.leader.refresh_from_db()
    assert cast.leader.email == "leader@test.mx"

    response = client.post(
        reverse("account_email"), {"email": "Nueva@Test.mx", "current_password": PASSWORD}
    )
    assert response.status_code == 302
    cast.leader.refresh_from_db()
    assert cast.leader.email == "nueva@test.mx"
    # Still logged in, and the new email is the login from now on.
    assert client.get(reverse("home")).status_code == 200
    assert login(Client(), cast.leader).status_code == 302


def test_the_old_address_is_told_when_the_email_changes_in_the_persons_language(
    cast, client, mailoutbox, django_capture_on_commit_callbacks
):
    login(client, cast.leader)  # Spanish, the portal's default
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_email"), {"email": "nueva@test.mx", "current_password": PASSWORD}
        )

    [message] = mailoutbox
    assert message.to == ["leader@test.mx"]
    assert "nueva@test.mx" in message.body
    assert "correo" in message.subject.lower()  # in Spanish
    assert [e.email for e in events(SecurityEvent.Kind.EMAIL_CHANGED)] == ["nueva@test.mx"]


def test_wrong_passwords_on_the_email_page_are_limited_like_logins(cast, client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    speak_english(cast.leader)
    login(client, cast.leader)
    url = reverse("account_email")
    for _attempt in range(3):
        client.post(url, {"email": "nueva@test.mx", "current_password": "guess"})
    assert len(events(SecurityEvent.Kind.PASSWORD_RECHECK_FAILED)) == 3

    # Even the right password is refused now, and nothing changes.
    response = client.post(url, {"email": "nueva@test.mx", "current_password": PASSWORD})
    assert response.status_code == 200
    assert "Too many wrong passwords." in response.content.decode()
    cast.leader.refresh_from_db()
    assert cast.leader.email == "leader@test.mx"

    # After the cool-off it works again.
    SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PASSWORD_RECHECK_FAILED).update(
        at=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    client.post(url, {"email": "nueva@test.mx", "current_password": PASSWORD})
    cast.leader.refresh_from_db()
    assert cast.leader.email == "nueva@test.mx"


def test_security_events_older_than_the_retention_are_pruned(cast, settings):
    old = record_event(SecurityEvent.Kind.LOGIN, user=cast.leader)
    SecurityEvent.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=400))
    recent = record_event(SecurityEvent.Kind.LOGIN, user=cast.member)

    assert prune_security_events() == 1  # the beat task, with the default 365 days

    assert list(SecurityEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    assert "daily-prune-security-events" in settings.CELERY_BEAT_SCHEDULE


@pytest.mark.django_db
def test_expired_sessions_are_cleared_every_day(settings):
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for _ in range(3):
        store().create()
    live = store()
    live.create()
    Session.objects.exclude(session_key=live.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    clear_expired_sessions()  # the beat task

    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert "daily-clear-expired-sessions" in settings.CELERY_BEAT_SCHEDULE


def test_an_email_of_another_account_is_refused(cast, client):
    speak_english(cast.leader)
    login(client, cast.leader)
    response = client.post(
        reverse("account_email"), {"email": "MEMBER@test.mx", "current_password": PASSWORD}
    )
    assert response.status_code == 200
    assert "Another account uses this email." in response.content.decode()


def test_the_account_page_links_to_email_and_two_factor(cast, client_for):
    content = client_for(cast.member).get(reverse("account")).content.decode()
    assert reverse("account_email") in content
    assert reverse("two_factor_setup") in content


# --- Second factor ----------------------------------------------------------------------------


def test_enrollment_shows_a_qr_code_and_the_secret_and_needs_a_right_code(cast, client):
    speak_english(cast.staff)
    login(client, cast.staff)
    response = client.get(reverse("two_factor_setup"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in content
    assert "style=" not in content.split("<svg", 1)[1].split("</svg>", 1)[0]
    key = client.session[PENDING_KEY]
    assert not TOTPDevice.objects.exists(), "nothing is saved before a code proves the phone"

    response = client.post(reverse("two_factor_setup"), {"code": "123456"})
    assert response.status_code == 200
    assert "That code is not correct." in response.content.decode()
    assert not TOTPDevice.objects.exists()
    assert events(SecurityEvent.Kind.TWO_FACTOR_FAILED)[0].user == cast.staff

    response = client.post(reverse("two_factor_setup"), {"code": code_for(key)})
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=cast.staff)
    assert device.confirmed and device.key == key
    assert events(SecurityEvent.Kind.TWO_FACTOR_ENROLLED)


def test_after_the_password_an_enrolled_person_must_give_a_code(cast, client):
    speak_english(cast.leader)
    device = enroll_two_factor(user=cast.leader, key="ab" * 20)
    login(client, cast.leader)
    response = client.get(reverse("organizations:detail", args=[cast.org.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))
    # Nothing else is reachable, not even the enrollment page that would replace the phone.
    assert client.get(reverse("two_factor_setup")).status_code == 302
    assert client.get(reverse("home")).status_code == 302

    response = client.post(reverse("two_factor_verify"), {"code": "000000"})
    assert response.status_code == 200
    assert events(SecurityEvent.Kind.TWO_FACTOR_FAILED)
    # A wrong code makes the next attempt wait (django-otp's throttling): even a right code.
    response = client.post(reverse("two_factor_verify"), {"code": code_for(device.key)})
    assert "Too many wrong codes" in response.content.decode()
    device.refresh_from_db()
    device.throttle_reset()
    before = client.session.session_key

    response = client.post(
        reverse("two_factor_verify"), {"code": code_for(device.key), "next": reverse("account")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account")
    assert client.session.session_key != before
    assert client.get(reverse("home")).status_code == 200


def test_the_verification_step_lets_people_log_out(cast, client):
    enroll_two_factor(user=cast.leader, key="ab" * 20)
    login(client, cast.leader)
    assert client.session[TWO_FACTOR] == TWO_FACTOR_VERIFY
    assert client.post(reverse("logout")).status_code == 302
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize("persona", ["staff", "legal_coordinator", "admin"])
def test_when_required_program_people_are_sent_to_enroll_first(cast, client, settings, persona):
    settings.TWO_FACTOR_REQUIRED = True
    login(client, getattr(cast, persona))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup"))
    assert client.get(reverse("two_factor_setup")).status_code == 200


def test_when_required_cso_people_are_not_asked(cast, client, settings):
    settings.TWO_FACTOR_REQUIRED = True
    login(client, cast.leader)
    assert client.get(reverse("home")).status_code == 200


def test_when_not_required_nobody_is_sent_to_enroll(cast, client, settings):
    settings.TWO_FACTOR_REQUIRED = False
    login(client, cast.staff)
    assert client.get(reverse("home")).status_code == 200


def test_django_admin_requires_the_second_factor_when_required(cast, client, settings):
    settings.TWO_FACTOR_REQUIRED = True
    login(client, cast.admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup"))

    device = enroll_two_factor(user=cast.admin, key="cd" * 20)
    other = Client()
    login(other, cast.admin)
    response = other.get(reverse("admin:csa_portal_user_changelist"))
    assert response["Location"].startswith(reverse("two_factor_verify"))
    other.post(reverse("two_factor_verify"), {"code": code_for(device.key)})
    assert other.get(reverse("admin:csa_portal_user_changelist")).status_code == 200


def test_the_admin_login_form_does_not_skip_the_second_factor(cast, client, settings):
    settings.TWO_FACTOR_REQUIRED = True
    enroll_two_factor(user=cast.admin, key="cd" * 20)
    client.post(reverse("admin:login"), {"username": cast.admin.email, "password": PASSWORD})
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))


def test_an_admin_resets_a_lost_second_factor(cast, client_for):
    enroll_two_factor(user=cast.staff, key="ab" * 20)
    client = client_for(cast.admin)
    response = client.post(
        reverse("admin:csa_portal_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [cast.staff.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=cast.staff).exists()
    assert events(SecurityEvent.Kind.TWO_FACTOR_RESET)[0].user == cast.staff


def test_the_demo_default_is_off_and_production_default_is_on():
    assert settings_in_subprocess()["TWO_FACTOR_REQUIRED"] is False
    assert settings_in_subprocess(DEBUG="false")["TWO_FACTOR_REQUIRED"] is True
    assert (
        settings_in_subprocess(DEBUG="false", TWO_FACTOR_REQUIRED="false")["TWO_FACTOR_REQUIRED"]
        is False
    )


# --- Security events --------------------------------------------------------------------------


def test_a_login_and_a_logout_are_recorded(cast, client):
    login(client, cast.leader)
    client.post(reverse("logout"))
    (event,) = events(SecurityEvent.Kind.LOGIN)
    assert (event.user, event.email, event.ip_address) == (
        cast.leader,
        "leader@test.mx",
        "127.0.0.1",
    )
    assert events(SecurityEvent.Kind.LOGOUT)[0].user == cast.leader


def test_a_failed_login_is_recorded_with_the_email_tried(cast, client, caplog):
    login(client, cast.leader, password="wrong")
    client.post(reverse("login"), {"username": "nobody@test.mx", "password": "x"})
    known, unknown = sorted(events(SecurityEvent.Kind.LOGIN_FAILED), key=lambda e: e.email)
    assert (known.user, known.email) == (cast.leader, "leader@test.mx")
    assert (unknown.user, unknown.email) == (None, "nobody@test.mx")
    assert known.path == reverse("login")
    assert "login_failed" in caplog.text


def test_a_lockout_is_recorded(cast, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, cast.leader, password="wrong")
    (event,) = events(SecurityEvent.Kind.LOCKOUT)
    assert event.email == "leader@test.mx"
    assert event.user == cast.leader


def test_denied_accesses_of_logged_in_people_are_recorded(cast, client_for):
    client = client_for(cast.leader)
    SecurityEvent.objects.all().delete()
    assert client.get(reverse("organizations:directory")).status_code == 403
    assert client.get(reverse("organizations:detail", args=[cast.other_org.pk])).status_code == 404
    assert client.get("/no-such-page/").status_code == 404
    (forbidden,) = events(SecurityEvent.Kind.FORBIDDEN)
    assert (forbidden.user, forbidden.path) == (cast.leader, reverse("organizations:directory"))
    assert {e.path for e in events(SecurityEvent.Kind.NOT_FOUND)} == {
        reverse("organizations:detail", args=[cast.other_org.pk]),
        "/no-such-page/",
    }


def test_a_page_that_works_writes_no_event(cast, client_for):
    client = client_for(cast.leader)
    client.get(reverse("home"))
    count = SecurityEvent.objects.count()
    assert client.get(reverse("organizations:detail", args=[cast.org.pk])).status_code == 200
    assert SecurityEvent.objects.count() == count


def test_anonymous_404s_are_not_recorded(db, client):
    assert client.get("/no-such-page/").status_code == 404
    assert not SecurityEvent.objects.exists()


def test_the_event_log_is_read_only_in_the_admin(cast, client_for):
    SecurityEvent.objects.create(kind=SecurityEvent.Kind.LOGIN, user=cast.leader, email="x@y.mx")
    client = client_for(cast.admin)
    url = reverse("admin:csa_portal_securityevent_changelist")
    assert client.get(url).status_code == 200
    assert (
        client.get(url, {"kind__exact": "login", "user__id__exact": cast.leader.pk}).status_code
        == 200
    )
    assert client.get(url, {"at__year": "2026"}).status_code == 200
    assert client.get(reverse("admin:csa_portal_securityevent_add")).status_code == 403


# --- Headers ----------------------------------------------------------------------------------


def assert_security_headers(response) -> None:
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_every_response_carries_the_security_headers(cast, client):
    anonymous = [reverse("login"), reverse("home"), "/no-such-page/"]
    for url in anonymous:
        assert_security_headers(client.get(url))
    client.force_login(cast.leader)
    for url in [reverse("home"), reverse("account"), "/no-such-page/", reverse("two_factor_setup")]:
        response = client.get(url)
        assert_security_headers(response)
        assert "no-store" in response["Cache-Control"]
    assert_security_headers(client.get(reverse("organizations:directory")))


def test_production_settings_send_hsts(cast, client, settings):
    production = settings_in_subprocess(DEBUG="false")
    assert production["SECURE_HSTS_SECONDS"] >= 31536000
    assert production["SESSION_COOKIE_SECURE"] is True
    settings.DEBUG = False
    settings.SECURE_HSTS_SECONDS = production["SECURE_HSTS_SECONDS"]
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = production["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("login")).status_code == 301  # plain HTTP goes to HTTPS
    response = client.get(reverse("login"), secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in response["Strict-Transport-Security"]
    assert_security_headers(response)
