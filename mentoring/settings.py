"""Settings for «Школа наставничества», read from environment variables.

See `.env.example` for every variable. SQLite is the default database so a new
user needs nothing else; set DATABASE_URL for PostgreSQL.
"""

import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from mentoring.observability import init_sentry, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


DEBUG = env_bool("DEBUG", False)
# pytest imports settings before any conftest runs: tests get safe defaults here.
TESTING = env_bool("TESTING", "pytest" in sys.modules)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and TESTING:
    SECRET_KEY = "test-secret-key-not-for-production"
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (see .env.example)."
        )
    SECRET_KEY = "insecure-development-key-only-for-debug"

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG or TESTING else ""
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "simple_history",
    "axes",
    "mentoring",
    "people",
    "pairs",
    "monitoring",
    "safeguarding",
    "municipal",
    "rollover",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A log line for each request Django serves (static files are WhiteNoise's).
    "mentoring.middleware.RequestLogMiddleware",
    # After WhiteNoise (static files keep their cache headers), before the rest:
    # every page and export Django renders is Cache-Control: no-store, private.
    "mentoring.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "people.middleware.CurrentOrganisationMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mentoring.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "people.context_processors.organisation",
            ],
        },
    },
]

WSGI_APPLICATION = "mentoring.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        # A kept connection is checked before a request uses it: after the
        # database server restarts, the next request connects anew instead of
        # failing on the dead connection.
        conn_health_checks=True,
    )
}

if "postgresql" in DATABASES["default"]["ENGINE"] and not env_bool(
    "POSTGRES_JIT", False
):
    # PostgreSQL's JIT compiles a query the planner thinks is costly: the
    # coordinator's roll-up of a district spent 3 s compiling a 0.4 s query. The
    # portal's queries are short: off unless POSTGRES_JIT=1.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

if TESTING and DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory, so that a Celery worker process started by a test
    # (tests/test_celery_worker.py) sees the same database.
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(
            tempfile.gettempdir(), f"mentoring-test-{os.getpid()}.sqlite3"
        )
    }

AUTH_USER_MODEL = "people.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(
    os.environ.get("MEDIA_ROOT", "")
    # Tests write their uploads and job files to a directory of their own.
    or (
        tempfile.mkdtemp(prefix="mentoring-test-media-")
        if TESTING
        else BASE_DIR / "media"
    )
)
# Uploaded files (order scans, evidence, certificates, job files): under
# MEDIA_ROOT, or in an S3-compatible bucket (MEDIA_STORAGE=s3). Either way there
# is no public URL: MEDIA_URL is not served, and the views that hand a file out
# check who asks (mentoring.lib.files.stored_file_response).
MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "filesystem")
if MEDIA_STORAGE == "filesystem":
    MEDIA_BACKEND = {"BACKEND": "mentoring.lib.files.AtomicFileSystemStorage"}
elif MEDIA_STORAGE == "s3":
    MEDIA_BACKEND = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("S3_BUCKET", ""),
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID", ""),
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY", ""),
            "default_acl": "private",
            "file_overwrite": False,
            # read through the views only: no signed links handed out either
            "querystring_auth": True,
        },
    }
    if not MEDIA_BACKEND["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured(
            "MEDIA_STORAGE=s3 needs S3_BUCKET (see .env.example)."
        )
else:
    raise ImproperlyConfigured(
        f"MEDIA_STORAGE must be filesystem or s3, not {MEDIA_STORAGE!r}."
    )
STORAGES = {
    "default": MEDIA_BACKEND,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_CONFIRM = False

from import_export.formats.base_formats import XLSX  # noqa: E402

from mentoring.lib.spreadsheets import GuardedXLSX  # noqa: E402

IMPORT_EXPORT_FORMATS = [XLSX]
# The admin's import reads uploads through the portal's limits (zip bomb, cells).
IMPORT_FORMATS = [GuardedXLSX]

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "mentoring@localhost")
EMAIL_URL = os.environ.get("EMAIL_HOST", "")
if EMAIL_URL:
    EMAIL_HOST = EMAIL_URL
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)

FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760
# The site's address for links in e-mails (e.g. https://nastavnik.school.ru).
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
# Reminders of no pair, from the apps above `pairs` (which may not import them):
# functions (*, today, user=None) -> {user id: [pairs.reminders.Reminder]}.
REMINDER_SOURCES = ["monitoring.questionnaire_services.questionnaire_reminders"]
# A meeting can be edited by its author for this many days after it was logged.
MEETING_EDIT_DAYS = int(os.environ.get("MEETING_EDIT_DAYS", "7"))
# Anonymous questionnaires show results only from this many respondents on (never
# fewer than 3: monitoring.stats.anonymous_min_group).
ANONYMOUS_MIN_GROUP = int(os.environ.get("ANONYMOUS_MIN_GROUP", "5"))
# Excel files imported into the bases: a larger upload is refused before parsing.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))
# A preview of an import that takes longer stops and says so (keep it under the
# web worker's timeout, GUNICORN_TIMEOUT: 60 s by default).
IMPORT_PREVIEW_SECONDS = int(os.environ.get("IMPORT_PREVIEW_SECONDS", "20"))

