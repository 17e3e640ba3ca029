"""Settings for every environment. Everything comes from environment variables (or a `.env`
file beside manage.py) with safe development defaults; production differs only by its
variables. `.env.example` lists them all."""

import ipaddress
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)

# Development gets a throwaway key; production must bring its own (checked below).
DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-never-use-in-production"  # noqa: S105
SECRET_KEY = env("DJANGO_SECRET_KEY", default=DEVELOPMENT_SECRET_KEY if DEBUG else "")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

if not DEBUG:
    # The same test as Django's security.W009.
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters when DJANGO_DEBUG is false."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS must name the hosts this site is served on when DJANGO_DEBUG is false."
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "axes",
    "core",
    "accounts",
    "ita",
    "oit",
    "spdca",
    "reports",
    "notifications",
    "publicpages",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ThaiFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.FileRevalidationMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it turns a locked-out login into the lockout page
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "accounts.context_processors.memberships",
            ],
            "builtins": ["core.templatetags.thai"],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Drawn parts of pages, keyed on everything they show (`{% cache … using="fragments" %}`), so an
# entry is never stale; kept in each process, so a new release starts with templates of its own.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "TIMEOUT": 3600,
    "OPTIONS": {"MAX_ENTRIES": 2000},
}

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username from
# one address, that pair is locked out for AXES_COOLOFF_TIME; a right password resets the count.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Reverse proxies in front of the app (each appends to X-Forwarded-For): the client's address is
# read that many entries from the right (core.http.client_ip), never from what a client wrote.
TRUSTED_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "core.http.client_ip"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
# People: invitation links expire after this many days; password-reset e-mails are limited per
# hour for one client address and for one e-mail address (the page reads the same either way).
INVITATION_MAX_AGE_DAYS = env.int("INVITATION_MAX_AGE_DAYS", default=7)
PASSWORD_RESET_PER_IP = env.int("PASSWORD_RESET_PER_IP", default=20)
PASSWORD_RESET_PER_EMAIL = env.int("PASSWORD_RESET_PER_EMAIL", default=3)
# A new e-mail address on the profile takes effect once its owner opens the link sent to it, within
# this many days; one person may ask for a few such links an hour.
EMAIL_CHANGE_MAX_AGE_DAYS = env.int("EMAIL_CHANGE_MAX_AGE_DAYS", default=3)
EMAIL_CHANGE_PER_HOUR = env.int("EMAIL_CHANGE_PER_HOUR", default=3)
# The public IIT confirmation link: confirmations an hour from one client address. A whole office
# often shares one address, so the limit stops a script, not a busy morning.
IIT_LINK_POSTS_PER_HOUR = env.int("IIT_LINK_POSTS_PER_HOUR", default=120)
# A form sent without its CSRF token gets a Thai page that says what to do.
CSRF_FAILURE_VIEW = "accounts.views.csrf_failure"

# Thai first: Thai is the default whatever the browser asks for; English is a choice.
LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
# Evidence and report files live outside MEDIA_ROOT so no web server can hand them out by path.
PRIVATE_MEDIA_ROOT = env.path("DJANGO_PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private_media")
OIT_UPLOAD_MAX_BYTES = env.int("OIT_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="ita-spdca@localhost")

# Security. The defaults are strict outside DEBUG; a deployment behind a TLS-terminating proxy
# sets DJANGO_SECURE_PROXY_SSL_HEADER=true.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=not DEBUG)
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Content-Security-Policy (django-csp): no inline scripts or styles anywhere, so an injected
# <script> or style attribute does nothing. Templates keep all CSS and JS in static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Celery. Without REDIS_URL there is no broker and tasks run in-process, so a laptop needs
# nothing but Python.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=10 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=8 * 60)
# A task is acknowledged only when it finishes, so a worker that dies mid-task leaves it to be
# delivered again; tasks are written to be idempotent for that reason.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=100)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The longest a report may take to render (the task's hard limit; a 40-page annual report takes
# a few seconds). A job running longer than this lost its worker and may be claimed again.
REPORT_TIME_LIMIT = env.int("REPORT_TIME_LIMIT", default=6 * 60)
# Redelivery of unacknowledged tasks must wait longer than the longest task may run.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int(
        "CELERY_VISIBILITY_TIMEOUT", default=max(CELERY_TASK_TIME_LIMIT, REPORT_TIME_LIMIT) + 5 * 60
    ),
    # Workers look for tasks whose visibility timeout passed about every interval × throttle
    # seconds (kombu's defaults: 10 × 10).
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
}
# When the broker is down, asking for a report gives up after a few seconds instead of hanging.
CELERY_BROKER_CONNECTION_TIMEOUT = 3

