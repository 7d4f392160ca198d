"""Settings shared by every environment; each value that varies is read from the environment."""

import datetime as dt
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"  # local data: the SQLite database, the search index, caches
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",  # API tokens (backend/accounts/tokens.py); its model is swapped for accounts.ApiToken
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "backend.common",
    "backend.regions",
    "backend.occupations",
    "backend.accounts",
    "backend.workers",
    "backend.jobs",
    "backend.imports",
    "backend.outbox",
    "backend.web",
    "auditlog",
    "backend.audit",
    "backend.demo",
    "training",
    "search",
    "matching",
]

MIDDLEWARE = [
    "backend.common.request_id.RequestIdMiddleware",  # first: every response and log line gets the id
    # Then /healthz and /healthz/live answer at once: no https redirect or Host check for a probe.
    "backend.common.health.HealthProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",  # CONTENT_SECURITY_POLICY below, on every page after static files
    # After whitenoise (which serves pre-compressed static files itself): gzips HTML and JSON
    # for slow phone connections. Django adds random bytes against BREACH and masks CSRF tokens.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "backend.common.middleware.RejectBadCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "backend.audit.middleware.AuditMiddleware",  # after authentication: entries get the actor
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "backend.accounts.sessions.SessionExpiryMiddleware",
    "backend.accounts.second_factor.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the 429 page / JSON
]

ROOT_URLCONF = "backend.urls"
WSGI_APPLICATION = "backend.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "backend" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",  # CSP_NONCE, for what must stay inline (the 500 page)
            ],
        },
    },
]

# --- Database: DATABASE_URL, or a SQLite file for the embedded default -----------------
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'skillbridge.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock when a
    # transaction starts, so a second writer waits (up to `timeout` seconds) instead of failing at
    # once with "database is locked" when its deferred read lock cannot be upgraded.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# By role: 10 characters for staff and administrators, 8 for workers (backend/accounts).
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "backend.accounts.password_validation.RolePasswordValidator",
        "OPTIONS": {"staff_min_length": 10, "worker_min_length": 8},
    },
]

