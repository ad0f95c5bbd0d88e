"""One settings file, driven by the environment.

With no environment set, the portal runs in its embedded default: SQLite in WAL mode,
Celery tasks run eagerly in-process and DEBUG is on. Production sets DATABASE_URL,
CELERY_BROKER_URL, SECRET_KEY, ALLOWED_HOSTS and DEBUG=false (README, "Configuration").
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"Set the {name} environment variable.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

# A fixed key is only acceptable for the local embedded mode; production must set one.
SECRET_KEY = env_str("SECRET_KEY", "embedded-insecure-key-change-me" if DEBUG else None)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8000")

DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "var")))
MEDIA_ROOT = DATA_DIR / "media"  # private uploads: served only through permission-checking views

INSTALLED_APPS = [
    "csa_portal",
    "organizations",
    "learning_communities",
    "grants",
    "legal_assistance",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, handing the request's session (which may have read the person) to the backend.
    "csa_portal.auth_backends.AuthenticationMiddleware",
    "csa_portal.middleware.SessionSecurityMiddleware",
    "csa_portal.middleware.UserLanguageMiddleware",
    "csa_portal.middleware.PrivacyNoticeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last: its process_view runs after every check that comes before a view.
    "csa_portal.page_cache.PageCacheMiddleware",
]

ROOT_URLCONF = "csa_portal.urls"
WSGI_APPLICATION = "csa_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "csa_portal.navigation.main_menu",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True
        )
    }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "csa_portal.sqlite3",
            # WAL lets the web process read while a background job writes; IMMEDIATE plus a
            # timeout turns concurrent-writer conflicts into short waits instead of errors.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and security ------------------------------------------------------------------
AUTH_USER_MODEL = "csa_portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    # Django's ModelBackend, reading the person of each request with one plain statement.
    "csa_portal.auth_backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 7)

# Inactivity expiry: a logged-in person's activity pushes the expiry forward by
# SESSION_IDLE_MINUTES, refreshed at most once every SESSION_REFRESH_SECONDS (SessionSecurity-
# Middleware) rather than by a session write on every request.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = env_int("SESSION_REFRESH_SECONDS", 60)
SESSION_ENGINE = "csa_portal.sessions"  # the database store; an outage is a 500, not a 400
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Absolute lifetime: however active, a session ends this long after its login.
SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 12)

# A second factor (TOTP) for program staff, legal coordinators, lawyers and admins: required in
# production, optional in the embedded demo; anyone may enroll from their account page.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", not DEBUG)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "CSA Portal")

# Lock out a username from one address after repeated failures, for a limited time, so an
# attacker elsewhere cannot lock a victim out of their own account.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
# Logins, failures, lockouts and denials are kept this long, then deleted (daily, by beat).
SECURITY_EVENT_RETENTION_DAYS = env_int("SECURITY_EVENT_RETENTION_DAYS", 365)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"


def axes_username(request, credentials=None):
    """Emails log in whatever their case, so failures count per lower-cased email: otherwise
    "Ana@x.mx" and "ana@x.mx" would each get AXES_FAILURE_LIMIT attempts at the same account."""
    source = credentials or getattr(request, "data", request.POST)
    username = source.get(AXES_USERNAME_FORM_FIELD)
    return username.strip().lower() if isinstance(username, str) else username


AXES_USERNAME_CALLABLE = axes_username

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Languages ------------------------------------------------------------------------------
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
# Our users write Spanish the Mexican way (decimal point, d/m/Y): see csa_portal/formats/es.
FORMAT_MODULE_PATH = ["csa_portal.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "America/Mexico_City")

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024)

# --- Email ----------------------------------------------------------------------------------
# Django 6.1's mailers (the EMAIL_BACKEND/EMAIL_HOST settings go in Django 2028); the
# environment variables keep their names.
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": env_int("EMAIL_PORT", 587),
                "username": env_str("EMAIL_HOST_USER", ""),
                "password": env_str("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "CSA Portal <no-reply@csa-portal.local>")

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
# Without a broker the embedded mode runs tasks in-process, right after the commit that queued them.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
# Every task is idempotent (a job run claims its Job row; scoring is an upsert), so a message
# is acknowledged only once its task has finished, and handed back when the worker process
# dies: a kill -9 loses nothing. One message at a time per process, so a long report never
# holds others hostage behind it.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis hands an unacknowledged message to another worker after the visibility timeout, so it
# must outlast the longest task; the hard time limit makes sure it does.
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 60 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT * 2}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
JOB_STALE_AFTER_SECONDS = env_int("JOB_STALE_AFTER_SECONDS", 300)
# Validated assessments per set-based batch of a recompute-all job (each batch commits alone).
SCORES_RECOMPUTE_BATCH = env_int("SCORES_RECOMPUTE_BATCH", 2000)
# Database connections such a job sends its batches on at once (PostgreSQL: a core each).
SCORES_RECOMPUTE_CONNECTIONS = env_int("SCORES_RECOMPUTE_CONNECTIONS", 2)
CELERY_BEAT_SCHEDULE = {
    "reconcile-jobs": {
        "task": "csa_portal.tasks.reconcile_jobs",
        "schedule": float(env_int("JOB_RECONCILE_EVERY_SECONDS", 60)),
    },
    "nightly-recompute-scores": {
        "task": "organizations.tasks.nightly_recompute_scores",
        "schedule": crontab(hour=2, minute=30),
    },
    "daily-prune-security-events": {
        "task": "csa_portal.tasks.prune_security_events",
        "schedule": crontab(hour=4, minute=0),
    },
    "daily-clear-expired-sessions": {
        "task": "csa_portal.tasks.clear_expired_sessions",
        "schedule": crontab(hour=4, minute=10),
    },
    "weekly-community-reports": {
        "task": "learning_communities.tasks.weekly_community_reports",
        "schedule": crontab(hour=3, minute=15, day_of_week="monday"),
    },
}

# Lists up to this many rows export in the request; larger ones become a background Job.
EXPORT_SYNC_LIMIT = env_int("EXPORT_SYNC_LIMIT", 2000)
# The benchmark's floor pages (bench/run.py sets it); off everywhere else.
BENCH_FLOORS = env_bool("BENCH_FLOORS", False)

# --- Cache ----------------------------------------------------------------------------------
# Rendered pages, table versions and built reports' HTML (csa_portal.page_cache). Every web and
# worker process must share it, so production uses Redis: CACHE_URL, or else the broker's
# Redis. The embedded default is one process, and its memory is enough.
CACHE_URL = os.environ.get("CACHE_URL") or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else ""
)
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "csa_portal.cache.ForgivingRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "csa",
            # An unreachable Redis costs a page at most this, then it renders without cache.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# How long a rendered page is kept at most (it is dropped sooner when a table it read changes;
# csa_portal/page_cache.py). 0 renders every page on every request.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)

# --- Privacy (Mexico's federal personal-data law) -------------------------------------------
# Data-subject (ARCO) requests are answered within this many business days of receipt.
ARCO_RESPONSE_BUSINESS_DAYS = env_int("ARCO_RESPONSE_BUSINESS_DAYS", 20)
# A granted cancellation is carried out within this many business days of the answer.
ARCO_EXECUTION_BUSINESS_DAYS = env_int("ARCO_EXECUTION_BUSINESS_DAYS", 15)
ARCO_DUE_SOON_BUSINESS_DAYS = env_int("ARCO_DUE_SOON_BUSINESS_DAYS", 5)
# Extra non-working days (ISO dates, comma-separated) besides weekends and statutory holidays.
ARCO_EXTRA_HOLIDAYS = env_list("ARCO_EXTRA_HOLIDAYS", "")

# --- Forms ----------------------------------------------------------------------------------
# Django's form rendering, with select boxes written in Python (csa_portal/form_renderer.py).
FORM_RENDERER = "csa_portal.form_renderer.PortalFormRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "csa_portal.security": {"level": "INFO"},
        "celery.app.trace": {"level": "WARNING"},
    },
}