# Reports: a job still queued after this many seconds is shown as waiting for a worker; finished,
# unpublished report files older than REPORT_KEEP_DAYS are deleted by the periodic cleanup.
# The site's public address, for links written where no request is at hand (PDF reports made by
# workers). Development links point at runserver; production must set it (core.checks warns).
SITE_URL = env("SITE_URL", default="http://localhost:8000" if DEBUG else "")
REPORT_STALLED_AFTER = env.int("REPORT_STALLED_AFTER", default=120)
REPORT_KEEP_DAYS = env.int("REPORT_KEEP_DAYS", default=30)
REPORT_MAX_ACTIVE_PER_USER = env.int("REPORT_MAX_ACTIVE_PER_USER", default=3)
REPORT_REQUESTS_PER_HOUR = env.int("REPORT_REQUESTS_PER_HOUR", default=30)
CELERY_BEAT_SCHEDULE = {
    "reports-cleanup": {"task": "reports.tasks.cleanup_reports", "schedule": 6 * 60 * 60},
    "reports-requeue": {"task": "reports.tasks.requeue_reports", "schedule": 5 * 60},
}

# Stored files that no row points at (core/files.py): swept every night, at most FILES_SWEEP_MAX
# in one run, once older than FILES_SWEEP_GRACE_HOURS (an upload is stored before its row commits).
FILES_SWEEP_GRACE_HOURS = env.int("FILES_SWEEP_GRACE_HOURS", default=24)
FILES_SWEEP_MAX = env.int("FILES_SWEEP_MAX", default=1000)
CELERY_BEAT_SCHEDULE |= {
    "core-sweep-files": {"task": "core.tasks.sweep_files", "schedule": crontab(hour=3, minute=15)},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every layout step at INFO; its warnings (missing glyphs) still come through.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}

# Bounded work: what one person's input may make the server hold or render.
# Files and links an OIT item may have at once (removed ones do not count).
OIT_EVIDENCE_MAX_PER_ITEM = env.int("OIT_EVIDENCE_MAX_PER_ITEM", default=50)
# An official-results import (CSV or Excel): the file's size, and the rows and columns read from it.
RESULTS_IMPORT_MAX_BYTES = env.int("RESULTS_IMPORT_MAX_BYTES", default=1024 * 1024)
RESULTS_IMPORT_MAX_ROWS = env.int("RESULTS_IMPORT_MAX_ROWS", default=2000)
RESULTS_IMPORT_MAX_COLUMNS = env.int("RESULTS_IMPORT_MAX_COLUMNS", default=50)
# A staff sheet (CSV or Excel) of an office's people: the file's size, and the rows and columns read.
MEMBERS_IMPORT_MAX_BYTES = env.int("MEMBERS_IMPORT_MAX_BYTES", default=1024 * 1024)
MEMBERS_IMPORT_MAX_ROWS = env.int("MEMBERS_IMPORT_MAX_ROWS", default=1000)
MEMBERS_IMPORT_MAX_COLUMNS = env.int("MEMBERS_IMPORT_MAX_COLUMNS", default=30)