# --- Web front end (backend/web): server-rendered pages, Django's login/logout ------------------
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# --- Language and time --------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# The domain messages (services, validators, importer, API errors); the web pages have their own
# catalogue in backend/web/locale. LOCALE_PATHS is searched first.
LOCALE_PATHS = [BASE_DIR / "backend" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files: whitenoise, compressed and hashed -----------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"

# --- Personal data --------------------------------------------------------------------------
# Secrets for encrypting ID numbers at rest (backend/common/crypto.py), comma-separated, newest
# first: the first encrypts, all decrypt; `manage.py rotate_field_key` moves rows to the first.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
# The single key of earlier versions: still read (after the list), and the index key's default.
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY", default="")
# Keys the HMAC of ID numbers (duplicate checks, lookups); never rotated with the keys above.
FIELD_INDEX_KEY = env("FIELD_INDEX_KEY", default="")

# --- API ------------------------------------------------------------------------------------
# JSON from clients nests at most this deep (Python's decoder would overflow its stack near 1,000).
SKILLBRIDGE_JSON_MAX_DEPTH = env.int("SKILLBRIDGE_JSON_MAX_DEPTH", default=400)
# `login`: the token endpoint, per client address; `password_reset*`: the reset form's sends, per
# address and per email address (backend/accounts/password_reset.py).
THROTTLE_RATES = {
    "anon": "120/min",
    "user": "600/min",
    "login": "10/min",
    "imports": "30/hour",
    "password_reset": "5/hour",
    "password_reset_email": "3/hour",
}
# How many proxies of ours append to X-Forwarded-For in front of Django (0: use REMOTE_ADDR, and
# X-Forwarded-For is ignored). The lockout, the throttles and the audit log all count by it.
SKILLBRIDGE_TRUSTED_PROXIES = env.int("SKILLBRIDGE_TRUSTED_PROXIES", default=0)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous API call gets 401 with a WWW-Authenticate header.
        "backend.accounts.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "backend.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "backend.api.filtering.FilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "backend.api.schema.AutoSchema",
    # DRF's JSON parser with a nesting limit (SKILLBRIDGE_JSON_MAX_DEPTH): a deeper body is a 400.
    "DEFAULT_PARSER_CLASSES": [
        "backend.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "backend.api.errors.exception_handler",
    # On for every view, counted in the shared cache (CACHES below) so limits hold across
    # processes; `login` (the token endpoint) and `imports` (uploads) are scoped per view.
    "DEFAULT_THROTTLE_CLASSES": [
        "backend.api.throttling.AnonRateThrottle",
        "backend.api.throttling.UserRateThrottle",
        "backend.api.throttling.WriteScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": THROTTLE_RATES,
    # DRF's own reading of X-Forwarded-For agrees with lockout.client_ip (None would trust any).
    "NUM_PROXIES": SKILLBRIDGE_TRUSTED_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SkillBridge 粤技桥 API",
    "DESCRIPTION": "Training programs, county job postings, worker profiles and matching.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation documents its failures too (one Error body); routes that only answer 405 go.
    "PREPROCESSING_HOOKS": ["backend.api.schema.drop_unoffered_writes"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "backend.api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "CertificateLevelEnum": "backend.occupations.models.CertificateLevel",
        "ProgramStatusEnum": "training.models.Program.Status",
        "SessionStatusEnum": "training.models.Session.Status",
        "EnrolmentStatusEnum": "training.models.Enrolment.Status",
        "PostingStatusEnum": "backend.jobs.models.Posting.Status",
        "ApplicationStatusEnum": "backend.jobs.models.Application.Status",
        "ImportJobStatusEnum": "backend.imports.models.ImportJob.Status",
        "ImportKindEnum": "backend.imports.models.ImportJob.Kind",
        "ImportJobStageEnum": "backend.imports.models.ImportJob.Stage",
        "ProviderKindEnum": "training.models.Provider.Kind",
        "CertificateKindEnum": "backend.occupations.models.CertificateType.Kind",
        "PostingStatusChangeEnum": "backend.jobs.models.POSTING_STATUS_CHANGES",
    },
}

# --- Celery: a broker URL runs tasks on workers; none runs them eagerly in-process ------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")

# --- The shared cache (throttle counts, anything several processes must agree on) --------------
# Redis when REDIS_URL is set or the broker is Redis; otherwise the database (its table is made by
# backend.common's migration). Never per-process memory outside the tests.
REDIS_URL = env("REDIS_URL", default=CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "sb"}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "skillbridge_cache"}
    )
}
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A request whose outbox rows are sent after its commit must not hang on a dead broker: short
# timeouts and one retry, then the rows stay in the outbox for the relay (backend/outbox). A posting POST with the
# broker down: refused port 0.1 s (was a 500); a silent one (accepts, never answers) 3 s (hung).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,  # Redis; the amqp transport ignores these keys
    "socket_timeout": 3,
    # Redis redelivers an unacked (acks_late) task of a killed worker after this long; longer than
    # any task runs. Batch runs and imports do not wait for it: their sweeps resume them sooner.
    "visibility_timeout": 60 * 60,
}
# Leases of running batch runs and import jobs (backend/common/leases.py): the executor renews its
# lease every HEARTBEAT seconds from a thread of its own; a job whose lease is LEASE seconds old
# lost its worker and is resumed by the `*-resume-expired` beat entries (every 20 s).
SKILLBRIDGE_JOB_HEARTBEAT_SECONDS = env.float("SKILLBRIDGE_JOB_HEARTBEAT_SECONDS", default=10.0)
SKILLBRIDGE_JOB_LEASE_SECONDS = env.float("SKILLBRIDGE_JOB_LEASE_SECONDS", default=60.0)

# --- Imports (backend/imports/limits.py): what one uploaded file may hold ------------------------
# Checked before parsing (size; an .xlsx's zip directory: unpacked size, compression ratio, parts,
# sheets; a text file's longest line) and while the first sheet streams (rows, columns). A run of
# IMPORT_BLANK_ROWS_END blank rows ends the table (formatted empty rows cost nothing past it).
IMPORT_MAX_FILE_BYTES = env.int("IMPORT_MAX_FILE_BYTES", default=10 * 1024 * 1024)
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_BYTES", default=100 * 1024 * 1024)
IMPORT_MAX_COMPRESSION_RATIO = env.int("IMPORT_MAX_COMPRESSION_RATIO", default=100)
IMPORT_MAX_ZIP_ENTRIES = env.int("IMPORT_MAX_ZIP_ENTRIES", default=1000)
IMPORT_MAX_SHEETS = env.int("IMPORT_MAX_SHEETS", default=20)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20_000)
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=200)
IMPORT_MAX_LINE_CHARS = env.int("IMPORT_MAX_LINE_CHARS", default=100_000)
IMPORT_BLANK_ROWS_END = env.int("IMPORT_BLANK_ROWS_END", default=1000)

