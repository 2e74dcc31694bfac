"""Settings of the PES 21 application, driven by environment variables.

Every variable is parsed by a tiny typed helper that refuses a bad value at start-up,
so a typo in production stops the server instead of silently changing its behaviour.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PES21_VAR_DIR", BASE_DIR / "var"))


def _read_local_settings(path: Path) -> None:
    """The settings of a developer's machine: `make run` writes var/local.env (DEBUG=1), so that
    every command of the README works there as written. Its KEY=value lines only fill what the
    environment leaves unset, and it is never read when the environment sets SECRET_KEY, as
    production (and the test settings) must."""
    if "SECRET_KEY" in os.environ or not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        key, equals, value = line.partition("=")
        if equals and not line.lstrip().startswith("#"):
            os.environ.setdefault(key.strip(), value.strip())


_read_local_settings(VAR_DIR / "local.env")

_TRUE = {"1", "true", "yes", "on", "oui"}
_FALSE = {"0", "false", "no", "off", "non", ""}


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} doit valoir 1 ou 0 (oui ou non), pas {raw!r}.")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} doit être un nombre entier, pas {raw!r}.") from None


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY manque : en production (DEBUG désactivé), donnez-lui une longue valeur "
            "aléatoire, gardée secrète (docs/deploy/README.md)."
        )
    # Local runs keep one generated key so sessions survive a restart.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not ALLOWED_HOSTS and not DEBUG:
    # Without it every request would get a bare 400, with nothing said at start-up.
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS manque : en production (DEBUG désactivé), donnez le nom du site, "
        "par exemple ALLOWED_HOSTS=pes21.example.org."
    )
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

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
    "django_filters",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    # Before pes21: its admin takes the devices' pages away (pes21/admin.py).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "pes21",
    "accompaniment",
    "dla",
    "generateur",
    "volunteers",
    "reporting",
    "exchange",
    "privacy",
    "followups",
    "public",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Every page requires login unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # ...and the second factor, for whoever turned it on (pes21/second_factor.py).
    "pes21.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "pes21.middleware.NoStoreForSignedInMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pes21.urls"
WSGI_APPLICATION = "pes21.wsgi.application"

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
                "pes21.context_processors.roles",
            ],
            # French numbers group digits (« 12 345 »): an identifier, a version or a year
            # written into a page goes through |unlocalize, available in every template.
            "builtins": ["django.templatetags.l10n"],
        },
    },
    # Only for the rows of the lists, rendered by name through this engine (pes21/jinja2.py).
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "pes21.jinja2.environment",
            "filter_libraries": [
                "pes21_tags",
                "accompaniment_tags",
                "dla_tags",
                "generateur_tags",
                "volunteers_tags",
            ],
        },
    },
]


def _database() -> dict:
    default_sqlite = f"sqlite:///{VAR_DIR / 'pes21.sqlite3'}"
    url = os.environ.get("DATABASE_URL", "").strip() or default_sqlite
    try:
        config = dj_database_url.parse(url, conn_max_age=envint("CONN_MAX_AGE", 0))
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"DATABASE_URL n'est pas une adresse de base valable : {exc}"
        ) from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        if config["NAME"] != ":memory:":
            Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # WAL and IMMEDIATE transactions let the dev server and a second process write
        # without "database is locked" errors.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    elif config["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL doit désigner une base SQLite ou PostgreSQL.")
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "pes21.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's password check, slowed per account for unknown addresses (pes21/accounts.py).
    "pes21.accounts.AccountThrottledBackend",
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

# Login throttling: after AXES_FAILURE_LIMIT failures for one username from one client
# address, that pair is locked for AXES_COOLOFF_MINUTES (pes21/accounts.py).
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# IPv6 clients count by their /64 network, the block one subscriber holds.
AXES_CLIENT_IP_CALLABLE = "pes21.accounts.client_address"
AXES_LOCKOUT_CALLABLE = "pes21.accounts.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Otherwise one wrong password every quarter of an hour would keep an account locked for good.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
# Past this many wrong passwords for one account in an hour, from any address, an address that
# never signed in to it gets one try per growing delay (2, 4, 8… s, at most the maximum).
LOGIN_ACCOUNT_FAILURE_LIMIT = envint("LOGIN_ACCOUNT_FAILURE_LIMIT", 20)
LOGIN_ACCOUNT_MAX_DELAY_SECONDS = envint("LOGIN_ACCOUNT_MAX_DELAY_SECONDS", 300)

# Two-factor sign-in (pes21/second_factor.py): anyone may turn it on in « Mon compte »; with
# TWO_FACTOR_REQUIRED, the team, the direction and the administrators must before any page.
TWO_FACTOR_REQUIRED = envbool("TWO_FACTOR_REQUIRED", False)
OTP_TOTP_ISSUER = "PES 21"

# Password-reset e-mails per address, and reset requests per client address, in an hour.
PASSWORD_RESET_PER_ADDRESS = envint("PASSWORD_RESET_PER_ADDRESS", 3)
PASSWORD_RESET_PER_CLIENT = envint("PASSWORD_RESET_PER_CLIENT", 10)

# Nothing the processes must share lives in a cache (throttle counters, sessions and tasks are
# in the database), so each process keeps its own in memory: no file, no server to run.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["pes21.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Documents and pending imports, in the database: every server sees them (pes21/storage.py).
    "default": {"BACKEND": "pes21.storage.DatabaseStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Where documents lived before they moved into the database: the migration that moved them
# (pes21.0009) reads them from here; nothing else does.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Uploaded documents are never served by URL: no URL routes MEDIA_URL, and
# pes21.views.attachment_download checks who asks before streaming a file.
MEDIA_URL = "/documents-non-servis/"
MAX_UPLOAD_MB = envint("MAX_UPLOAD_MB", 10)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# An empty filter choice reads as what it does: no filter.
FILTERS_EMPTY_CHOICE_LABEL = "Tous"

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "PES 21 <ne-pas-repondre@pes21.fr>")


def _site_url() -> str:
    url = os.environ.get("SITE_URL", "http://127.0.0.1:8000").strip().rstrip("/")
    if not url.startswith(("http://", "https://")) or " " in url:
        raise ImproperlyConfigured(
            f"SITE_URL doit ressembler à https://pes21.example.org, pas {url!r}."
        )
    return url


# The site's address, for the links of the e-mails sent outside a request (send_reminders).
SITE_URL = _site_url()

# Production hardening; relaxed only by DEBUG (make run) or explicitly by environment.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
BEHIND_PROXY = envbool("BEHIND_PROXY", False)
# How many proxies stand in front of the application (each appends to X-Forwarded-For).
TRUSTED_PROXIES = envint("TRUSTED_PROXIES", 1)
if TRUSTED_PROXIES < 1:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES doit valoir 1 ou plus, pas {TRUSTED_PROXIES}.")
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The client is the address the first trusted proxy saw: the TRUSTED_PROXIES-th entry
    # from the right of X-Forwarded-For (the last proxy is REMOTE_ADDR, not in the header);
    # whatever a client writes further left is ignored. django-ipware counts the proxies
    # listed in the header, hence the - 1; non-strict, a forged longer chain cannot push the
    # client back onto the proxy's address.
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_ORDER = "left-most"
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXIES - 1
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 60 * 60 * 10)
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles, fonts and requests from this site only,
# no inline script, event handler or style attribute (static/pes21/app.js holds the page
# behaviours; htmx is told not to inject its indicator style). Bootstrap draws its select
# arrows and check marks as data: SVG images, hence img-src data:.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a deliberate, irreversible choice left to the host (SECURE_HSTS_PRELOAD).
    "security.W021",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Background work (imports, e-mails, digests) is a task: a row in the database that a worker
# process (`manage.py db_worker`) claims; any number of workers may run on any machine.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A running import's worker writes the job's heartbeat this often; a job silent for
# IMPORT_STALE_SECONDS is taken as dead (exchange/jobs.py). Generous: a loaded machine may
# pause a thread for a few seconds, and a false verdict would roll a good import back.
IMPORT_HEARTBEAT_SECONDS = envint("IMPORT_HEARTBEAT_SECONDS", 5)
IMPORT_STALE_SECONDS = envint("IMPORT_STALE_SECONDS", 60)
if IMPORT_STALE_SECONDS < 3 * IMPORT_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured(
        "IMPORT_STALE_SECONDS doit valoir au moins trois fois IMPORT_HEARTBEAT_SECONDS."
    )

# An activity import checks and writes its rows a chunk at a time, so memory holds one chunk
# of rows plus the refs (and ids) of the records the dataset defines: the cap on a file's
# rows bounds those, and the time one import holds the database.
IMPORT_MAX_ROWS = envint("IMPORT_MAX_ROWS", 1_000_000)
IMPORT_CHUNK_ROWS = envint("IMPORT_CHUNK_ROWS", 5000)

# How long personal data is kept after the last contact (CNIL: two years for people
# supported by the social sector).
RETENTION_MONTHS = envint("RETENTION_MONTHS", 24)


def _follow_up_years() -> list[int]:
    items = envlist("FOLLOW_UP_YEARS", ["1", "2", "3"])
    if not items or not all(item.isdigit() and 1 <= int(item) <= 10 for item in items):
        raise ImproperlyConfigured("FOLLOW_UP_YEARS doit lister des années de 1 à 10, comme 1,2,3.")
    return sorted({int(item) for item in items})


# Outcome follow-ups of the structures helped: due this many years after a structure's creation
# (or the end of its DLA engineering). The report's figures read the 3rd (creation) and the 1st
# and 2nd (DLA) years: keep them in the list.
FOLLOW_UP_YEARS = _follow_up_years()

# The public pages (public/, docs/public.md): registration to collective actions, « Déposer mon
# projet », the end-of-accompaniment questionnaire. POSTs per client address and minute, across
# every public form (pes21.throttle); e-mails the public doors may send one address in an hour;
# how long a questionnaire link stays valid; who is told of a new request (the direction's
# accounts when empty).
PUBLIC_POSTS_PER_MINUTE = envint("PUBLIC_POSTS_PER_MINUTE", 10)
PUBLIC_MAILS_PER_ADDRESS = envint("PUBLIC_MAILS_PER_ADDRESS", 5)
PUBLIC_QUESTIONNAIRE_DAYS = envint("PUBLIC_QUESTIONNAIRE_DAYS", 60)
PUBLIC_REQUESTS_NOTIFY = envlist("PUBLIC_REQUESTS_NOTIFY", [])
