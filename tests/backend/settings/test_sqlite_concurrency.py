"""The embedded default under concurrent writers: two processes with four threads each, every
transaction reading then writing one row, all through the project's SQLite settings (WAL,
IMMEDIATE transactions, a busy timeout). None may fail with "database is locked" and none may be
lost: the counter ends at the number of committed transactions."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PROCESSES, THREADS, ROUNDS = 2, 4, 40


def _writers(database: Path) -> list[subprocess.Popen[str]]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "backend.settings.test",
    }
    env.pop("TEST_DATABASE_NAME", None)
    command = [sys.executable, "-m", "tests.backend.settings.sqlite_writers", str(THREADS), str(ROUNDS)]
    return [
        subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(PROCESSES)
    ]


def test_concurrent_writers_wait_for_each_other_and_lose_nothing(tmp_path):
    database = tmp_path / "embedded.sqlite3"
    with sqlite3.connect(database) as setup:
        # migrate leaves the file in WAL mode; switching modes needs an exclusive lock that two
        # processes opening a fresh file at once may not get, which is not what is tested here
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)")
        setup.execute("CREATE TABLE writes (id INTEGER PRIMARY KEY, value INTEGER NOT NULL UNIQUE)")
        setup.execute("INSERT INTO counter VALUES (1, 0)")
    results = []
    for process in _writers(database):
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert [r["errors"] for r in results] == [[]] * PROCESSES
    committed = sum(r["committed"] for r in results)
    assert committed == PROCESSES * THREADS * ROUNDS
    with sqlite3.connect(database) as check:
        assert check.execute("SELECT value FROM counter").fetchone() == (committed,)
        assert check.execute("SELECT count(*) FROM writes").fetchone() == (committed,)
        assert check.execute("PRAGMA journal_mode").fetchone() == ("wal",)
