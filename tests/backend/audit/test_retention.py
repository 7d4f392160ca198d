"""Retention: at least six months (a system check), purged only by the database owner."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from backend.audit import checks, services, triggers
from backend.audit.models import Entry


@pytest.mark.parametrize(("days", "errors"), [(365, 0), (183, 0), (182, 1), (30, 1), ("365", 1)])
def test_retention_check_refuses_less_than_six_months(settings, days, errors):
    settings.AUDIT_RETENTION_DAYS = days
    found = checks.retention_check()
    assert len(found) == errors
    if errors:
        assert found[0].id == "audit.E001"


def test_default_retention_is_a_year():
    from backend.settings import base

    assert base.AUDIT_RETENTION_DAYS == 365


def _old_and_new() -> tuple[Entry, Entry]:
    old = Entry(event="export", action=Entry.Action.ACCESS, timestamp=timezone.now() - dt.timedelta(days=400))
    old.save()
    return old, services.record(action="export")


@pytest.mark.django_db
def test_purge_without_execute_prints_the_sql_and_removes_nothing():
    old, new = _old_and_new()
    out = io.StringIO()
    call_command("audit_purge", stdout=out)
    assert "DELETE FROM" in out.getvalue()
    assert Entry.objects.filter(pk__in=[old.pk, new.pk]).count() == 2


@pytest.mark.django_db
def test_purge_removes_only_entries_past_retention_and_leaves_an_entry():
    old, new = _old_and_new()
    call_command("audit_purge", "--execute", stdout=io.StringIO())
    assert not Entry.objects.filter(pk=old.pk).exists()
    assert Entry.objects.filter(pk=new.pk).exists()
    purge = Entry.objects.get(event="purge")
    assert purge.additional_data["deleted"] == 1
    assert purge.additional_data["retention_days"] == 365


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL roles")
def test_purge_refuses_a_role_that_is_not_superuser():
    from django.core.management.base import CommandError

    old, _new = _old_and_new()
    with connection.cursor() as cursor:
        cursor.execute(
            "DO $$ BEGIN CREATE ROLE skillbridge_audit_probe NOLOGIN; "
            "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
        cursor.execute("GRANT SELECT, DELETE ON audit_entry TO skillbridge_audit_probe")
        cursor.execute("SET ROLE skillbridge_audit_probe")
    try:
        with pytest.raises(CommandError, match="superuser"):
            call_command("audit_purge", "--execute", stdout=io.StringIO())
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    assert Entry.objects.filter(pk=old.pk).exists()


def test_the_sqlite_guard_is_off_only_inside_lifted():
    class Wrapper:
        pass

    wrapper = Wrapper()
    with triggers.lifted(wrapper):
        assert wrapper._audit_unlocked is True
    assert wrapper._audit_unlocked is False
