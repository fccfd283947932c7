"""Settings shared by every environment, read from the environment (see .env.example)."""

import datetime
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A developer's .env is optional; the real environment always wins over it.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# The project's apps come first: their translations ("session" is "hội nghị/phiên họp" here, not
# django.contrib.sessions' "phiên") and templates take precedence over Django's own.
INSTALLED_APPS = [
    "conference",
    "directives",
    "config.apps.ProjectAdminConfig",  # django.contrib.admin with the project's site (config/admin_site.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's session, authentication, two-factor and messages middleware, each passing an
    # agency's API-key request to the API straight on (config/middleware.py: they do nothing for it).
    "config.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Django's own class: its deployment check (security.W003) looks for it by name; DRF's views are
    # exempt, so it passes an API-key request on at once.
    "django.middleware.csrf.CsrfViewMiddleware",
    "config.middleware.AuthenticationMiddleware",
    "config.middleware.OTPMiddleware",  # request.user.is_verified(): signed in with the second factor
    "config.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "directives.audit.AuditMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: answers a locked-out login with its page
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The project's own admin site's templates (its home page); each app keeps its own templates.
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite under var/ unless DATABASE_URL names another database (PostgreSQL in CI and production).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The list queries' cost estimates pass PostgreSQL's JIT threshold, and compiling them costs
    # more than running them (measured in bench/api.py): serve without JIT.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Clerks, the worker and the loader write at once: wait for the lock instead of failing. A
    # transaction takes the write lock when it begins, so two sweeps queue instead of one failing
    # when its read lock cannot be upgraded.
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=20, transaction_mode="IMMEDIATE")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
# config/locale: the project layer's own messages. config/vendor_locale: Vietnamese for the packages'
# messages that ship without it (DRF's validation errors, django-filter, axes), kept out of every
# "locale" directory so that makemessages, which would drop msgids no code of ours names, never
# rewrites it. Both take priority over the packages' catalogues.
LOCALE_PATHS = [BASE_DIR / "config" / "locale", BASE_DIR / "config" / "vendor_locale"]
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]

TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Dates as dd/mm/yyyy in both languages (see config/formats).
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "static"))
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGIN_URL = "admin:login"

# Password guessing: after AXES_FAILURE_LIMIT wrong passwords for one username from one address, that
# pair is locked for AXES_COOLOFF_MINUTES (each further try starts the wait again) or until an
# administrator unlocks it (Admin > Axes > Access attempts). Kept in the database, so a lockout holds
# across restarts and every web process. AxesStandaloneBackend must come first.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no banner on every manage.py command
# conference/admin_logins.py registers the list of attempts, with its unlock action, in place of axes' own.
AXES_ENABLE_ADMIN = False
AXES_LOCKOUT_CALLABLE = "conference.logins.lockout_response"
# The client's address is REMOTE_ADDR. Behind a reverse proxy that appends to X-Forwarded-For, set
# TRUSTED_PROXY_COUNT to the number of proxies, or every client would share the proxy's address.
AXES_CLIENT_IP_CALLABLE = "conference.logins.client_ip"
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Two-factor login (django-otp, TOTP apps): asked of everyone who enrolled a device, and required
# before any admin page of the members of the group conference.logins.REQUIRE_2FA_GROUP, or of all
# staff when ADMIN_REQUIRE_2FA is true.
ADMIN_REQUIRE_2FA = env.bool("ADMIN_REQUIRE_2FA", default=False)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Theo doi nhiem vu")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND", default="directives.followup.smtp.HandoverSMTPBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Theo doi nhiem vu <no-reply@example.gov.vn>")

# Links in emails point here; replies to reminders go to the clerks' mailbox.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
FOLLOWUP_REPLY_TO = env.str("FOLLOWUP_REPLY_TO", default="")
# How long a worker may hold a message it is sending before another may take it over.
FOLLOWUP_LEASE_SECONDS = env.int("FOLLOWUP_LEASE_SECONDS", default=300)
# SMTP connections a delivery round sends over at once, each with its own database connection
# (PostgreSQL; SQLite always one): while one waits for the server, another works. A crash leaves
# at most one email per connection uncertain.
FOLLOWUP_SMTP_CONNECTIONS = env.int("FOLLOWUP_SMTP_CONNECTIONS", default=4)

