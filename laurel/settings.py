"""Laurel settings: every value comes from the environment.

SQLite in LAUREL_DATA_DIR is the default; DATABASE_URL switches to PostgreSQL.
A secret may also be given as a file path in NAME_FILE (for container secrets).
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    """Read NAME, or the contents of the file named by NAME_FILE."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "true" if default else "false").strip().lower() in ("1", "true", "yes", "on")


DATA_DIR = Path(env("LAUREL_DATA_DIR") or "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    # A development install keeps one generated key in the data folder so
    # sessions survive restarts; production sets LAUREL_SECRET_KEY.
    key = env("LAUREL_SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("LAUREL_DEBUG")
ALLOWED_HOSTS = [h for h in env("LAUREL_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("LAUREL_CSRF_TRUSTED_ORIGINS").split(",") if o]
# The origin used in links sent by email and in public ids when no request is at hand.
SITE_URL = env("LAUREL_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# How long a claim link in an award email works, in seconds (default 30 days).
LAUREL_CLAIM_LINK_MAX_AGE = int(env("LAUREL_CLAIM_LINK_MAX_AGE", str(30 * 24 * 3600)))
SITE_NAME = env("LAUREL_SITE_NAME", "Laurel")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "laurel.core",
    "laurel.accounts",
    "laurel.orgs",
    "laurel.achievements",
    "laurel.awards",
    "laurel.audit",
    "laurel.credentials",
    "laurel.outbox",
    "laurel.events",
    "laurel.ingest",
    "laurel.ingest.xapi",
    "laurel.ingest.lti",
    "laurel.rules",
    "laurel.hooks",
    "laurel.endorsements",
    "laurel.api",
    "laurel.demo",
    "laurel.certificates",
    "laurel.wallet",
    "laurel.pathways",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "laurel.core.middleware.security_headers",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "laurel.urls"
WSGI_APPLICATION = "laurel.wsgi.application"

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
                "laurel.core.context_processors.site",
            ],
        },
    },
]

DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "laurel.sqlite3",
            # Reusing a thread's connection skips reopening the file and re-running the pragmas.
            "CONN_MAX_AGE": 60,
            "OPTIONS": {
                # WAL lets the worker and the web process read and write side
                # by side; IMMEDIATE avoids lock upgrades that fail mid-transaction.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DATABASES["default"]["TEST"] = {"NAME": env("LAUREL_TEST_DB_NAME") or None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["laurel.accounts.backends.EmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if env_bool("LAUREL_FAST_PASSWORD_HASHER")
    else [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.ScryptPasswordHasher",
    ]
)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env("LAUREL_TIME_ZONE", "Asia/Seoul")
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files are served from the installed package, so `pip install .` is enough.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = SITE_URL.startswith("https://")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env("LAUREL_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = env("LAUREL_SMTP_HOST", "localhost")
EMAIL_PORT = int(env("LAUREL_SMTP_PORT", "25"))
EMAIL_HOST_USER = env("LAUREL_SMTP_USER")
EMAIL_HOST_PASSWORD = env("LAUREL_SMTP_PASSWORD")
EMAIL_USE_TLS = env_bool("LAUREL_SMTP_TLS")
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env("LAUREL_FROM_EMAIL", "Laurel <no-reply@localhost>")

# Bulk issuing: rows per chunk, how long a worker holds a chunk before another may take it over,
# and the first retry delay after a failed step (doubling up to five attempts).
AWARD_CHUNK_ROWS = int(env("LAUREL_AWARD_CHUNK_ROWS", "500"))
AWARD_CHUNK_LEASE_SECONDS = float(env("LAUREL_AWARD_CHUNK_LEASE_SECONDS", "120"))
AWARD_CHUNK_RETRY_SECONDS = float(env("LAUREL_AWARD_CHUNK_RETRY_SECONDS", "5"))

TASKS = {
    "default": {
        "BACKEND": env("LAUREL_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

REDIS_URL = env("LAUREL_REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# How many reverse proxies in front of Laurel append to X-Forwarded-For (0: none,
# use the connection's address). Rate limits and the audit log use the client address.
TRUSTED_PROXIES = int(env("LAUREL_TRUSTED_PROXIES", "0"))

# Key-encryption key for issuer private keys: base64url of 32 random bytes
# (python -c "from laurel.credentials.kek import new_kek_text; print(new_kek_text())").
KEK = env("LAUREL_KEK")
# Older KEKs still accepted for decryption until `laurel manage rotate_kek` has run.
KEK_PREVIOUS = [k.strip() for k in env("LAUREL_KEK_PREVIOUS").split(",") if k.strip()]
# Verifying other issuers' credentials fetches DID documents and status lists; private,
# loopback and link-local targets are refused unless this is set (development only).
ALLOW_PRIVATE_FETCH = env_bool("LAUREL_ALLOW_PRIVATE_FETCH")

# Outgoing webhooks go to public https servers only; this lets them reach loopback
# addresses over http too (tests and development only; private networks stay refused).
WEBHOOK_ALLOW_LOOPBACK = env_bool("LAUREL_WEBHOOK_ALLOW_LOOPBACK")
# Seconds a webhook receiver has to answer, from connecting to the last byte read.
WEBHOOK_TIMEOUT = float(env("LAUREL_WEBHOOK_TIMEOUT", "10"))

# How long a worker may hold an outbox message before another may retry it.
OUTBOX_LEASE_SECONDS = float(env("LAUREL_OUTBOX_LEASE_SECONDS", "120"))

# Content limits for uploads, in bytes and pixels.
MAX_IMAGE_BYTES = int(env("LAUREL_MAX_IMAGE_BYTES", str(1024 * 1024)))
MAX_IMAGE_PIXELS = int(env("LAUREL_MAX_IMAGE_PIXELS", str(2048 * 2048)))
MAX_CSV_BYTES = int(env("LAUREL_MAX_CSV_BYTES", str(5 * 1024 * 1024)))
MAX_CSV_ROWS = int(env("LAUREL_MAX_CSV_ROWS", "20000"))
# A Hangul-capable font for server-side PNG rendering (Debian: fonts-nanum).
FONT_DIRS = [p for p in env("LAUREL_FONT_DIRS", "/usr/share/fonts/truetype/nanum").split(":") if p]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LAUREL_LOG_LEVEL", "WARNING")},
}
