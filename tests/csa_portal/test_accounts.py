"""Accounts and security: email login, throttling, hashing, sessions, passwords, invitations.

Each test goes through the real views (the login form, not force_login) where the behaviour
under test lives in the request cycle: django-axes, the session middleware, the CSP middleware.
"""

import importlib.util
import re
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

import csa_portal.settings as project_settings
from csa_portal.models import User
from csa_portal.security import REFRESHED_AT
from organizations.models import Invitation, Membership
from tests.personas import PASSWORD, make_invitation, make_organization, make_user

NEW_PASSWORD = "otra-Clave-muy-segura-42"


def log_in(client: Client, email: str, password: str = PASSWORD, **extra):
    return client.post(reverse("login"), {"username": email, "password": password}, **extra)


def logged_in_user_id(client: Client) -> str | None:
    return client.session.get(SESSION_KEY)


def load_settings(monkeypatch, tmp_path, **env) -> object:
    """A fresh copy of csa_portal/settings.py evaluated under the given environment."""
    for name in ("EMAIL_HOST", "SESSION_IDLE_MINUTES", "INVITATION_VALID_DAYS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location(
        "settings_under_test", Path(project_settings.__file__)
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def user(db) -> User:
    return make_user("persona@test.mx")


# --- Login ---------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["persona@test.mx", "Persona@Test.MX", "  persona@test.mx "])
def test_login_by_email_is_case_insensitive_and_goes_home(client, user, typed):
    response = log_in(client, typed)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert logged_in_user_id(client) == str(user.pk)
    assert client.get(reverse("home")).status_code == 200


def test_login_returns_to_the_page_asked_for(client, user):
    response = client.post(
        reverse("login") + "?next=" + reverse("account"),
        {"username": user.email, "password": PASSWORD, "next": reverse("account")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account")


def test_login_never_redirects_off_site(client, user):
    response = client.post(
        reverse("login"),
        {"username": user.email, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_a_wrong_password_shows_an_error_and_does_not_log_in(client, user):
    response = log_in(client, user.email, "not-the-password", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert logged_in_user_id(client) is None
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_an_unknown_email_gets_the_same_error_as_a_wrong_password(client, user):
    wrong = log_in(client, user.email, "not-the-password")
    unknown = log_in(client, "nobody@test.mx")
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


def test_a_logged_in_person_opening_the_login_page_goes_home(client, user):
    log_in(client, user.email)
    response = client.get(reverse("login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


# --- Throttling (django-axes) --------------------------------------------------------------


def fail_until_locked(client: Client, email: str) -> list[int]:
    return [
        log_in(client, email, f"wrong-{i}").status_code
        for i in range(django_settings.AXES_FAILURE_LIMIT)
    ]


def test_the_account_is_locked_after_the_failure_limit_even_for_the_right_password(
    client, user, settings
):
    settings.AXES_FAILURE_LIMIT = 3
    statuses = fail_until_locked(client, user.email)

    # The failures before the limit re-show the form; the one reaching it is refused.
    assert statuses == [200, 200, 429]
    response = log_in(client, user.email)
    assert response.status_code == 429
    assert logged_in_user_id(client) is None
    assert reverse("password_reset") in response.content.decode()


def test_the_lockout_lifts_after_the_cool_off(client, user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    fail_until_locked(client, user.email)
    assert log_in(client, user.email).status_code == 429

    # Age the recorded failures past the configured cool-off (the database handler counts
    # only attempts newer than now - AXES_COOLOFF_TIME).
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )

    response = log_in(client, user.email)
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(user.pk)


def test_the_lockout_holds_until_the_cool_off_has_passed(client, user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    fail_until_locked(client, user.email)
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME + timedelta(minutes=1)
    )
    assert log_in(client, user.email).status_code == 429


def test_a_success_before_the_limit_resets_the_count(client, user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    log_in(client, user.email, "wrong-1")
    log_in(client, user.email, "wrong-2")
    assert log_in(client, user.email).status_code == 302
    client.post(reverse("logout"))

    assert log_in(client, user.email, "wrong-3").status_code == 200
    assert log_in(client, user.email).status_code == 302


def test_the_lockout_is_per_address_so_an_attacker_cannot_lock_out_the_owner(
    client, user, settings
):
    settings.AXES_FAILURE_LIMIT = 3
    fail_until_locked(Client(REMOTE_ADDR="203.0.113.9"), user.email)

    response = log_in(client, user.email)  # the owner, from another address
    assert response.status_code == 302


@pytest.mark.parametrize("login_url", ["login", "admin:login"])
def test_changing_the_case_of_the_email_does_not_get_more_attempts(
    client, user, settings, login_url
):
    # Emails log in case-insensitively, so axes must count them that way too (on the admin
    # login as well), or each spelling would get its own AXES_FAILURE_LIMIT attempts.
    settings.AXES_FAILURE_LIMIT = 3
    url = reverse(login_url)
    statuses = [
        client.post(url, {"username": typed, "password": "wrong"}).status_code
        for typed in ("persona@test.mx", "PERSONA@test.mx", " Persona@Test.mx")
    ]
    assert statuses == [200, 200, 429]

    assert log_in(client, "persona@test.mx").status_code == 429
    assert logged_in_user_id(client) is None


def test_throttling_is_configured_as_documented():
    assert project_settings.AXES_FAILURE_LIMIT == 5
    assert project_settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert project_settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert "axes.middleware.AxesMiddleware" in project_settings.MIDDLEWARE
    assert project_settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


# --- Password hashing ----------------------------------------------------------------------


def test_argon2_is_the_first_password_hasher():
    # The settings module itself: this directory's conftest swaps in MD5 for speed.
    assert project_settings.PASSWORD_HASHERS[0] == (
        "django.contrib.auth.hashers.Argon2PasswordHasher"
    )


def test_new_passwords_are_stored_with_argon2(db, settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = make_user("argon@test.mx")
    assert user.password.startswith("argon2$")
    assert user.check_password(PASSWORD)


def test_an_older_hash_is_upgraded_to_argon2_on_login(client, db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    user = make_user("old@test.mx")
    assert user.password.startswith("pbkdf2_sha256$")

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    assert log_in(client, user.email).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


# --- Sessions ------------------------------------------------------------------------------


def test_the_session_lasts_session_idle_minutes_and_is_renewed_every_minute(monkeypatch, tmp_path):
    assert project_settings.SESSION_COOKIE_AGE == 30 * 60
    assert project_settings.SESSION_REFRESH_SECONDS == 60
    configured = load_settings(monkeypatch, tmp_path, SESSION_IDLE_MINUTES="10")
    assert configured.SESSION_COOKIE_AGE == 10 * 60


def stored_session(client: Client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_activity_pushes_the_expiry_forward(client, user, settings):
    log_in(client, user.email)
    Session.objects.filter(pk=client.session.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=1)
    )
    session = client.session  # the last push (the login) was a minute ago
    session[REFRESHED_AT] -= settings.SESSION_REFRESH_SECONDS
    session.save()

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE
    remaining = stored_session(client).expire_date - timezone.now()
    assert timedelta(seconds=settings.SESSION_COOKIE_AGE - 60) < remaining
    assert remaining <= timedelta(seconds=settings.SESSION_COOKIE_AGE)


def test_requests_within_the_refresh_interval_do_not_write_the_session(client, user, settings):
    log_in(client, user.email)  # the login saved the session with a whole idle period
    stored = stored_session(client).expire_date

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert not any("UPDATE" in q["sql"] and "django_session" in q["sql"] for q in queries)
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert stored_session(client).expire_date == stored

    # A minute later, activity pushes it again.
    session = client.session
    session[REFRESHED_AT] -= settings.SESSION_REFRESH_SECONDS
    session.save()
    response = client.get(reverse("home"))
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE
    assert stored_session(client).expire_date > stored


def test_after_the_idle_time_the_session_is_over(client, user):
    log_in(client, user.email)
    # Nothing happened for longer than SESSION_IDLE_MINUTES: the stored expiry is in the past.
    Session.objects.filter(pk=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_the_session_cookie_is_not_readable_by_scripts(client, user, settings):
    response = log_in(client, user.email)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


# --- Logout --------------------------------------------------------------------------------


def test_logout_refuses_get_and_keeps_the_session(client, user):
    log_in(client, user.email)
    assert client.get(reverse("logout")).status_code == 405
    assert logged_in_user_id(client) == str(user.pk)
    assert client.get(reverse("home")).status_code == 200


def test_logout_by_post_ends_the_session(client, user):
    log_in(client, user.email)
    old_key = client.session.session_key

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert not Session.objects.filter(pk=old_key).exists()
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


# --- Password change -----------------------------------------------------------------------


def change_password(client: Client, old: str):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )


def test_password_change_requires_the_old_password(client, user):
    log_in(client, user.email)

    response = change_password(client, "not-the-old-one")

    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_keeps_this_session_and_ends_the_others(client, user):
    log_in(client, user.email)
    elsewhere = Client()
    log_in(elsewhere, user.email)

    response = change_password(client, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # This session's hash was updated, so it stays logged in...
    assert client.session[HASH_SESSION_KEY] == user.get_session_auth_hash()
    assert client.get(reverse("home")).status_code == 200
    # ...while a session opened with the old password is over.
    assert elsewhere.get(reverse("home"))["Location"].startswith(reverse("login"))
    # And the new password is the one that logs in.
    assert log_in(Client(), user.email, NEW_PASSWORD).status_code == 302
    assert log_in(Client(), user.email, PASSWORD).status_code == 200


def test_password_change_needs_a_login(client, db):
    response = client.get(reverse("password_change"))
    assert response["Location"].startswith(reverse("login") + "?next=")


# --- Password reset ------------------------------------------------------------------------

RESET_LINK = re.compile(r"http://testserver(/accounts/password/reset/[^/\s]+/[^/\s]+/)")


def request_reset(client: Client, email: str, **extra) -> str:
    mail.outbox.clear()
    response = client.post(reverse("password_reset"), {"email": email}, **extra)
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [email]
    match = RESET_LINK.search(mail.outbox[0].body)
    assert match, mail.outbox[0].body
    return match.group(1)


def test_password_reset_emails_a_link_that_sets_a_new_password(client, user):
    link = request_reset(client, user.email)

    # Django swaps the token for a session marker and redirects to the set-password form.
    response = client.get(link, follow=True)
    assert response.status_code == 200
    assert response.context["validlink"] is True
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert log_in(Client(), user.email, NEW_PASSWORD).status_code == 302

    # The link is spent once the password changed.
    again = Client().get(link, follow=True)
    assert again.context["validlink"] is False


def test_password_reset_for_an_unknown_email_sends_nothing_and_says_the_same(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@test.mx"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_password_reset_sends_nothing_to_a_deactivated_account(client, db):
    make_user("gone@test.mx", is_active=False)
    client.post(reverse("password_reset"), {"email": "gone@test.mx"})
    assert mail.outbox == []


@pytest.mark.parametrize(("preferred", "browser"), [("en", "es"), ("es", "en")])
def test_the_reset_email_is_in_the_account_language(client, db, preferred, browser):
    user = make_user("idioma@test.mx", preferred_language=preferred)

    request_reset(client, user.email, HTTP_ACCEPT_LANGUAGE=browser)

    with translation.override(preferred):
        subject = translation.gettext("Reset your CSA Portal password")
        greeting = translation.gettext("Hello,")
    assert mail.outbox[0].subject == subject
    assert mail.outbox[0].body.startswith(greeting)


def test_the_reset_email_goes_from_the_portal_address(client, user, settings):
    request_reset(client, user.email)
    assert mail.outbox[0].from_email == settings.DEFAULT_FROM_EMAIL


# --- Invitations ---------------------------------------------------------------------------


def emailed_invitation_path(mailoutbox) -> str:
    match = re.search(
        r"http://testserver(/organizations/invitations/[^/\s]+/)", mailoutbox[-1].body
    )
    assert match, mailoutbox[-1].body
    return match.group(1)


def accept_payload() -> dict[str, str]:
    return {"display_name": "Nueva Persona", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}


def test_an_invitation_link_works_once(client, db, mailoutbox, django_capture_on_commit_callbacks):
    organization = make_organization()
    with django_capture_on_commit_callbacks(execute=True):
        make_invitation(organization, "nueva@test.mx", Membership.Role.LEADER)
    path = emailed_invitation_path(mailoutbox)

    assert client.get(path).status_code == 200
    response = client.post(path, accept_payload())

    assert response.status_code == 302
    assert response["Location"] == organization.get_absolute_url()
    user = User.objects.get(email="nueva@test.mx")
    assert logged_in_user_id(client) == str(user.pk)
    assert user.check_password(NEW_PASSWORD)
    assert user.memberships.get().role == Membership.Role.LEADER

    # Spent: neither the original visitor nor anyone else can use it again.
    assert client.get(path).status_code == 404
    stranger = Client()
    assert stranger.get(path).status_code == 404
    assert stranger.post(path, accept_payload()).status_code == 404
    assert User.objects.filter(email="nueva@test.mx").count() == 1


def test_an_invitation_expires_after_invitation_valid_days(client, db, settings):
    settings.INVITATION_VALID_DAYS = 3
    invitation, token = make_invitation(make_organization())
    path = reverse("organizations:accept_invitation", args=[token])

    assert invitation.expires_at - timezone.now() > timedelta(days=3) - timedelta(minutes=1)
    assert invitation.expires_at - timezone.now() <= timedelta(days=3)

    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() + timedelta(minutes=1)
    )
    assert client.get(path).status_code == 200

    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(path).status_code == 404
    assert client.post(path, accept_payload()).status_code == 404
    assert not User.objects.filter(email="invitee@test.mx").exists()


def test_invitation_valid_days_comes_from_the_environment(monkeypatch, tmp_path):
    assert project_settings.INVITATION_VALID_DAYS == 7
    assert (
        load_settings(monkeypatch, tmp_path, INVITATION_VALID_DAYS="2").INVITATION_VALID_DAYS == 2
    )


def test_an_invitation_refuses_mismatched_passwords(client, db):
    _invitation, token = make_invitation(make_organization())
    path = reverse("organizations:accept_invitation", args=[token])

    response = client.post(path, {**accept_payload(), "password2": "something-else-9"})

    assert response.status_code == 200
    assert response.context["form"].errors["password2"]
    assert client.get(path).status_code == 200  # still usable
    assert not User.objects.filter(email="invitee@test.mx").exists()


# --- Email backend -------------------------------------------------------------------------


def test_email_goes_to_the_console_unless_a_host_is_configured(monkeypatch, tmp_path):
    default = load_settings(monkeypatch, tmp_path)
    assert default.MAILERS == {
        "default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    }

    configured = load_settings(
        monkeypatch,
        tmp_path,
        EMAIL_HOST="smtp.example.org",
        EMAIL_PORT="2525",
        EMAIL_HOST_USER="portal",
        EMAIL_HOST_PASSWORD="secret",
        EMAIL_USE_TLS="false",
    )
    assert configured.MAILERS["default"] == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "smtp.example.org",
            "port": 2525,
            "username": "portal",
            "password": "secret",
            "use_tls": False,
        },
    }


def test_smtp_defaults_to_the_submission_port_with_tls(monkeypatch, tmp_path):
    configured = load_settings(monkeypatch, tmp_path, EMAIL_HOST="smtp.example.org")
    options = configured.MAILERS["default"]["OPTIONS"]
    assert (options["port"], options["use_tls"]) == (587, True)


def test_the_configured_mailer_is_the_one_django_sends_with(settings):
    """The OPTIONS are the SMTP backend's own argument names (a wrong one fails here)."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "smtp.example.org", "port": 2525, "use_tls": False},
        }
    }
    mailer = mail.mailers.default
    assert (mailer.host, mailer.port, mailer.use_tls) == ("smtp.example.org", 2525, False)


# --- Security headers ----------------------------------------------------------------------


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def responses(client, user) -> dict[str, object]:
    """One response of each kind: public page, personal page, redirect, 404, 405, POST."""
    anonymous = Client()
    found = {
        "login page": anonymous.get(reverse("login")),
        "redirect to login": anonymous.get(reverse("home")),
        "not found": anonymous.get("/no-such-page/"),
        "method not allowed": anonymous.get(reverse("logout")),
        "form error": log_in(anonymous, user.email, "wrong"),
    }
    log_in(client, user.email)
    found["home"] = client.get(reverse("home"))
    found["account"] = client.get(reverse("account"))
    found["saved form"] = client.post(
        reverse("account"), {"display_name": "Otro", "preferred_language": "es"}
    )
    return found


def test_every_response_carries_a_strict_content_security_policy(responses):
    for kind, response in responses.items():
        directives = csp_directives(response)
        scripts = directives.get("script-src", directives.get("default-src"))
        assert scripts == ["'self'"], kind
        assert "'unsafe-inline'" not in response["Content-Security-Policy"], kind
        assert "'unsafe-eval'" not in response["Content-Security-Policy"], kind
        assert directives["frame-ancestors"] == ["'none'"], kind
        assert directives["object-src"] == ["'none'"], kind


def test_every_response_carries_nosniff_and_a_referrer_policy(responses):
    for kind, response in responses.items():
        assert response["X-Content-Type-Options"] == "nosniff", kind
        assert response["Referrer-Policy"] == "same-origin", kind
        assert response["X-Frame-Options"] == "DENY", kind


def test_personal_pages_are_not_cached(responses):
    assert responses["home"]["Cache-Control"] == "no-store"
    assert responses["account"]["Cache-Control"] == "no-store"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def test_pages_have_no_inline_script_the_policy_would_block(responses):
    for kind, response in responses.items():
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), kind
        assert not INLINE_HANDLER.search(html), kind


# --- Deactivation --------------------------------------------------------------------------


def test_a_deactivated_person_is_logged_out_on_the_next_request(client, user):
    log_in(client, user.email)
    assert client.get(reverse("home")).status_code == 200

    User.objects.filter(pk=user.pk).update(is_active=False)

    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    assert client.get(reverse("account"))["Location"].startswith(reverse("login"))


def test_a_deactivated_person_cannot_log_in_again(client, db):
    make_user("gone@test.mx", is_active=False)
    response = log_in(client, "gone@test.mx")
    assert response.status_code == 200
    assert logged_in_user_id(client) is None


def test_the_deploy_check_accepts_the_smtp_mailer_and_refuses_the_console(
    monkeypatch, tmp_path, settings
):
    """`manage.py check --deploy` (README, production) passes with EMAIL_HOST set and fails
    without it: without it invitations and password resets would only reach the console."""
    from django.core.checks import Tags, run_checks

    def mail_errors(**env) -> list[str]:
        settings.MAILERS = load_settings(monkeypatch, tmp_path, **env).MAILERS
        found = run_checks(tags=[Tags.mail], include_deployment_checks=True)
        return [message.id for message in found]

    assert mail_errors(EMAIL_HOST="smtp.example.org") == []
    assert mail_errors() == ["mail.E001"]
