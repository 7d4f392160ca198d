"""Settings for tests/benchmarks/bench_load.py: the embedded default as `make run` serves it (SQLite in
WAL mode, the database cache, FTS5), production-like (DEBUG off), on the benchmark's own database and
index (DATABASE_URL / SEARCH_FTS5_PATH, set by the benchmark).

Throttles stay in the request path and count in the shared database cache, as in a county office's
single-machine install: only their rates are raised, since all 50 clients share one IP here.
"""

from backend.settings.base import *  # noqa: F403
from backend.settings.base import REST_FRAMEWORK, THROTTLE_RATES

DEBUG = False
SECRET_KEY = "bench-only-key-0123456789abcdefghijklmnopqrstuvwxyz"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": dict.fromkeys(THROTTLE_RATES, "1000000000/min"),
}
SEARCH_BACKEND = "fts5"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