# --- Outbox (backend/outbox): tasks recorded in the writing transaction, sent after commit ------
# A failed send is retried after 5 s, 10 s, 20 s, ... at most OUTBOX_RETRY_MAX_SECONDS apart; the
# beat relay takes up to OUTBOX_RELAY_BATCH rows at a time for at most OUTBOX_RELAY_BUDGET_SECONDS.
# /healthz answers 503 naming "outbox" when a row has waited longer than OUTBOX_HEALTH_MAX_AGE_SECONDS.
OUTBOX_RETRY_BASE_SECONDS = env.float("OUTBOX_RETRY_BASE_SECONDS", default=5)
OUTBOX_RETRY_MAX_SECONDS = env.float("OUTBOX_RETRY_MAX_SECONDS", default=60)
OUTBOX_LEASE_SECONDS = env.float("OUTBOX_LEASE_SECONDS", default=60)
OUTBOX_RELAY_BATCH = env.int("OUTBOX_RELAY_BATCH", default=500)
OUTBOX_RELAY_BUDGET_SECONDS = env.float("OUTBOX_RELAY_BUDGET_SECONDS", default=10)
OUTBOX_KEEP_SENT_HOURS = env.float("OUTBOX_KEEP_SENT_HOURS", default=24)
OUTBOX_HEALTH_MAX_AGE_SECONDS = env.float("OUTBOX_HEALTH_MAX_AGE_SECONDS", default=600)
# A client's Idempotency-Key (POST of things created through the API) is remembered this long.
IDEMPOTENCY_KEY_HOURS = env.float("IDEMPOTENCY_KEY_HOURS", default=24)

# --- Search: Elasticsearch when ELASTICSEARCH_URL is set, else the embedded FTS5 index --------
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", default="")
SEARCH_BACKEND = env("SEARCH_BACKEND", default="elasticsearch" if ELASTICSEARCH_URL else "fts5")
SEARCH_FTS5_PATH = env("SEARCH_FTS5_PATH", default=str(VAR_DIR / "search.sqlite3"))
SEARCH_ES_ANALYZER = env("SEARCH_ES_ANALYZER", default="auto")  # auto | cjk | smartcn | ik
SEARCH_ES_INDEX_PREFIX = env("SEARCH_ES_INDEX_PREFIX", default="skillbridge")

# --- Content-Security-Policy (django-csp): every page loads scripts, styles, fonts and data from
# this origin only, with no inline script, style attribute or event handler. A nonce is added only
# to the responses that use one (the 500 page's <style>); the API docs pages have their own
# looser policy (backend/api/docs.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# --- Security: login lockout, sessions, password rules, second factor (backend/accounts) ---------
AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out username where there is a request to count by (login page, admin,
    # token endpoint); authenticate() without one (test client login(), scripts) skips it.
    "backend.accounts.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five failures lock one username from one address for 30 minutes from the fifth (a failure
# while locked does not extend it). Not by address alone: a service window or county office
# puts many people behind one NAT address. Not by username alone: anyone anywhere could then
# lock any known account. Guessing across many names is what the `login` throttle limits.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "backend.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "backend.accounts.lockout.client_ip"
AXES_VERBOSE = False  # no start-up banner in every command's output
# Masked in axes' log lines and in the form data it stores with an attempt.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp", "code", "recovery_code"]
# SKILLBRIDGE_TRUSTED_PROXIES (how many proxies append to X-Forwarded-For) is set with the API above.

# API tokens (django-rest-knox, backend/accounts/tokens.py): stored hashed, one per device, fixed
# lifetime from issue by role (workers as their session; every other role one working day).
KNOX_TOKEN_MODEL = "accounts.ApiToken"
REST_KNOX = {"AUTH_HEADER_PREFIX": "Token", "AUTO_REFRESH": False}
SKILLBRIDGE_TOKEN_TTL_WORKER = dt.timedelta(days=env.int("SKILLBRIDGE_TOKEN_TTL_WORKER_DAYS", default=30))
SKILLBRIDGE_TOKEN_TTL_STAFF = dt.timedelta(hours=env.int("SKILLBRIDGE_TOKEN_TTL_STAFF_HOURS", default=8))
SKILLBRIDGE_TOKENS_PER_USER = 10  # a new one beyond this revokes the oldest

# Password reset by email (backend/accounts/password_reset.py) for every role but worker: Django's
# signed one-time link, valid this long. EMAIL_URL: e.g. smtp+tls://user:password@smtp.example.cn:587.
PASSWORD_RESET_TIMEOUT = 60 * 60  # seconds
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="粤技桥 SkillBridge <noreply@localhost>")

# Sessions (backend/accounts/sessions.py): every role but worker ends 8 hours after the login
# and after 30 minutes idle; workers keep 14 days on their own phone.
SKILLBRIDGE_STAFF_SESSION_MAX_AGE = dt.timedelta(hours=8)
SKILLBRIDGE_STAFF_SESSION_IDLE = dt.timedelta(minutes=30)
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_COOKIE_HTTPONLY = True

