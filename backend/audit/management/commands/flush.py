"""Django's flush, past the audit log's append-only guard on SQLite.

Emptying the whole database is the database owner's operation (the test suite runs it after each
transactional test). On PostgreSQL flush is TRUNCATE, which row triggers do not see; on SQLite it
is DELETE, which they would refuse, so the guard is lifted for this connection while it runs.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, connections

from backend.audit import triggers


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        with triggers.lifted(connections[options.get("database") or DEFAULT_DB_ALIAS]):
            super().handle(**options)
