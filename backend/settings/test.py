"""Fast, offline test settings; DATABASE_URL and CELERY_BROKER_URL may still point at services."""

from .base import *  # noqa: F403
from .base import REST_FRAMEWORK, THROTTLE_RATES, VAR_DIR, env

DEBUG = False
SECRET_KEY = "test-only-key-0123456789abcdefghijklmnopqrstuvwxyz"
# Fixed field keys, whatever the environment says (backend/common/crypto.py).
FIELD_ENCRYPTION_KEYS = ["test-only-field-key-0123456789abcdefghijklmnopqrstuv"]
FIELD_ENCRYPTION_KEY = ""
FIELD_INDEX_KEY = "test-only-index-key-0123456789abcdefghijklmnopqrstuv"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "test-media"
# Throttles stay installed but count nothing; tests that check a limit set a rate themselves.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": dict.fromkeys(THROTTLE_RATES),
}
SEARCH_FTS5_PATH = env("SEARCH_FTS5_PATH", default=str(VAR_DIR / "test-search.sqlite3"))
# The suite runs on the embedded backend; the contract suite adds Elasticsearch explicitly
# when ELASTICSEARCH_URL is set, so one variable never switches every test.
SEARCH_BACKEND = "fts5"

# Tasks run in-process in the normal suite so tests are deterministic; the tests marked
# `celery_worker` switch to the real broker (CELERY_BROKER_URL) and a real worker.
CELERY_TASK_ALWAYS_EAGER = True
# A test's dedicated worker (tests/celery_worker.py) may send the tasks it publishes (the outbox
# relay's) to its own queue, so the shared CI worker never takes them.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# Every test makes its own rows: a process (CI's Celery worker among them) checks the matching
# catalogue's version on each call and rebuilds it at once, never serving a previous test's.
MATCHING_VERSION_CHECK_SECONDS = 0
MATCHING_REBUILD_SECONDS = 0
if env("TEST_DATABASE_NAME", default=""):
    # A fixed test database name, so a Celery worker started beside the suite can reach it.
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME")}  # noqa: F405

# Off for the suite; the second-factor tests switch it on with the `settings` fixture.
SKILLBRIDGE_REQUIRE_2FA = False
