"""The database refuses UPDATE and DELETE on the audit log (SQLite and PostgreSQL: run on both)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from backend.audit import services, triggers
from backend.audit.models import Entry
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    return services.record(action="export", detail={"table": "counties"})


def sql(statement: str, params=()) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def test_triggers_exist_on_a_database_built_without_migrations():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_entry'"
            )
            assert {row[0] for row in cursor.fetchall()} == {"audit_entry_no_update", "audit_entry_no_delete"}
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_entry'::regclass AND NOT tgisinternal"
            )
            assert {row[0] for row in cursor.fetchall()} == {"audit_entry_append_only"}


def test_update_is_refused(entry):
    with pytest.raises(DatabaseError, match="append-only"):
        sql("UPDATE audit_entry SET object_repr = 'forged' WHERE id = %s", [entry.pk])
    entry.refresh_from_db()
    assert entry.object_repr == ""


def test_delete_is_refused(entry):
    with pytest.raises(DatabaseError, match="append-only"):
        sql("DELETE FROM audit_entry WHERE id = %s", [entry.pk])
    assert Entry.objects.filter(pk=entry.pk).exists()


def test_the_orm_cannot_change_or_remove_entries(entry):
    with pytest.raises(DatabaseError), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(actor_label="someone")
    with pytest.raises(DatabaseError), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()


def test_installing_again_is_harmless(entry):
    triggers.install(connection)
    triggers.install(connection)
    with pytest.raises(DatabaseError):
        sql("DELETE FROM audit_entry WHERE id = %s", [entry.pk])


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's per-connection guard")
def test_sqlite_guard_lifts_for_one_connection_only(entry):
    with triggers.lifted(connection):
        assert sql("DELETE FROM audit_entry WHERE id = %s", [entry.pk]) == 1
    other = services.record(action="export")
    with pytest.raises(DatabaseError):
        sql("DELETE FROM audit_entry WHERE id = %s", [other.pk])


def as_probe(statement: str, params=()) -> None:
    """Run one statement as a PostgreSQL role that is not a superuser (rolled back after)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL ROLE skillbridge_audit_probe")
        cursor.execute(statement, params)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL roles")
def test_postgres_refuses_a_non_superuser_even_with_table_rights(entry):
    """The application's role (not a superuser), granted UPDATE and DELETE, is still refused."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DO $$ BEGIN CREATE ROLE skillbridge_audit_probe NOLOGIN; "
            "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
        cursor.execute("GRANT SELECT, UPDATE, DELETE ON audit_entry TO skillbridge_audit_probe")
    with pytest.raises(DatabaseError):
        as_probe("SET LOCAL session_replication_role = replica")  # the purge's switch: superuser only
    with pytest.raises(DatabaseError, match="append-only"):
        as_probe("DELETE FROM audit_entry WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError, match="append-only"):
        as_probe("UPDATE audit_entry SET object_repr = 'forged' WHERE id = %s", [entry.pk])
    assert Entry.objects.filter(pk=entry.pk).exists()


def test_deleting_a_user_never_touches_the_log(entry):
    """The actor is a plain id: Django's delete does not UPDATE the log (which would be refused)."""
    user = f.UserFactory()
    mine = services.record(action="login", actor=user, target=user)
    user.delete()
    mine.refresh_from_db()
    assert mine.actor_id is not None
    assert mine.actor_label == user.username


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_the_database():
    """Django's flush (run after each transactional test, as after this one) is the database
    owner's operation: TRUNCATE on PostgreSQL, DELETE with the guard lifted on SQLite."""
    services.record(action="export", detail={"table": "counties"})
    call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
    assert not Entry.objects.exists()
    services.record(action="export")  # committed: the flush after this test must remove it too