if TESTING:
    # Tests create hundreds of users; a deliberately slow hasher would dominate.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not TESTING)
    # a load balancer probes /healthz over plain HTTP inside the network
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not TESTING)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not TESTING)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins with the
# same user name from the same address, that pair is locked for AXES_COOLOFF_TIME;
# other users, and the same user from elsewhere, are not affected. A user name that
# failed AXES_ACCOUNT_FAILURE_LIMIT times from all addresses together within the
# cool-off is locked from every address (one account sprayed from many addresses;
# mentoring.lockout, as axes has one limit for all combinations). An administrator
# unlocks with `manage.py axes_reset_username <name>` (or axes_reset) or by deleting
# the rows in the admin («Access attempts»).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_ACCOUNT_FAILURE_LIMIT = int(os.environ.get("AXES_ACCOUNT_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "mentoring.lockout.AccountLockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429

# Behind reverse proxies (nginx in front of gunicorn: 1), their number: the
# client's address is then read from X-Forwarded-For (mentoring.lib.client).
PROXY_COUNT = int(os.environ.get("AXES_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "mentoring.lib.client.client_address"

# Content-Security-Policy (django-csp 4): no inline scripts, handlers or styles
# anywhere; templates mark elements with data attributes read by static/js/site.js.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Logs on standard output (journald, docker): JSON lines in production, see
# mentoring.observability. Errors go to a Sentry-compatible server when SENTRY_DSN
# is set.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "") or (
    "text" if DEBUG or TESTING else "json"
)
LOGGING = logging_config(fmt=LOG_FORMAT, level=os.environ.get("LOG_LEVEL", "WARNING"))
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
init_sentry(
    SENTRY_DSN,
    environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
    traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
)
FORMS_URLFIELD_ASSUME_HTTPS = True

# Background jobs (mentoring.jobs) and periodic work run by Celery. With no broker
# set (`make run`, the tests) a job runs at once in the process that starts it, so
# the same pages work with nothing else installed.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_IGNORE_RESULT = True
# A job is acknowledged only when it has finished: a worker killed in the middle
# leaves it in the queue for the next worker (the job itself is idempotent).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A job longer than this is stopped (and fails with a message).
JOB_TIME_LIMIT = int(os.environ.get("JOB_TIME_LIMIT", "1800"))
CELERY_TASK_TIME_LIMIT = JOB_TIME_LIMIT
# Redis gives a job taken by a worker that died (killed, its server lost) to
# another after this many seconds: keep it longer than JOB_TIME_LIMIT, or a slow
# job would be started a second time while it runs.
CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "reminder-digest": {
        "task": "pairs.tasks.send_reminder_digest",
        "schedule": crontab(hour=int(os.environ.get("REMINDER_HOUR", "7")), minute=0),
    },
    "purge-jobs": {
        "task": "mentoring.tasks.purge_jobs",
        "schedule": crontab(hour=3, minute=30),
    },
    # /healthz calls the workers up while this ran less than a minute ago; a beat
    # not taken within 30 s (no worker) is dropped, not queued up.
    "worker-heartbeat": {
        "task": "mentoring.tasks.heartbeat",
        "schedule": 15.0,
        "options": {"expires": 30},
    },
}
# A confirmed import file larger than this (bytes; ~1 000 rows) is written by a
# background job with its progress.
IMPORT_BACKGROUND_BYTES = int(os.environ.get("IMPORT_BACKGROUND_BYTES", "100000"))
# A list export of more rows than this is prepared in the background.
BACKGROUND_EXPORT_ROWS = int(os.environ.get("BACKGROUND_EXPORT_ROWS", "1000"))
# Seconds between two writes of a running job's progress (its bar, the log).
JOB_REPORT_SECONDS = float(os.environ.get("JOB_REPORT_SECONDS", "0.5"))
# A finished job's file is kept this many days, then deleted with the job.
JOB_KEEP_DAYS = int(os.environ.get("JOB_KEEP_DAYS", "7"))
# What runs a job of each kind: functions (job, report) -> mentoring.jobs.Outcome.
JOB_HANDLERS = {
    "export": "people.jobs.run_export",
    "import": "people.jobs.run_import",
}
# Progress of a running job is also written to the cache, which a worker shares
# with the web processes when CACHE_URL (or a Redis broker) is set.
CACHE_URL = os.environ.get(
    "CACHE_URL", CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else ""
)
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
        }
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# `manage.py backup`: where its archives go and how many are kept.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "backups"))
BACKUP_KEEP = int(os.environ.get("BACKUP_KEEP", "14"))

# Participants who left this many years ago are anonymised by `anonymise_leavers`.
RETENTION_YEARS = int(os.environ.get("RETENTION_YEARS", "5"))
# The access log of the confidential tier records X-Forwarded-For only behind a
# trusted reverse proxy that sets it (a client could forge it otherwise).
SAFEGUARDING_TRUST_X_FORWARDED_FOR = env_bool(
    "SAFEGUARDING_TRUST_X_FORWARDED_FOR", False
)
