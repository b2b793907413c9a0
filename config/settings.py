"""Settings for Study Tours, read from the environment.

Every variable goes through a small typed helper that refuses a value it cannot
understand, so a typo in production fails at start-up instead of at 3 a.m.
"""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0/true/false/yes/no/on/off, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# On for a developer's checkout; every production environment sets DJANGO_DEBUG=0, and
# then refuses to start without a real secret key (check --deploy flags a forgotten one).
DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off "
            "(for local development set DJANGO_DEBUG=1, as `make run` does)."
        )
    SECRET_KEY = "django-insecure-development-only-key"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# HTTPS is on in production unless an HTTP-only intranet turns it off (DJANGO_HTTPS=0).
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
if BEHIND_PROXY:
    # The proxy terminates TLS and says so; only trust this behind a proxy that sets it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies of ours stand before gunicorn (nginx: 1; a load balancer before it: 2).
# Each appends the address it was reached from to X-Forwarded-For; entries left of theirs
# come from the client and may be forged. Without a proxy the header is never read.
TRUSTED_PROXIES = env_int("DJANGO_TRUSTED_PROXIES", 1) if BEHIND_PROXY else 0
if BEHIND_PROXY and TRUSTED_PROXIES < 1:
    raise ImproperlyConfigured(f"DJANGO_TRUSTED_PROXIES must be 1 or more, not {TRUSTED_PROXIES}")
if not BEHIND_PROXY and "DJANGO_TRUSTED_PROXIES" in os.environ:
    raise ImproperlyConfigured("DJANGO_TRUSTED_PROXIES is only read with DJANGO_BEHIND_PROXY=1")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Intranet host names cannot join the browsers' HSTS preload lists.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "taggit",
    "simple_history",
    # django-axes, under a Chinese name in the admin.
    "common.login_protection.LoginProtectionConfig",
    "people",
    "tours",
]

MIDDLEWARE = [
    "config.ops.PermissionsPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.ops.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Answers If-None-Match / If-Modified-Since on public pages with 304.
    "django.middleware.http.ConditionalGetMiddleware",
    # Serves cached public pages to readers without a session; everything above still runs.
    "tours.caching.CachedPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
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
            ],
        },
    },
    {
        # The heaviest public parts (tours/templating.py); Django templates place them.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "OPTIONS": {"environment": "tours.templating.environment"},
    },
]

# Database: SQLite at the project root unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while one writer writes; IMMEDIATE transactions
    # take the write lock up front so concurrent writers wait instead of failing.
    # Connections persist like PostgreSQL's: opening one and setting its pragmas costs
    # 1.2 ms, and between requests it holds no transaction, so WAL checkpoints go on.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Everything a page needs comes from this site: no inline script or style, no CDN.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The shared cache holds what every process must agree on, such as the public pages'
# content version: Redis across servers, else files that the workers of one server share.
# Rendered pages themselves stay in each process's memory ("pages"), found by that version.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    SHARED_CACHE = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "tours",
        # A Redis that stops answering costs a reader a second, not a hung worker: pages
        # are then rendered uncached (tours.caching).
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
else:
    SHARED_CACHE = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env_str(
            "DJANGO_CACHE_DIR", str(Path(tempfile.gettempdir()) / "study-tours-cache")
        ),
        # It holds a page version per trip: past the default 300 entries it would drop a
        # third of them at random, and their pages would be rendered again.
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
# DJANGO_PAGE_CACHE=0 renders every page afresh: for the benchmark's uncached figures, and
# to rule the cache out when looking into a problem.
PAGE_CACHE = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "pages",
    "OPTIONS": {"MAX_ENTRIES": 300},
}
CACHES = {
    "default": SHARED_CACHE,
    "pages": PAGE_CACHE
    if env_bool("DJANGO_PAGE_CACHE", True)
    else {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out account before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/accounts/"
LOGOUT_REDIRECT_URL = "/"

# django-axes: five failed logins for one account from one address lock that pair for
# 15 minutes; locking the account alone would let anyone lock a leader out.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
# Behind the proxy every request comes from 127.0.0.1; the address is then the client's
# as our proxies recorded it, or a lockout would shut a leader out for everyone.
AXES_CLIENT_IP_CALLABLE = "config.ops.client_ip_address" if BEHIND_PROXY else None

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates spell the month out (config/formats/en).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
# Evidence files of action items: never under MEDIA_URL, served only by a view that
# checks who asks (tours.staff.evidence).
PRIVATE_MEDIA_ROOT = Path(
    env_str("DJANGO_PRIVATE_MEDIA_ROOT", str(MEDIA_ROOT.parent / "private-media"))
)

# Uploads go to MEDIA_ROOT, or to an S3-compatible bucket (MinIO, Ceph, OSS, AWS) when
# DJANGO_S3_BUCKET is set; that needs `pip install -e ".[s3]"` (django-storages).
# Credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, read by boto3.
S3_BUCKET = env_str("DJANGO_S3_BUCKET")
if S3_BUCKET:
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("DJANGO_S3_ENDPOINT_URL") or None,
            "region_name": env_str("DJANGO_S3_REGION") or None,
            "custom_domain": env_str("DJANGO_S3_CUSTOM_DOMAIN") or None,
            "location": env_str("DJANGO_S3_PREFIX"),
            # Stored names are random and never reused: plain URLs that pages (cached for
            # an hour) and browsers (for a year) can keep, and no overwriting.
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}

STORAGES = {
    "default": MEDIA_STORAGE,
    "private": {"BACKEND": "tours.storage.PrivateFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# A trip's change page posts one field per inline cell: 150 takeaways and 50
# site visits exceed Django's default of 1,000 fields. Each inline shows at most
# tours.admin.base.INLINE_MAX_ROWS rows, so a page stays under this
# (tests/tours/test_large_trips.py counts it).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000

EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "study-tours@localhost")
# E-mails are sent from commands, outside any request: links in them start with this.
SITE_URL = env_str("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# A summary meeting (总结会/汇报会) may be held this many days after a trip's end.
SUMMARY_MEETING_WINDOW_DAYS = env_int("DJANGO_SUMMARY_MEETING_WINDOW_DAYS", 60)

# Chinese editors separate tags with full-width commas and 顿号 as often as with commas.
TAGGIT_TAGS_FROM_STRING = "tours.tagging.parse_tags"
TAGGIT_CASE_INSENSITIVE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        # Structured lines in production; plain text while developing.
        "json": {"()": "config.ops.JsonFormatter"},
        "plain": {"format": "%(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain" if DEBUG else "json"}
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # django-axes logs every login and logout; lockouts still show, as warnings.
    "loggers": {"axes": {"level": "WARNING"}},
}