# Notifications (notifications/): an outbox delivered by Celery in the app, by e-mail and on LINE.
NOTIFICATIONS_DEFAULT_LANGUAGE = env("NOTIFICATIONS_DEFAULT_LANGUAGE", default="th")
# The daily digest of items due in 7, 3 and 1 days or overdue, at this time (Asia/Bangkok).
NOTIFICATIONS_DIGEST_TIME = env("NOTIFICATIONS_DIGEST_TIME", default="07:30")
# Overdue items are reminded of for this many days after their due date, then no longer.
NOTIFICATIONS_OVERDUE_DAYS = env.int("NOTIFICATIONS_OVERDUE_DAYS", default=60)
# No LINE pushes between these hours (Asia/Bangkok) unless the event is urgent: held until the end.
NOTIFICATIONS_QUIET_START = env("NOTIFICATIONS_QUIET_START", default="20:00")
NOTIFICATIONS_QUIET_END = env("NOTIFICATIONS_QUIET_END", default="07:00")
# Delivery: attempts before a message fails, seconds before a message whose worker vanished is
# taken up again, seconds a handed-over message may wait before it is sent again, network limits.
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=6)
NOTIFICATIONS_SEND_TIMEOUT = env.int("NOTIFICATIONS_SEND_TIMEOUT", default=10 * 60)
NOTIFICATIONS_STALLED_AFTER = env.int("NOTIFICATIONS_STALLED_AFTER", default=120)
NOTIFICATIONS_NETWORK_TIMEOUT = env.int("NOTIFICATIONS_NETWORK_TIMEOUT", default=10)
# The LINE Messaging API; tests point it at a fake server on loopback.
LINE_API_BASE_URL = env("LINE_API_BASE_URL", default="https://api.line.me")
# A code a person sends to the office's LINE account to link it stays valid this many minutes.
LINE_LINK_CODE_MINUTES = env.int("LINE_LINK_CODE_MINUTES", default=30)
_digest_hour, _digest_minute = (int(part) for part in NOTIFICATIONS_DIGEST_TIME.split(":"))
CELERY_BEAT_SCHEDULE |= {
    "notifications-requeue": {"task": "notifications.tasks.requeue_notifications", "schedule": 60},
    "notifications-daily": {
        "task": "notifications.tasks.send_daily",
        "schedule": crontab(hour=_digest_hour, minute=_digest_minute),
    },
}
# The daily watches of the cycle, with the digest: a late stage whose gate still fails (to the
# administrators) and respondents behind the pace their target needs (administrators, committee).
CELERY_BEAT_SCHEDULE |= {
    "spdca-gates": {"task": "spdca.tasks.watch_gates", "schedule": crontab(hour=_digest_hour, minute=_digest_minute)},
    "ita-respondent-pace": {
        "task": "ita.tasks.watch_respondent_pace",
        "schedule": crontab(hour=_digest_hour, minute=_digest_minute),
    },
}

# The link watch (oit/linkwatch.py): every LINKWATCH_EVERY_MINUTES a run checks up to
# LINKWATCH_BATCH due links of published items with LINKWATCH_WORKERS threads, and starts no
# check after LINKWATCH_RUN_SECONDS. A link is broken after LINKWATCH_FAILURES_TO_BREAK failed
# checks in a row; working links are checked every LINKWATCH_INTERVAL_HOURS, failing or broken
# ones every LINKWATCH_RETRY_MINUTES. Seconds to connect, and for a whole check with its redirects.
LINKWATCH_EVERY_MINUTES = env.int("LINKWATCH_EVERY_MINUTES", default=15)
LINKWATCH_BATCH = env.int("LINKWATCH_BATCH", default=300)
LINKWATCH_WORKERS = env.int("LINKWATCH_WORKERS", default=4)
LINKWATCH_RUN_SECONDS = env.int("LINKWATCH_RUN_SECONDS", default=300)
LINKWATCH_FAILURES_TO_BREAK = env.int("LINKWATCH_FAILURES_TO_BREAK", default=2)
LINKWATCH_INTERVAL_HOURS = env.int("LINKWATCH_INTERVAL_HOURS", default=24)
LINKWATCH_RETRY_MINUTES = env.int("LINKWATCH_RETRY_MINUTES", default=60)
LINKWATCH_CONNECT_TIMEOUT = env.float("LINKWATCH_CONNECT_TIMEOUT", default=5)
LINKWATCH_TIMEOUT = env.float("LINKWATCH_TIMEOUT", default=15)
LINKWATCH_MAX_REDIRECTS = env.int("LINKWATCH_MAX_REDIRECTS", default=5)
# Private, loopback and link-local addresses are never fetched (a link must not make the server
# probe its own network), except inside these networks, e.g. 10.20.0.0/16 for an intranet.
LINKWATCH_ALLOWED_NETWORKS = [
    str(ipaddress.ip_network(network, strict=False)) for network in env.list("LINKWATCH_ALLOWED_NETWORKS", default=[])
]
CELERY_BEAT_SCHEDULE |= {
    "oit-link-watch": {"task": "oit.tasks.watch_links", "schedule": LINKWATCH_EVERY_MINUTES * 60},
}