# Celery: Redis in production and CI; a broker kept in files under var/ for `make run`, so a
# laptop needs no server. Tasks are enqueued on commit and scheduled by sweeping the database.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(VAR_DIR / "broker" / "queue"),
        "data_folder_out": str(VAR_DIR / "broker" / "queue"),
        "processed_folder": str(VAR_DIR / "broker" / "processed"),
        # Broadcast (pidbox) messages: under var/ too, never in the working directory.
        "control_folder": str(VAR_DIR / "broker" / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {}
)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Schedule by sweeping the database, never by long ETAs (Redis redelivers those after its
# visibility timeout). Delivery also runs on its own, so a lost nudge only delays a message.
CELERY_BEAT_SCHEDULE = {
    "followup-sweep": {"task": "followup.sweep", "schedule": env.int("FOLLOWUP_SWEEP_SECONDS", default=300)},
    "followup-deliver": {"task": "followup.deliver", "schedule": env.int("FOLLOWUP_DELIVER_SECONDS", default=60)},
    # The status tally's deltas (PostgreSQL) folded into its base rows, so that its readers sum few
    # rows (their time with 100,000 pending: bench/README.md, "tally6"). Every 15 s: a fold with
    # nothing pending is one empty DELETE; readers that find many ask for one sooner (fold_soon).
    "tally-fold": {"task": "tally.fold", "schedule": env.int("TALLY_FOLD_SECONDS", default=15)},
}
# Publishing must fail fast when Redis is down: the request that wrote the data has already
# committed it, and the periodic tasks pick it up later.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = False

# A cache shared by every web process (Redis in production) so throttling counts across them.
_cache_url = env.str("CACHE_URL", default="")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}
    if _cache_url.startswith(("redis://", "rediss://"))
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "directives.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["directives.api.authentication.IsAgencyOrClerk"],
    "DEFAULT_RENDERER_CLASSES": ["directives.api.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "directives.api.renderers.ContentNegotiation",
    "DEFAULT_PARSER_CLASSES": ["directives.api.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["directives.api.throttling.PerKeyRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "directives.api.errors.api_exception_handler",
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
}
API_THROTTLE_RATE = env.str("API_THROTTLE_RATE", default="600/minute")
# The API list's compiled SQL as a server-side prepared statement (directives/api/compiled.py);
# off behind a pooler that cannot carry prepared statements (PgBouncer in transaction mode < 1.21).
API_PREPARED_STATEMENTS = env.bool("API_PREPARED_STATEMENTS", default=True)
# Wrong API keys allowed per client address; past it the address gets 429 until the window ends.
API_AUTH_FAILURE_RATE = env.str("API_AUTH_FAILURE_RATE", default="20/minute")
# A JSON body larger than this is refused (413) before it is read whole; uploads are multipart.
API_MAX_JSON_BYTES = env.int("API_MAX_JSON_BYTES", default=1024 * 1024)

SPECTACULAR_SETTINGS = {
    "TITLE": "Directive follow-up API",
    "DESCRIPTION": (
        "Agencies read the directives assigned to them (as lead or coordinating agency) and report "
        "progress, claim completion and ask for extensions. Authenticate with `Authorization: Api-Key "
        "<key>`. Errors are JSON `{status, code, detail, errors}`, in Vietnamese or English following "
        "`Accept-Language`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "directives.api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "AgencyKindEnum": "conference.models.Agency.Kind",
        "SessionKindEnum": "conference.models.Session.Kind",
        "NoticeKindEnum": "conference.models.ConclusionNotice.Kind",
        "DirectiveStateEnum": "directives.models.Directive.State",
        "ExtensionStateEnum": "directives.models.ExtensionRequest.State",
    },
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}
