"""Settings read from the environment (DATABASE_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS, DJANGO_ENV, ...).

With nothing set, the app runs in development mode on a SQLite file inside the project. Served by
gunicorn (config/wsgi.py) it runs in production mode. docs/deployment.md lists every variable.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = os.environ.get(name) or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


# Where the app runs. "production" turns DEBUG off and every HTTPS protection on by default and
# requires SECRET_KEY and ALLOWED_HOSTS; "development" keeps DEBUG on so that make run, the tests and
# the management commands work with nothing set. config/wsgi.py (what gunicorn serves) defaults to
# production, so a served app is never in development mode by accident.
ENVIRONMENT = env_choice("DJANGO_ENV", ("development", "production"), default="development")
PRODUCTION = ENVIRONMENT == "production"
DEBUG = env_bool("DEBUG", default=not PRODUCTION)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION or not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set in production and whenever DEBUG is off.")
    SECRET_KEY = "development-only-insecure-key"  # nosec B105 # noqa: S105 - only in development with DEBUG on

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must be set in production (the site's host names, comma-separated)."
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "simple_history",
    "zones",
    "enterprises",
    "membership",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Both see every answer, the error pages of a database outage included (config/middleware.py).
    "config.middleware.PrivateCacheMiddleware",
    "config.middleware.ApiErrorMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After the language is known (its 400 is translated), before any view reads the address.
    "config.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change in the audit trail (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "reports.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Vietnamese first: the default for a first visit whose browser asks for neither language.
# LocaleMiddleware honours the language cookie, then Accept-Language; the switcher in the header sets
# the cookie, kept for a year, so the choice outlives logging out and in (see README, "Languages").
LANGUAGE_CODE = "vi"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Day-first dates in forms and pages, 3.442 / 344,2% in Vietnamese (config/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

# The installation's province, by code (zones.Province); the data, not the code, names it.
COVERAGE_PROVINCE = os.environ.get("COVERAGE_PROVINCE", "lao-cai")

# Union coverage of eligible enterprises counts those with at least this many reported workers (the
# threshold of the Labour Federation's plan 135/KH-TLĐ of 2021).
UNION_ELIGIBLE_WORKERS = env_int("UNION_ELIGIBLE_WORKERS", 25)

# --- E-mail: the reporting cycle's notices, reminders and scheduled reports. ---
# The console backend prints mail in development; production sets EMAIL_BACKEND to the SMTP backend
# and the EMAIL_* variables (docs/deployment.md). Tests use the local-memory backend.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "coverage@localhost")
# Links in e-mails point here (no request to take the host from).
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")
# Zone editors are reminded this many days before a deadline when enterprises have not reported.
REPORTING_REMINDER_DAYS = env_int("REPORTING_REMINDER_DAYS", 5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # The PDF engine and its font subsetter narrate every step at INFO.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")},
}

# --- Dashboard: plotly.js from our own static files, never a CDN. ---
# static/vendor/plotly/plotly.min.js is plotly.js's "finance" partial bundle (npm package
# plotly.js-finance-dist-min, MIT licence beside it): the smallest published bundle with every trace
# type reports/display/charts.py draws (bar, scatter, funnel, waterfall), 1.3 MB instead of the full 4.8 MB
# that the plotly package ships. tests/reports/display/test_static_bundle.py checks the trace types
# and that its version matches the installed plotly package's plotly.js.

# Spreadsheet import of returns (membership/importing/): limits for the command and the
# upload page, and where an uploaded file waits between preview and confirmation (a private
# directory; empty means "coverage-imports" in the system's temporary directory).
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", 50 * 1024 * 1024))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", 200_000))
IMPORT_MAX_UNCOMPRESSED_BYTES = 500 * 1024 * 1024  # what an XLSX may unpack to (zip bombs)
IMPORT_MAX_COMPRESSION_RATIO = 200
IMPORT_UPLOAD_DIR = os.environ.get("IMPORT_UPLOAD_DIR", "")
IMPORT_UPLOAD_MAX_AGE = 24 * 3600  # seconds an unconfirmed upload is kept

# --- Production: serving, HTTPS, Content-Security-Policy, accounts, logs, replicas. ---
# docs/deployment.md documents every variable read here and the values for a production server.
from datetime import timedelta  # noqa: E402

DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # a connection the database dropped is replaced, not reused

# Time limits on PostgreSQL, so that a database that does not answer cannot hold requests (and the
# threads serving them) for ever. Every process gives up connecting after DATABASE_CONNECT_TIMEOUT
# seconds. What gunicorn serves (config/wsgi.py) also has every statement cancelled after
# DATABASE_STATEMENT_TIMEOUT seconds (0: never); management commands (imports, exports, summary
# rebuilds) run as long as their work takes. /healthz gives its own probe a shorter limit.
DATABASE_CONNECT_TIMEOUT = env_int("DATABASE_CONNECT_TIMEOUT", 5)
DATABASE_STATEMENT_TIMEOUT = env_int("DATABASE_STATEMENT_TIMEOUT", 30)
# The indicator engine's statements are prepared once per PostgreSQL connection (core.db.execute):
# parsing and planning them cost more than running them. Turn off behind PgBouncer in transaction
# pooling mode, where a connection's prepared statements do not follow the client.
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", True)


def with_time_limits(database: dict) -> None:
    if database["ENGINE"] == "django.db.backends.postgresql":
        database.setdefault("OPTIONS", {}).setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)


with_time_limits(DATABASES["default"])

# Static files from the app itself (WhiteNoise): compressed, with content hashes in their names and
# cached for a year in production (run collectstatic at each release); from the source folders,
# unhashed, in development and tests, which therefore never need collectstatic. WhiteNoise answers
# static files itself, so the middleware adding security headers must come before it.
MIDDLEWARE.remove("django.middleware.clickjacking.XFrameOptionsMiddleware")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
)
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG and not PRODUCTION
WHITENOISE_KEEP_ONLY_HASHED_FILES = True  # pages name static files through {% static %} only
INSTALLED_APPS[INSTALLED_APPS.index("django.contrib.staticfiles")] = "config.apps.StaticFiles"

# HTTPS. Behind nginx (deploy/nginx.conf) TLS ends at the proxy, which says so in X-Forwarded-Proto;
# TRUST_PROXY_HEADERS makes Django believe it (and X-Real-IP for client addresses). Turn it on only
# when gunicorn is reachable from the proxy alone, as in the documented install.
TRUST_PROXY_HEADERS = env_bool("TRUST_PROXY_HEADERS", default=False)
if TRUST_PROXY_HEADERS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe the app servers over plain HTTP
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = []
if not SECURE_HSTS_PRELOAD:
    # security.W021 asks for HSTS preload. Being on the browsers' preload list binds the whole domain
    # to HTTPS for months and is hard to undo: the domain's owner decides (SECURE_HSTS_PRELOAD=true).
    SILENCED_SYSTEM_CHECKS.append("security.W021")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Already Django's defaults, stated because the security tests rely on them.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts only from our own static files, so no inline script
# and no event-handler attribute runs; data for scripts travels in json_script blocks, which are not
# executed. Styles: our own files, and the two <style> elements plotly.js adds (their hashes below).
from csp.constants import NONE, SELF  # noqa: E402

INSTALLED_APPS += ["csp"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware"
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # plotly's "download as PNG" draws through a data: URL
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# plotly.js (found by the browser tests): on load it appends two <style> elements, an empty
# one it fills through the CSSOM (its global rules: modebar, hover labels) and one with maplibre's CSS;
# `style-src 'self'` blocks both and logs console errors. Their hashes allow exactly these two
# elements, not inline styles in general. A plotly upgrade changes the second hash: tests/e2e fails
# with the new one in the console message.
CONTENT_SECURITY_POLICY["DIRECTIVES"]["style-src"] = [
    *CONTENT_SECURITY_POLICY["DIRECTIVES"]["style-src"],
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # the empty <style> (sha256 of "")
    "'sha256-ji27qzEtxXZW+7dun6UwjHXJ18e6WAin1VvNtkzIE/o='",  # maplibre-gl's CSS in plotly 6
]

# Sessions end after SESSION_HOURS (a working day) whatever the activity, and also when the browser
# closes unless SESSION_EXPIRE_AT_BROWSER_CLOSE=false. They live in the database, so every app server
# behind a load balancer shares them.
SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 8) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)

# Failed logins (django-axes, counted in the database so that every app server sees them): after
# LOGIN_FAILURE_LIMIT failures from one client address, or for one username from whatever addresses,
# further attempts are locked out for LOGIN_LOCKOUT_MINUTES; a successful login resets the count
# (config/accounts.py shows the page). The address is the one config.logging.client_ip finds:
# X-Real-IP from the proxy with TRUST_PROXY_HEADERS, else the socket's.
INSTALLED_APPS += ["axes"]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
# Failures count per client address (the one the trusted proxy reports) and, separately, per
# username, so rotating addresses against one account does not help. The price: an office behind one
# public address shares its count, and a known username can be locked for the cool-off time
# (`manage.py axes_reset_username` lifts it).
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.accounts.locked_out"
AXES_CLIENT_IP_CALLABLE = "config.logging.client_ip"

# Logs on standard error: JSON lines in production (one object per record, see config/logging.py),
# plain text in development; one line per request from RequestLogMiddleware.
LOG_FORMAT = env_choice("LOG_FORMAT", ("json", "text"), default="json" if PRODUCTION else "text")
MIDDLEWARE.insert(0, "config.logging.RequestLogMiddleware")
LOGGING["formatters"] = {
    "json": {"()": "config.logging.JsonFormatter"},
    "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
}
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT
LOGGING["loggers"]["coverage.requests"] = {"level": os.environ.get("REQUEST_LOG_LEVEL", "INFO")}
# django-axes narrates every login at INFO; failures and lockouts come at WARNING.
LOGGING["loggers"]["axes"] = {"level": "WARNING"}

# A PostgreSQL read replica for the dashboards (config/routers.py), only when one is configured.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=DATABASES["default"]["CONN_MAX_AGE"]
    )
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    with_time_limits(DATABASES["replica"])
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]
    MIDDLEWARE.append("config.routers.ReplicaMiddleware")

# Rendered dashboards are kept in the "pages" cache (reports/dashboards/page_cache.py), keyed on the
# summary's version so that a write is seen at once: Django's local-memory cache of each process by
# default (nothing to run), or one Redis shared by every app server with REDIS_URL
# (redis://127.0.0.1:6379/0; docs/deployment.md). When Redis is down pages are served uncached
# (and logged); the short timeouts keep that from costing a request more than a fraction of a second.
# PAGE_CACHE_SECONDS bounds how long a page is kept (a write replaces it at once anyway); 0 turns the
# page cache off.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 2000}},
}
if REDIS_URL:
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "coverage",
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
    }
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
PAGE_CACHE = "pages" if PAGE_CACHE_SECONDS > 0 else ""
