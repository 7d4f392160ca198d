"""Settings shared by every environment; each value that varies is read from the environment."""

from pathlib import Path

import environ

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
    "rest_framework.authtoken",
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
    "backend.web",
    "backend.demo",
    "training",
    "search",
    "matching",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise (which serves pre-compressed static files itself): gzips HTML and JSON
    # for slow phone connections. Django adds random bytes against BREACH and masks CSRF tokens.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "backend.common.middleware.RejectBadCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
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
# Key for encrypting ID numbers at rest; derived from SECRET_KEY when not given separately.
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY", default="")

# --- API ------------------------------------------------------------------------------------
THROTTLE_RATES = {"anon": "120/min", "user": "600/min", "login": "10/min", "imports": "30/hour"}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous API call gets 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "backend.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "backend.api.filtering.FilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "backend.api.errors.exception_handler",
    # On for every view, counted in the shared cache (CACHES below) so limits hold across
    # processes; `login` (the token endpoint) and `imports` (uploads) are scoped per view.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
        "backend.api.throttling.WriteScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": THROTTLE_RATES,
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
    "ENUM_NAME_OVERRIDES": {
        "CertificateLevelEnum": "backend.occupations.models.CertificateLevel",
        "ProgramStatusEnum": "training.models.Program.Status",
        "SessionStatusEnum": "training.models.Session.Status",
        "EnrolmentStatusEnum": "training.models.Enrolment.Status",
        "PostingStatusEnum": "backend.jobs.models.Posting.Status",
        "ApplicationStatusEnum": "backend.jobs.models.Application.Status",
        "ImportJobStatusEnum": "backend.imports.models.ImportJob.Status",
        "ImportKindEnum": "backend.imports.models.ImportJob.Kind",
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

# --- Search: Elasticsearch when ELASTICSEARCH_URL is set, else the embedded FTS5 index --------
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", default="")
SEARCH_BACKEND = env("SEARCH_BACKEND", default="elasticsearch" if ELASTICSEARCH_URL else "fts5")
SEARCH_FTS5_PATH = env("SEARCH_FTS5_PATH", default=str(VAR_DIR / "search.sqlite3"))
SEARCH_ES_ANALYZER = env("SEARCH_ES_ANALYZER", default="auto")  # auto | cjk | smartcn | ik
SEARCH_ES_INDEX_PREFIX = env("SEARCH_ES_INDEX_PREFIX", default="skillbridge")

# --- Security: login lockout, sessions, password rules, second factor (backend/accounts) ---------

# --- Audit log (backend/audit) -----------------------------------------------------------------

# --- Personal data protection (PIPL): consent, export/deletion, retention (backend/workers) ------

# --- Operations: health checks, JSON logs with a request id ----------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

CELERY_BEAT_SCHEDULE = {
    "expire-due-postings": {"task": "jobs.expire_due_postings", "schedule": 60 * 60 * 6},
    "search-sweep": {"task": "search.sweep", "schedule": 60 * 30},
    "matching-sweep": {"task": "matching.sweep", "schedule": 60 * 30},
    "matching-train-ranker": {"task": "matching.train_ranker", "schedule": 60 * 60 * 24 * 7},
}
