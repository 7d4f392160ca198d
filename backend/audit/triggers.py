"""Append-only in the database: triggers refuse UPDATE and DELETE on the audit tables.

Installed by the migration and again after every migrate (post_migrate, idempotently), so a test
database built without migrations has them too.

Who may still remove entries (the retention purge, `manage.py audit_purge`):
- PostgreSQL: a database superuser, by `SET LOCAL session_replication_role = replica` (a setting
  only a superuser may change), which switches ordinary triggers off for that transaction. The
  application must therefore connect as a role that is not a superuser; TRUNCATE needs table
  ownership and is not caught by row triggers (Django's flush uses it in tests).
- SQLite has no users: whoever holds the file owns it. The triggers ask a function that this
  process registers on each connection (`lifted` turns it on for one connection: the purge and
  Django's flush); without it (the sqlite3 shell) every UPDATE and DELETE fails.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Iterator
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

MESSAGE = "audit log is append-only"
SQLITE_FUNCTION = "skillbridge_audit_unlocked"
PG_FUNCTION = "skillbridge_audit_append_only"


def audit_tables(connection: BaseDatabaseWrapper) -> list[str]:
    """Our table, and auditlog's own when its migrations made it (it stays empty: swapped out)."""
    existing = set(connection.introspection.table_names())
    return [t for t in ("audit_entry", "auditlog_logentry") if t in existing]


def _sqlite_sql(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
        f"WHEN NOT {SQLITE_FUNCTION}() BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        for op in ("UPDATE", "DELETE")
    ]


def _postgres_sql(table: str) -> list[str]:
    return [
        f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()"
    ]


PG_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '{MESSAGE}: % refused on %', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$
"""


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the triggers on the audit tables that exist (safe to run again)."""
    tables = audit_tables(connection)
    if not tables:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_FUNCTION_SQL)
            statements = [s for t in tables for s in _postgres_sql(t)]
        elif connection.vendor == "sqlite":
            statements = [s for t in tables for s in _sqlite_sql(t)]
        else:
            return
        for statement in statements:
            cursor.execute(statement)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for table in audit_tables(connection):
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            elif connection.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")


# --- SQLite: the per-connection switch the triggers ask ------------------------------------------
def register_sqlite_function(connection: BaseDatabaseWrapper) -> None:
    """On connection_created: the function the SQLite triggers call (off unless `lifted`)."""
    if connection.vendor != "sqlite":
        return
    ref = weakref.ref(connection)

    def unlocked() -> int:
        wrapper = ref()
        return int(bool(wrapper is not None and getattr(wrapper, "_audit_unlocked", False)))

    connection.connection.create_function(SQLITE_FUNCTION, 0, unlocked)


@contextlib.contextmanager
def lifted(connection: Any) -> Iterator[None]:
    """Let this one connection delete audit entries (the purge, a flush of the whole database).

    SQLite only; on PostgreSQL the purge uses session_replication_role, which needs a superuser.
    """
    previous = getattr(connection, "_audit_unlocked", False)
    connection._audit_unlocked = True
    try:
        yield
    finally:
        connection._audit_unlocked = previous
