"""Settings, read from the environment (see the README's configuration table).

Defaults give the embedded set-up: DEBUG on, SQLite under var/, Celery eager. Production sets
DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and CELERY_BROKER_URL.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from portal.env import env_bool, env_int, env_list, env_path, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = env_path("VAR_DIR", BASE_DIR / "var")

DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY") or (_DEV_SECRET_KEY if DEBUG else None)
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
if not DEBUG and SECRET_KEY == _DEV_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY is the development key; set a real one.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "simple_history",
    "import_export",
    "accounts",
    "campaigns",
    "submissions",
    "evidence",
    "scoring",
    "jobs",
    "spreadsheets",
    "cases",
    "publication",
    "competitions",
    "dashboard",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
            ],
        },
    },
]

if not env_str("DATABASE_URL"):
    # The embedded SQLite file lives under VAR_DIR; a fresh clone has no such folder yet.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'portal.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _caches(url: str | None) -> dict:
    """CACHE_URL: unset → memory of this process (development, tests); redis://… → Redis.

    Production with several gunicorn workers needs the shared one: the objection rate limit
    and job progress written from a worker are read through the cache."""
    if not url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"CACHE_URL={url!r} is not a redis://, rediss:// or unix:// URL")
    return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}


CACHES = _caches(env_str("CACHE_URL"))

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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

# Failed logins: five failures for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env_path("STATIC_ROOT", VAR_DIR / "static")
MEDIA_ROOT = env_path("MEDIA_ROOT", VAR_DIR / "media")
# Evidence files and generated spreadsheets live outside any served directory.
EVIDENCE_ROOT = env_path("EVIDENCE_ROOT", VAR_DIR / "evidence")
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)  # per file (not video)
EVIDENCE_VIDEO_MAX_BYTES = env_int("EVIDENCE_VIDEO_MAX_BYTES", 500 * 1024 * 1024)  # per MP4
EVIDENCE_UNIT_QUOTA_BYTES = env_int("EVIDENCE_UNIT_QUOTA_BYTES", 2 * 1024 * 1024 * 1024)  # per unit
EXPORTS_ROOT = env_path("EXPORTS_ROOT", VAR_DIR / "exports")
JOBS_FILE_RETENTION_HOURS = env_int("JOBS_FILE_RETENTION_HOURS", 72)
# Uploaded evidence is never served from MEDIA_URL: downloads go through permission-checked views.
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# A full evaluation scores candidates in chunks of SCORING_EVALUATION_CHUNK, each in a forked
# process (scoring.services.forked) when there is more than one chunk: 0 processes = one per CPU
# this process may run on; 1 = score everything in the calling process.
SCORING_EVALUATION_CHUNK = env_int("SCORING_EVALUATION_CHUNK", 5000)
SCORING_EVALUATION_PROCESSES = env_int("SCORING_EVALUATION_PROCESSES", 0)

# Celery: with no broker the tasks run eagerly in the web process, so the embedded set-up
# needs no Redis. Errors propagate so that a failing eager task fails the request that queued it.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or None
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or CELERY_BROKER_URL
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Run by `celery -A portal beat` in production; hours are in CELERY_TIMEZONE (Asia/Shanghai).
CELERY_BEAT_SCHEDULE = {
    # Just after midnight, a campaign whose last phase ended the day before is closed.
    "sync-campaign-statuses-daily": {
        "task": "campaigns.tasks.task_sync_all_campaign_statuses",
        "schedule": crontab(hour=0, minute=30),
    },
    # The safety net behind the on-commit evaluation tasks: picks up pending changes whose
    # queued task was lost (worker killed, broker restarted). Cheap when nothing is pending.
    "evaluate-pending-changes": {
        "task": "scoring.tasks.task_evaluate_pending",
        "schedule": crontab(minute="*/10"),
    },
    # Generated spreadsheets are kept for JOBS_FILE_RETENTION_HOURS, then deleted.
    "purge-job-files-hourly": {
        "task": "jobs.tasks.task_purge_job_files",
        "schedule": crontab(minute=15),
    },
    # Office hours, once a day: units late with a monthly report get a notice and a mail, once
    # per late report.
    "remind-late-reports-daily": {
        "task": "submissions.tasks.task_remind_late_reports",
        "schedule": crontab(hour=9, minute=0),
    },
    # Before each phase deadline (REMINDER_DAYS): units with unfinished work and reviewers with
    # a queue get a notice and a mail, each reminder once (a unique constraint on the notice).
    "notify-deadlines-daily": {
        "task": "notifications.tasks.task_send_deadline_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
    # The office's daily digest of each running campaign, once per day and user.
    "notify-office-digest-daily": {
        "task": "notifications.tasks.task_send_office_digest",
        "schedule": crontab(hour=8, minute=0),
    },
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "dalianbing@localhost")
# SMTP, used when EMAIL_BACKEND is django.core.mail.backends.smtp.EmailBackend.
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.")
# Days before a phase's last day on which units and reviewers are reminded (notifications).
REMINDER_DAYS = []
for _day in env_list("REMINDER_DAYS", ["7", "1"]):
    if not _day.isdigit():
        raise ImproperlyConfigured(f"REMINDER_DAYS: {_day!r} is not a whole number of days")
    REMINDER_DAYS.append(int(_day))
REMINDER_DAYS = sorted(set(REMINDER_DAYS))

# Production hardening; `manage.py check --deploy` is clean with DEBUG=0.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "SAMEORIGIN"  # evidence PDFs preview in a same-origin frame
SILENCED_SYSTEM_CHECKS = [
    # W019 asks for X_FRAME_OPTIONS=DENY; the evidence preview frames our own PDFs (SAMEORIGIN).
    "security.W019",
    # W021 asks for HSTS preload; joining browsers' preload lists is an operator's decision,
    # made with SECURE_HSTS_PRELOAD=1, not something a default should commit a bureau to.
    "security.W021",
]
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
