"""Settings, all from environment variables with safe defaults.

Default: SQLite in WAL mode under ./var, DEBUG off. `make run` (scripts/run.sh) turns DEBUG on and
gives a secret key of its own; the tests use config/settings_test.py. Production: set DJANGO_SECRET_KEY,
DJANGO_ALLOWED_HOSTS, CASEWORK_CHAIN_KEY and DATABASE_URL (postgres://...); README "Production".
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CASEWORK_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DJANGO_DEBUG", False)
# No fallback: `make run` makes a random key of its own (var/dev-secret-key), the tests have theirs.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    raise RuntimeError("DJANGO_SECRET_KEY must be set (make run and the tests set their own)")
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "casework.holidays",
    "casework.organisation",
    "casework.audit",
    "casework.cases",
    "casework.mediation",
    "casework.documents",
    "casework.insight",
    "casework.demo",
    "casework.web",
    "casework.api",
    "casework.portal",
    "casework.backups",
    "casework.accounts",
    "casework.privacy",
    "ninja",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_ratelimit",
    "csp",
]

# The API goes through the same stack. Measured (DJANGO_DEBUG=0, an unauthenticated GET /api/v1/cases
# through django.test.Client, 5,000 requests): the whole list costs 0.25-0.3 ms CPU per request over
# SecurityMiddleware alone (LocaleMiddleware the largest part, which the API's Content-Language and
# Vary headers need), against ~9 ms per API registration; what /api/ could skip without changing its
# responses (sessions, messages, auth, CSRF, htmx, WhiteNoise) is ~0.1 ms (~1%), not worth a
# path-aware second stack (which would also have to keep CsrfViewMiddleware.process_view for the web).
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files answer here, before anything below
    "casework.security.middleware.NoStoreMiddleware",  # every other response may carry personal data
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "casework.accounts.middleware.StaffSessionMiddleware",  # idle and absolute expiry, MFA, forced change
    "axes.middleware.AxesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "casework.documents.middleware.DocumentErrorMiddleware",  # a PDF that cannot be made: a clear page
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "casework.demo.context.demo",
                "casework.web.menu.menu",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=600, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Server-side parameter binding, and statements prepared once per (persistent) connection
        # after PREPARE_THRESHOLD uses: PostgreSQL stops parsing and planning the same INSERTs on
        # every request (PostgreSQL CPU per API registration 5.0 -> 2.5 ms, Django 13 -> 10 ms:
        # benchlib/register_profile.py). Behind a pooler
        # that cannot keep prepared statements (PgBouncer < 1.21 in transaction mode), set
        # DJANGO_DB_PREPARE_THRESHOLD=off.
        _threshold = os.environ.get("DJANGO_DB_PREPARE_THRESHOLD", "5").strip().lower()
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=env_bool("DJANGO_DB_SERVER_SIDE_BINDING", True),
            prepare_threshold=None if _threshold in {"off", "none", ""} else int(_threshold),
        )
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "casework.sqlite3",
            "OPTIONS": {
                # WAL lets readers proceed while one writer commits; IMMEDIATE
                # takes the write lock at BEGIN so two writers queue instead of
                # failing with "database is locked" half-way through.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # zxcvbn's lists of leaked and common passwords, names and words, shipped with the package: no network
    {"NAME": "casework.accounts.passwords.GuessablePasswordValidator"},
]

# Staff accounts (docs/security.md "Staff accounts"). AxesStandaloneBackend first: it refuses a locked-out
# username + client before the password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = dt.timedelta(hours=1)  # never permanent
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # one person's typos never lock out another
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the hour counts from the lockout
AXES_CLIENT_IP_CALLABLE = "casework.security.clients.axes_client_ip"
AXES_LOCKOUT_CALLABLE = "casework.accounts.views.locked_out"
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # no table of every login's address and browser; the security log has pseudonyms
OTP_TOTP_ISSUER = "Casework"
# The demo's accounts (make run, DEBUG on) may sign in without a second factor; the login page says so.
CASEWORK_DEMO_MFA_EXEMPT = True

# Sessions: staff 30 minutes idle, 12 hours at most (casework/accounts/middleware.py).
SESSION_COOKIE_AGE = 12 * 60 * 60
CASEWORK_SESSION_IDLE_SECONDS = 30 * 60
CASEWORK_SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60

# The client's address: REMOTE_ADDR, or with N trusted proxies in front (nginx: 1) the address the first
# of them saw, read from X-Forwarded-For counting N from the right (casework/security/clients.py).
CASEWORK_TRUSTED_PROXIES = int(os.environ.get("CASEWORK_TRUSTED_PROXIES", 0))
# Throttles (django-ratelimit over the cache "throttle"): "count/period", e.g. 10/15m.
CASEWORK_THROTTLE_CODE_PER_CLIENT = os.environ.get("CASEWORK_THROTTLE_CODE_PER_CLIENT", "10/15m")
CASEWORK_THROTTLE_CODE_PER_CASE = os.environ.get("CASEWORK_THROTTLE_CODE_PER_CASE", "20/h")
CASEWORK_THROTTLE_SUBMIT_PER_CLIENT = os.environ.get("CASEWORK_THROTTLE_SUBMIT_PER_CLIENT", "20/d")
RATELIMIT_USE_CACHE = "throttle"
# The throttles' counters live in the database (table casework_throttle, `manage.py createcachetable`, which
# migrate does): shared by every worker with no other service to run. casework.security.cache makes the
# increment atomic, which django-ratelimit's check (E003) does not know about.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {
        "BACKEND": os.environ.get("CASEWORK_THROTTLE_CACHE", "casework.security.cache.AtomicDatabaseCache"),
        "LOCATION": os.environ.get("CASEWORK_THROTTLE_CACHE_LOCATION", "casework_throttle"),
    },
}
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# Content-Security-Policy (django-csp): no inline script or style anywhere; scripts and styles from static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# Chinese first: the msgids in the sources are the Chinese wording, and a browser that asks
# for no language (or for one we do not have) gets Chinese. English comes from
# locale/en/LC_MESSAGES/django.po, compiled to the django.mo committed next to it
# (`make messages` extracts and compiles both again; tests/i18n checks they agree).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage" if not DEBUG else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
# Development serves static files straight from the apps; production from STATIC_ROOT.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"

CSRF_FAILURE_VIEW = "casework.web.errors.csrf_failure"  # a stale form gets a Chinese page saying what to do

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Attachments (Art 19: written materials). Types a township office receives:
# scans, photos, office documents, each typed by its content (casework/cases/uploads.py).
# Everything else is refused. Limits per file, per submission, and for the zip archives that
# office documents are. Put the same bound on request bodies in the proxy (nginx client_max_body_size).
CASEWORK_ATTACHMENT_MAX_BYTES = int(os.environ.get("CASEWORK_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
CASEWORK_ATTACHMENT_MAX_FILES = int(os.environ.get("CASEWORK_ATTACHMENT_MAX_FILES", 10))
CASEWORK_ATTACHMENT_MAX_TOTAL_BYTES = int(os.environ.get("CASEWORK_ATTACHMENT_MAX_TOTAL_BYTES", 30 * 1024 * 1024))
CASEWORK_ARCHIVE_MAX_ENTRIES = int(os.environ.get("CASEWORK_ARCHIVE_MAX_ENTRIES", 1000))
CASEWORK_ARCHIVE_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("CASEWORK_ARCHIVE_MAX_UNCOMPRESSED_BYTES", 100 * 1024 * 1024))
CASEWORK_ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".txt": "text/plain",
}
# ClamAV's daemon scans every upload when set: tcp://host:3310 or unix:///run/clamav/clamd.ctl.
# Set but not answering: uploads are refused.
CASEWORK_CLAMD = os.environ.get("CASEWORK_CLAMD", "")
CASEWORK_CLAMD_TIMEOUT = float(os.environ.get("CASEWORK_CLAMD_TIMEOUT", 30))

# The event chains' MAC keys (docs/security.md), kept outside the database: "id:secret[,id:secret...]",
# the first signs new events, the others only verify (rotation). Unset: a key derived from SECRET_KEY,
# which `check --deploy` warns about. Checkpoints of the chains' lengths and heads (run_deadlines
# writes one a day) go to CASEWORK_CHECKPOINT_DIR: copy them off the database's host.
CASEWORK_CHAIN_KEYS = [k for k in os.environ.get("CASEWORK_CHAIN_KEY", "").split(",") if k.strip()]
CASEWORK_CHECKPOINT_DIR = Path(os.environ.get("CASEWORK_CHECKPOINT_DIR", VAR_DIR / "checkpoints"))

# Personal data and secrets at rest (docs/security.md "Personal data at rest"; PIPL Art 51).
# CASEWORK_DATA_KEYS: Fernet keys, comma-separated, newest first (it encrypts, all decrypt; after adding one,
# `manage.py reencrypt_personal_data`). CASEWORK_INDEX_KEY (>= 32 characters): keys the blind indexes and the
# access codes' digests; never rotated. make run and the tests (DEBUG) get fixed development keys; without
# DEBUG, missing keys stop every command (system check casework.privacy.E001) and every use.
CASEWORK_DATA_KEYS = [k.strip() for k in os.environ.get("CASEWORK_DATA_KEYS", "").split(",") if k.strip()]
CASEWORK_INDEX_KEY = os.environ.get("CASEWORK_INDEX_KEY", "")
if DEBUG and not CASEWORK_DATA_KEYS:
    CASEWORK_DATA_KEYS = ["ZGV2LW9ubHktZGF0YS1rZXktbmV2ZXItaW4tcHJvZCE="]  # b"dev-only-data-key-never-in-prod!"
if DEBUG and not CASEWORK_INDEX_KEY:
    CASEWORK_INDEX_KEY = "dev-only-index-key-never-in-production"
# The access codes' digests: scrypt with N = 2**CASEWORK_ACCESS_CODE_WORK (r=8, p=1), ~16 ms at 12.
CASEWORK_ACCESS_CODE_WORK = int(os.environ.get("CASEWORK_ACCESS_CODE_WORK", 12))
# How long an idempotency record can replay its answer (the answer is encrypted; then it is deleted).
CASEWORK_IDEMPOTENCY_TTL = int(os.environ.get("CASEWORK_IDEMPOTENCY_TTL", 24 * 3600))
# Closed cases are anonymised this many days after they closed (`manage.py anonymise_closed`, daily job).
CASEWORK_RETENTION_DAYS = int(os.environ.get("CASEWORK_RETENTION_DAYS", 5 * 365))

# How periods are counted (民法典 Art 201, 203). Both default to the Civil Code.
CASEWORK_EXCLUDE_START_DAY = env_bool("CASEWORK_EXCLUDE_START_DAY", True)
CASEWORK_ROLL_TO_WORKING_DAY = env_bool("CASEWORK_ROLL_TO_WORKING_DAY", True)
CASEWORK_DATA_DIR = Path(os.environ.get("CASEWORK_DATA_DIR", BASE_DIR.parent / "shared" / "data"))

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    # __Host- cookies: only over HTTPS, only for this exact host, path /
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_NAME = "__Host-language"
    LANGUAGE_COOKIE_SECURE = True

# The security log (casework/security/log.py): JSON lines on standard error, or appended to
# CASEWORK_SECURITY_LOG; no secrets and no personal data in it.
_security_log = os.environ.get("CASEWORK_SECURITY_LOG", "")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "pythonjsonlogger.json.JsonFormatter", "fmt": "%(levelname)s %(name)s",
                            "timestamp": "at",  # ISO 8601, UTC
                            "rename_fields": {"levelname": "level", "name": "logger"}}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "security": ({"class": "logging.FileHandler", "filename": _security_log, "formatter": "json"} if _security_log
                     else {"class": "logging.StreamHandler", "formatter": "json"}),
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {"casework.security": {"handlers": ["security"], "level": "INFO", "propagate": False}},
}
