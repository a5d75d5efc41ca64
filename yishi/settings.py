"""Django settings for Yishi (议事).

SQLite under ``var/`` is the embedded default; set ``DATABASE_URL`` for PostgreSQL.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from yishi.core.databases import behind_pgbouncer, databases_from_environ, replica_aliases

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("YISHI_VAR_DIR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Production by default: DEBUG only where YISHI_DEBUG=1 (`make demo` sets it). Without
# DEBUG the server refuses to start on the development keys (yishi/core/checks.py).
DEBUG = os.environ.get("YISHI_DEBUG", "0") == "1"
SECRET_KEY = os.environ.get("YISHI_SECRET_KEY", "dev-only-insecure-key-change-me")
ALLOWED_HOSTS = [h for h in os.environ.get("YISHI_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("YISHI_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

# HTTPS behind the reverse proxy (nginx terminates TLS and sets X-Forwarded-Proto): one
# switch for secure cookies, HSTS and the redirect from http.
HTTPS = os.environ.get("YISHI_HTTPS", "0") == "1"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = HTTPS
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "yishi.core.adminsite.YishiAdminConfig",  # django.contrib.admin, every change audited
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",  # the DEP 14 task framework (backport of django.tasks)
    "django_tasks_db",  # its database backend and the `db_worker` command (label django_tasks_database)
    "yishi.core",
    "django_otp",  # the second factor of the administrators and the admin
    "django_otp.plugins.otp_totp",  # (yishi/portal/second_factor.py)
    "yishi.places",
    "yishi.intake",
    "yishi.consult",
    "yishi.followup",
    "yishi.disclosure",
    "yishi.ledger",
    "yishi.portal",  # home, sign-in, notifications, nav: on top of every app
    "yishi.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A request renews the session; 30 idle minutes end it (yishi/portal/sessions.py).
    "yishi.portal.sessions.RenewOnActivityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # request.user.is_verified(): signed in with the second factor in this session.
    "django_otp.middleware.OTPMiddleware",
    # Administrators open no page before their second factor (portal/second_factor.py).
    "yishi.portal.second_factor.SecondFactorMiddleware",
    # A password staff set is changed before any other page opens (portal/sessions.py).
    "yishi.portal.sessions.PasswordDueMiddleware",
    # One id per request for the audit events it writes (yishi.core.audit.user_action).
    "yishi.core.audit.UserActionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "yishi.urls"

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
                "yishi.portal.context.nav",
            ],
            # {{ d|time_tag:"Y-m-d" }}: a date that never breaks across lines.
            "builtins": ["yishi.core.templatetags.dates"],
        },
    },
]

WSGI_APPLICATION = "yishi.wsgi.application"

# Each process keeps its own cache. What is cached is keyed by what it shows (a notice's
# PDF; the board's and a notice's content, under the board's newest notice, the names and
# the date), so nothing needs clearing when another process writes. Rendered fragments
# ({% cache %}) go to their own bounded store: a worker keeps at most this many boards.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "template_fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("YISHI_FRAGMENT_ENTRIES", "2000"))},
    },
}

# The primary (DATABASE_URL), its read replicas (YISHI_REPLICA_URL, comma-separated) and
# PgBouncer in transaction mode (YISHI_PGBOUNCER=1): yishi/core/databases.py, docs/scaling.md.
DATABASES = databases_from_environ(os.environ, sqlite_path=str(VAR_DIR / "yishi.sqlite3"))
YISHI_PGBOUNCER = behind_pgbouncer(os.environ)
# The public board and the dashboards read from these (@reads_from_replica), everything
# else from the primary (yishi/core/replicas.py); none configured, nothing changes.
YISHI_READ_REPLICAS = replica_aliases(DATABASES)
# After a request that wrote, its browser reads the primary for this many seconds.
YISHI_REPLICA_PIN_SECONDS = int(os.environ.get("YISHI_REPLICA_PIN_SECONDS", "10"))
# Development shows the site's own 404 and 500 pages, not Django's technical ones, unless
# YISHI_DEBUG_PAGES=1 (yishi/core/errors.py); the traceback still goes to the console.
if DEBUG and os.environ.get("YISHI_DEBUG_PAGES", "0") != "1":
    MIDDLEWARE.insert(0, "yishi.core.errors.FriendlyErrorsMiddleware")
if YISHI_READ_REPLICAS:
    DATABASE_ROUTERS = ["yishi.core.replicas.ReplicaRouter"]
    MIDDLEWARE.insert(1, "yishi.core.replicas.PinAfterWriteMiddleware")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# GB/T 22239-2019 L2: at least 8 characters of 3 of the 4 classes (yishi/core/passwords.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "yishi.core.passwords.MinimumLengthValidator",
     "OPTIONS": {"min_length": 8}},
    {"NAME": "yishi.core.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]
# Failed sign-ins (yishi/core/lockout.py): lock an account after this many wrong passwords,
# for this many minutes; an address after this many failures over all accounts.
YISHI_LOGIN_MAX_FAILURES = int(os.environ.get("YISHI_LOGIN_MAX_FAILURES", "5"))
YISHI_LOGIN_LOCK_MINUTES = int(os.environ.get("YISHI_LOGIN_LOCK_MINUTES", "15"))
YISHI_LOGIN_MAX_FAILURES_PER_ADDRESS = int(
    os.environ.get("YISHI_LOGIN_MAX_FAILURES_PER_ADDRESS", "20"))
# Sessions end after this many minutes without a request (GB/T 22239-2019 L2), the page
# warning a minute before; "shared phone" at sign-in ends it when the browser closes.
# Renewed by yishi.portal.sessions.RenewOnActivityMiddleware at most every 10 seconds.
SESSION_COOKIE_AGE = 60 * int(os.environ.get("YISHI_SESSION_IDLE_MINUTES", "30"))
LOGIN_URL = "login"
# The three administrators' permissions are their duty's table (yishi/portal/duties.py).
AUTHENTICATION_BACKENDS = ["yishi.portal.duties.DutyBackend"]
OTP_TOTP_ISSUER = "Yishi 议事"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a device's secret key
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"  # the welcome page: the way back in, and the board

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("YISHI_MEDIA_ROOT", VAR_DIR / "media"))
# Uploaded files have no public URL: views check the right to the record, then serve the
# file, or in production tell nginx to (its `internal` location for this prefix).
YISHI_ACCEL_REDIRECT = os.environ.get("YISHI_ACCEL_REDIRECT", "")

# Uploads: photos on opinions, register files. Larger bodies are refused by Django itself.
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
YISHI_MAX_PHOTO_BYTES = 5 * 1024 * 1024
# Width × height an uploaded image may declare (decompression bombs: a tiny file claiming
# 100 000 × 100 000 pixels); checked from the header before anything is decoded or saved.
YISHI_MAX_IMAGE_PIXELS = 40_000_000
YISHI_MAX_PHOTOS = 6
# Photos longer than this on their longer edge are shrunk in the browser before they are sent
# (static/js/photos.js); without JavaScript the limits above still hold.
YISHI_PHOTO_MAX_EDGE = 1600
YISHI_MAX_REGISTER_BYTES = 10 * 1024 * 1024

# The audit chain's hash: SM3 (国密) by default, "sha256" where SM3 is unavailable.
YISHI_AUDIT_HASH = os.environ.get("YISHI_AUDIT_HASH", "sm3")
# The chain's HMAC key, kept outside the database: YISHI_AUDIT_KEY, or a file named by
# YISHI_AUDIT_KEY_FILE (readable by the server only). Production refuses to start without
# one (yishi/core/checks.py); development and the tests use a fixed key.
YISHI_AUDIT_KEY = os.environ.get("YISHI_AUDIT_KEY", "")
if not YISHI_AUDIT_KEY and os.environ.get("YISHI_AUDIT_KEY_FILE"):
    try:
        YISHI_AUDIT_KEY = Path(os.environ["YISHI_AUDIT_KEY_FILE"]).read_text().strip()
    except OSError as exc:
        raise ImproperlyConfigured(f"YISHI_AUDIT_KEY_FILE cannot be read: {exc}") from exc
# The key of the residents' phone and ID numbers at rest (SM4-GCM, and their blind
# indexes: yishi/core/crypto.py), kept outside the database and out of backups: YISHI_DATA_KEY,
# or a file named by YISHI_DATA_KEY_FILE (readable by the server only). Production refuses
# to start without one (yishi/core/checks.py); development and the tests use a fixed key.
# Losing it loses every stored number: keep a copy apart from the backups.
YISHI_DATA_KEY = os.environ.get("YISHI_DATA_KEY", "")
if not YISHI_DATA_KEY and os.environ.get("YISHI_DATA_KEY_FILE"):
    try:
        YISHI_DATA_KEY = Path(os.environ["YISHI_DATA_KEY_FILE"]).read_text().strip()
    except OSError as exc:
        raise ImproperlyConfigured(f"YISHI_DATA_KEY_FILE cannot be read: {exc}") from exc
# Signed copies of the chain's head, written hourly outside the database (a directory on
# another disk or a mount the database server cannot write); `manage.py backup` archives
# them with the database.
YISHI_AUDIT_CHECKPOINT_DIR = Path(
    os.environ.get("YISHI_AUDIT_CHECKPOINT_DIR", VAR_DIR / "audit-checkpoints"))
YISHI_AUDIT_CHECKPOINT_EVERY = int(os.environ.get("YISHI_AUDIT_CHECKPOINT_EVERY", "3600"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Background work (notifications, reminders, deadline sweeps, exports): the task queue lives
# in the database, `manage.py db_worker` runs it and `manage.py scheduler` enqueues the
# periodic sweeps; more workers on more machines share one PostgreSQL. See yishi/core/tasks.py.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Channels besides the in-app notification (yishi/core/channels.py), comma separated.
# Development writes one JSON line per message to var/outbox/; production names e-mail
# and an SMS gateway, e.g. "yishi.core.channels.EmailBackend,myorg.sms.AliyunBackend".
YISHI_NOTIFICATION_BACKENDS = [
    b for b in os.environ.get(
        "YISHI_NOTIFICATION_BACKENDS",
        "yishi.core.channels.FileBackend" if DEBUG else "yishi.core.channels.EmailBackend",
    ).split(",") if b
]
# The SMS gateway that texts residents their sign-in codes (yishi/portal/codes.py): an
# SmsBackend subclass by dotted path. Development writes them to the outbox; empty, the
# sign-in page offers passwords only.
YISHI_SMS_BACKEND = os.environ.get(
    "YISHI_SMS_BACKEND", "yishi.core.channels.OutboxSmsBackend" if DEBUG else "")
# The gateway's account (yishi/core/sms_gateways.py: Aliyun, Tencent Cloud, a government
# platform): keys, the signature (签名) and the approved templates' ids.
YISHI_SMS_KEY_ID = os.environ.get("YISHI_SMS_KEY_ID", "")
YISHI_SMS_KEY_SECRET = os.environ.get("YISHI_SMS_KEY_SECRET", "")
YISHI_SMS_SIGN_NAME = os.environ.get("YISHI_SMS_SIGN_NAME", "")
YISHI_SMS_APP_ID = os.environ.get("YISHI_SMS_APP_ID", "")  # Tencent's SmsSdkAppId
YISHI_SMS_REGION = os.environ.get("YISHI_SMS_REGION", "")
YISHI_SMS_ENDPOINT = os.environ.get("YISHI_SMS_ENDPOINT", "")  # empty: the vendor's own
YISHI_SMS_TEMPLATE_SIGN_IN = os.environ.get("YISHI_SMS_TEMPLATE_SIGN_IN", "")
YISHI_SMS_TEMPLATE_NOTICE = os.environ.get("YISHI_SMS_TEMPLATE_NOTICE", "")
# Seconds the worker waits before adding the districts' and the city's dashboard sums up
# again after a change (docs/background-work.md, "Dashboard figures").
YISHI_FIGURES_DELAY = float(os.environ.get("YISHI_FIGURES_DELAY", "5"))
YISHI_OUTBOX_DIR = Path(os.environ.get("YISHI_OUTBOX_DIR", VAR_DIR / "outbox"))
# Crash recovery (yishi/core/tasks.py): `manage.py worker` beats every YISHI_WORKER_BEAT
# seconds; a retryable task whose worker fell silent for YISHI_WORKER_SILENT_AFTER seconds
# is re-queued (the scheduler checks every minute), so within 3 minutes of the crash. A task
# of a worker that never beats (plain db_worker) is re-queued YISHI_TASK_STALE_AFTER
# seconds after it started.
YISHI_WORKER_BEAT = int(os.environ.get("YISHI_WORKER_BEAT", "30"))
YISHI_WORKER_SILENT_AFTER = int(os.environ.get("YISHI_WORKER_SILENT_AFTER", "120"))
YISHI_TASK_STALE_AFTER = int(os.environ.get("YISHI_TASK_STALE_AFTER", "300"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("YISHI_LOG_LEVEL", "WARNING")},
}