# Second factor (django-otp): required for service staff and the three administrators when on
# (production); optional otherwise and for provider/employer staff.
SKILLBRIDGE_REQUIRE_2FA = env.bool("SKILLBRIDGE_REQUIRE_2FA", default=False)
OTP_TOTP_ISSUER = "SkillBridge"

# --- Audit log (backend/audit) -----------------------------------------------------------------
# django-auditlog writes the model changes into our own table (actor kept as a plain id, so a deleted
# user never rewrites the log); the request id is its correlation id; no snapshots of whole rows.
AUDITLOG_LOGENTRY_MODEL = "audit.Entry"
AUDITLOG_CID_GETTER = "backend.audit.context.request_id"
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_DISABLE_REMOTE_ADDR = False
# Entries are kept this many days (at least 183: a system check refuses less); purging older
# ones is a database-superuser operation (manage.py audit_purge).
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)

# --- Personal data protection (PIPL): consent, export/deletion, retention (backend/workers) ------
# The version of the privacy notice (/privacy/) that new consent records are given under; bump it
# when the notice changes.
PRIVACY_POLICY_VERSION = env("PRIVACY_POLICY_VERSION", default="2025-01")
# Profiles with no login, change, application or enrolment for this long are anonymised daily.
PRIVACY_RETENTION_DAYS = env.int("PRIVACY_RETENTION_DAYS", default=3 * 365)

# --- Operations: health checks, JSON logs with a request id ----------------------------------------
# /healthz (backend/common/health.py) answers a load balancer: database, cache, the broker when
# set, the search index; /healthz/live touches nothing. HealthProbeMiddleware answers both ahead
# of the https redirect and the Host check; the exemption keeps any other health path unredirected.
SECURE_REDIRECT_EXEMPT = [r"^healthz(/|$)"]
HEALTH_CHECK_TIMEOUT_SECONDS = env.float("HEALTH_CHECK_TIMEOUT_SECONDS", default=3.0)

# One JSON object per line (LOG_FORMAT=text: plain lines for a terminal), each with the request
# id when there is one; ID numbers and mobiles are masked in every line by the formatter.
LOG_FORMAT = env("LOG_FORMAT", default="json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
LOG_LEVEL = env("LOG_LEVEL", default="INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "backend.common.logging.RequestIdFilter"},
        "personal_data": {"()": "backend.common.logging.MaskPersonalData"},
    },
    "formatters": {
        "json": {"()": "backend.common.logging.JsonFormatter"},
        "text": {"()": "backend.common.logging.TextFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "personal_data"],
            "level": LOG_LEVEL,
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Django's default handlers (runserver's lines, the DEBUG console) would print unmasked plain
    # text beside ours: its loggers hand their records to the root handler instead.
    "loggers": {
        "django": {"handlers": [], "propagate": True},
        "django.server": {"handlers": [], "propagate": True},
    },
}
# The worker keeps this configuration (backend/celery.py connects setup_logging).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

CELERY_BEAT_SCHEDULE = {
    # The outbox relay sends what a writer could not (broker down) every 15 s; see backend/outbox.
    "outbox-relay": {"task": "outbox.relay", "schedule": 15, "options": {"expires": 15}},
    "outbox-prune": {"task": "outbox.prune", "schedule": 60 * 60},
    "expire-due-postings": {"task": "jobs.expire_due_postings", "schedule": 60 * 60 * 6},
    "search-sweep": {"task": "search.sweep", "schedule": 60 * 30},
    "search-reconcile": {"task": "search.reconcile", "schedule": 60 * 60 * 24},  # stale documents too
    "matching-sweep": {"task": "matching.sweep", "schedule": 60 * 30},
    "imports-sweep": {"task": "imports.sweep", "schedule": 60 * 10},
    # Cheap (one indexed query): only jobs whose lease expired, so a dead worker's job resumes
    # within lease + 20 s instead of waiting for the slow sweeps above.
    "matching-resume-expired": {"task": "matching.resume_expired", "schedule": 20},
    "imports-resume-expired": {"task": "imports.resume_expired", "schedule": 20},
    "matching-train-ranker": {"task": "matching.train_ranker", "schedule": 60 * 60 * 24 * 7},
    "privacy-retention": {"task": "workers.privacy_retention", "schedule": 60 * 60 * 24},
    "api-tokens-purge": {"task": "accounts.api_tokens_purge_expired", "schedule": 60 * 60 * 24},
}
