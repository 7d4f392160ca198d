"""Settings for tests/benchmarks/bench_search.py: the shared base, production-like (DEBUG off), on a
separate benchmark database and index (DATABASE_URL / SEARCH_FTS5_PATH, set by the benchmark).

The API's anonymous throttle stays in the request path (its cache round trip is part of a real
request's cost) with a rate the benchmark cannot reach.
"""

from backend.settings.base import *  # noqa: F403
from backend.settings.base import REST_FRAMEWORK

DEBUG = False  # DEBUG records every SQL query: memory and time a real server does not spend
SECRET_KEY = "bench-only-key-0123456789abcdefghijklmnopqrstuvwxyz"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "1000000000/min", "user": "1000000000/min"},
}
SEARCH_BACKEND = "fts5"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
