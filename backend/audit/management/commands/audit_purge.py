"""Remove audit entries older than AUDIT_RETENTION_DAYS: an operation for the database owner.

Without --execute it prints the SQL for a DBA to run. With --execute it runs it only where the
database lets it: on PostgreSQL as a superuser (the only role that may switch the append-only
triggers off, with session_replication_role), on SQLite for whoever holds the file. The purge
leaves an entry of its own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connections, transaction
from django.utils import timezone

from backend.audit import services, triggers
from backend.audit.models import Entry


class Command(BaseCommand):
    help = "Print, or as the database superuser run, the SQL that purges audit entries past retention."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--execute", action="store_true", help="run it (database superuser only)")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        days = int(settings.AUDIT_RETENTION_DAYS)
        cutoff = timezone.now() - dt.timedelta(days=days)
        connection = connections[options["database"]]
        table = connection.ops.quote_name(Entry._meta.db_table)
        column = connection.ops.quote_name("timestamp")
        delete = f"DELETE FROM {table} WHERE {column} < %s"
        if not options["execute"]:
            self.stdout.write(
                self._script(connection.vendor, delete.replace("%s", f"'{cutoff.isoformat()}'"))
            )
            return
        deleted = self._purge(connection, delete, cutoff)
        services.record(
            action=services.Event.PURGE,
            detail={"deleted": deleted, "before": cutoff.isoformat(), "retention_days": days},
        )
        self.stdout.write(f"purged {deleted} audit entries older than {cutoff.isoformat()}")

    @staticmethod
    def _script(vendor: str, delete: str) -> str:
        if vendor == "postgresql":
            return "\n".join(
                ["-- as a database superuser", "BEGIN;", "SET LOCAL session_replication_role = replica;",
                 f"{delete};", "COMMIT;"]
            )  # fmt: skip
        return "\n".join(
            ["-- SQLite: the triggers refuse this outside the application; run manage.py audit_purge --execute",
             f"{delete};"]
        )  # fmt: skip

    @staticmethod
    def _purge(connection: Any, delete: str, cutoff: dt.datetime) -> int:
        if connection.vendor == "postgresql":
            try:
                with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                    cursor.execute("SET LOCAL session_replication_role = replica")
                    cursor.execute(delete, [cutoff])
                    return int(cursor.rowcount)
            except DatabaseError as exc:
                raise CommandError(
                    f"the purge needs a PostgreSQL superuser (the append-only triggers refuse anyone else): {exc}"
                ) from exc
        with (
            triggers.lifted(connection),
            transaction.atomic(using=connection.alias),
            connection.cursor() as cursor,
        ):
            cursor.execute(delete, [connection.ops.adapt_datetimefield_value(cutoff)])
            return int(cursor.rowcount)
