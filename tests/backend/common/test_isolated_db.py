"""isolated_database(): a throwaway database (and search index) for a block of code.

Run inside pytest-django tests: the block gets its own connection object, so the test's own
database, transaction and connection are set aside untouched and come back afterwards. One test
also runs it in a subprocess whose "live" database is a plain SQLite file, the situation of
`manage.py search_eval`, and checks that file is left exactly as it was.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections

from backend.common.isolated_db import isolated_database
from backend.occupations.models import Occupation
from backend.regions.models import Division
from training.models import Provider

ROOT = Path(__file__).resolve().parents[3]


def _counts() -> dict[str, int]:
    return {
        "divisions": Division.objects.count(),
        "occupations": Occupation.objects.count(),
        "providers": Provider.objects.count(),
    }


def _provider(external_id: str) -> Provider:
    return Provider.objects.create(
        external_id=external_id,
        name="隔离测试培训学校",
        kind=Provider.Kind.TECHNICAL_SCHOOL,
        county_id="441881",
    )


@pytest.mark.django_db
def test_data_written_inside_does_not_exist_outside():
    # given the test database with its reference data and one provider of its own
    _provider("outside-1")
    before = _counts()
    live_name = connection.settings_dict["NAME"]

    # when a block writes to the isolated database
    with isolated_database() as name:
        assert name != live_name
        assert connection.settings_dict["NAME"] == name
        assert Division.objects.filter(code="441881").exists()  # reference data loaded
        assert Occupation.objects.filter(slug="welder").exists()
        assert not Provider.objects.filter(external_id="outside-1").exists()  # a fresh database
        _provider("inside-1")
        assert Provider.objects.count() == 1

    # then none of it is outside, and the live rows are as they were
    assert connection.settings_dict["NAME"] == live_name
    assert not Provider.objects.filter(external_id="inside-1").exists()
    assert Provider.objects.filter(external_id="outside-1").exists()
    assert _counts() == before


def _fail_inside() -> None:
    with isolated_database():
        _provider("inside-2")
        raise RuntimeError("boom")


@pytest.mark.django_db
def test_connection_and_settings_restored_after_an_error():
    original = connections["default"]
    live_name = settings.DATABASES["default"]["NAME"]
    with pytest.raises(RuntimeError, match="boom"):
        _fail_inside()
    assert connections["default"] is original
    assert settings.DATABASES["default"]["NAME"] == live_name
    assert not Provider.objects.filter(external_id="inside-2").exists()
    assert Division.objects.exists()  # the test's own database still answers


@pytest.mark.django_db
def test_search_index_and_analyzer_are_temporary():
    from backend.text import analysis
    from search import services

    live_index = settings.SEARCH_FTS5_PATH
    with isolated_database():
        temporary = Path(settings.SEARCH_FTS5_PATH)
        assert str(temporary) != live_index
        assert services.get_backend().path == temporary
        words = analysis.get_analyzer().tokens("英德月嫂")  # its dictionary: the isolated tables
        assert words == ["英德", "月嫂"]
    assert live_index == settings.SEARCH_FTS5_PATH
    assert not temporary.parent.exists()  # removed with its directory
    assert Path(services.get_backend().path) == Path(live_index)


@pytest.mark.django_db(transaction=True)
def test_works_inside_a_transactional_test():
    before = _counts()
    with isolated_database():
        _provider("inside-3")
    assert _counts() == before


def test_a_live_sqlite_file_is_left_untouched(tmp_path):
    """The command's situation: the live database is a file. An empty one, so any table or row
    written to it by mistake would show."""
    live = tmp_path / "live.sqlite3"
    sqlite3.connect(live).close()
    script = textwrap.dedent(
        """
        from django.db import connection
        from backend.common.isolated_db import isolated_database
        from training.models import Provider
        with isolated_database():
            Provider.objects.create(external_id="p", name="x", kind="enterprise", county_id="441881")
            print("inside", Provider.objects.count())
        tables = connection.introspection.table_names()
        print("outside", len(tables))
        """
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backend.settings.test",
        "DATABASE_URL": f"sqlite:///{live}",
        "SEARCH_FTS5_PATH": str(tmp_path / "live-search.sqlite3"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "inside 1" in result.stdout
    assert "outside 0" in result.stdout  # the connection is back on the live file...
    with sqlite3.connect(live) as db:  # ...and nothing was created in it
        assert db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    assert not (tmp_path / "live-search.sqlite3").exists()  # nor was the live index written
