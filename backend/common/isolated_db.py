"""Run a block of code against a fresh, throwaway database: `with isolated_database(): ...`.

For evaluations (`search_eval`, the matching module's `evaluate_matching`) that import a fixed
corpus, index it and measure, without touching the live data:

- the database is made by Django's own test-database machinery (`creation.create_test_db`):
  an in-memory database for SQLite, a `test_<name>_iso<random>` database for PostgreSQL
  (a name of its own, so it never clobbers the `test_<name>` database of a test run going on
  beside it), migrated, with the reference data loaded (`load_divisions`, `load_taxonomy`);
- it is reached through a *new* connection object installed as `connections[alias]` for the
  block (`django.db.connection` and every ORM query follow it); the original connection object
  is set aside untouched (its open transaction, its in-memory database) and put back afterwards.
  Mutating the original connection, as the test runner does, cannot work inside a test: closing
  it would break the test's transaction, and SQLite ignores close() on an in-memory database;
- the search index is a temporary FTS5 file (settings.SEARCH_FTS5_PATH overridden, the backend
  reset before and after; SEARCH_BACKEND is forced to fts5 for the block, so a configured
  Elasticsearch cluster is never written to), and the analyzer is reset so its dictionary comes
  from the isolated reference tables;
- Celery tasks enqueued in the block run eagerly in-process, so no worker ever applies them to
  the live database.

One thread: connections are per thread, so another thread started inside the block would open
its own connection. It would still reach the throwaway database (the settings NAME points at it
for the duration, as in a test run), but only code running in this thread sees its data.
"""

from __future__ import annotations

import copy
import logging
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test.utils import override_settings

logger = logging.getLogger(__name__)

POSTGRES_MAX_NAME = 63


def _isolated_test_name(wrapper: BaseDatabaseWrapper) -> str:
    """A database name no other process or test run uses."""
    token = uuid.uuid4().hex[:10]
    if wrapper.vendor == "sqlite":
        return f"file:isolated_{token}?mode=memory&cache=shared"
    base = str(wrapper.settings_dict["NAME"] or "skillbridge")
    suffix = f"_iso{token}"
    prefix = base if base.startswith("test_") else f"test_{base}"
    return prefix[: POSTGRES_MAX_NAME - len(suffix)] + suffix


def _close_for_good(wrapper: BaseDatabaseWrapper) -> None:
    """Close the connection even on an in-memory SQLite database (whose close() is a no-op by
    design, because closing destroys it: here that is exactly what we want)."""
    if wrapper.connection is not None:
        BaseDatabaseWrapper.close(wrapper)


@contextmanager
def _eager_celery() -> Iterator[None]:
    from backend.celery import app

    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = before


@contextmanager
def _temporary_search_index() -> Iterator[Path]:
    from backend.text.analysis import reset_analyzer
    from search.services import get_backend, reset_backend

    directory = Path(tempfile.mkdtemp(prefix="skillbridge-isolated-search-"))
    path = directory / "search.sqlite3"
    try:
        with override_settings(SEARCH_BACKEND="fts5", SEARCH_FTS5_PATH=str(path)):
            reset_backend()
            reset_analyzer()
            try:
                yield path
            finally:
                close = getattr(get_backend(), "close", None)
                if callable(close):
                    close()
                reset_backend()
                reset_analyzer()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@contextmanager
def _throwaway_connection(alias: str, *, verbosity: int) -> Iterator[BaseDatabaseWrapper]:
    original = connections[alias]
    live_name = original.settings_dict["NAME"]
    isolated_settings = copy.deepcopy(original.settings_dict)
    isolated_settings.setdefault("TEST", {})
    isolated_settings["TEST"] = {**isolated_settings["TEST"], "NAME": _isolated_test_name(original)}
    wrapper = type(original)(isolated_settings, alias)
    connections[alias] = wrapper
    try:
        # Sets settings.DATABASES[alias]["NAME"] (a dict the original connection shares) to the
        # throwaway name until destroy_test_db restores it; the original's open connection and
        # transaction are not touched.
        wrapper.creation.create_test_db(verbosity=verbosity, autoclobber=True, serialize=False, keepdb=False)
        yield wrapper
    finally:
        try:
            _close_for_good(wrapper)
            if wrapper.settings_dict["NAME"] != live_name:  # created, even if its migration failed
                wrapper.creation.destroy_test_db(live_name, verbosity=verbosity, keepdb=False)
        finally:
            settings.DATABASES[alias]["NAME"] = live_name
            original.settings_dict["NAME"] = live_name
            connections[alias] = original


@contextmanager
def isolated_database(*, alias: str = DEFAULT_DB_ALIAS, verbosity: int = 0) -> Iterator[str]:
    """Run the block against a fresh database with the reference data, and a temporary search
    index; the live database and index are never touched. Yields the throwaway database's name."""
    from backend.occupations.loader import load_taxonomy
    from backend.regions.loader import load_divisions

    with _throwaway_connection(alias, verbosity=verbosity) as wrapper, _eager_celery():
        load_divisions()
        load_taxonomy()
        with _temporary_search_index():
            logger.debug("isolated database %s ready", wrapper.settings_dict["NAME"])
            yield str(wrapper.settings_dict["NAME"])
