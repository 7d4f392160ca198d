"""Throughput of `manage.py rotate_field_key` over 20,000 generated workers. Run on demand:

    TEST_DATABASE_NAME=/tmp/bench-keys.sqlite3 .venv/bin/python -m pytest tests/benchmarks/bench_key_rotation.py \\
        -o python_files=bench_*.py -s -q
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test TEST_DATABASE_NAME=test_bench_keys \\
        .venv/bin/python -m pytest tests/benchmarks/bench_key_rotation.py -o python_files=bench_*.py -s -q

The test database is the suite's (SQLite in memory unless TEST_DATABASE_NAME names a file, or
PostgreSQL with DATABASE_URL); the test is transactional, so every batch really commits.
BENCH_ROTATION_ROWS changes the row count. Each pass puts a new key first and rotates every row to it
with one batch size; then a second run with nothing to do (every row skipped), as after a resumed run.
"""

from __future__ import annotations

import io
import os
import time

import pytest
from django.core.management import call_command
from django.db import connection

from backend.workers.models import WorkerProfile
from tests.factories import division, valid_id_number

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db(transaction=True)]

ROWS = int(os.environ.get("BENCH_ROTATION_ROWS", "20000"))
BATCH_SIZES = (100, 500, 2000)


def _key(n: int) -> str:
    return f"bench-rotation-key-{n}-0123456789abcdefghijklmnopqrstuvwxyz"


def _rotate(batch_size: int) -> tuple[float, str]:
    out = io.StringIO()
    started = time.perf_counter()
    call_command("rotate_field_key", "--batch-size", str(batch_size), stdout=out)
    return time.perf_counter() - started, out.getvalue().strip()


def test_rotation_throughput(settings):
    settings.FIELD_ENCRYPTION_KEYS = [_key(0)]
    home = division()
    started = time.perf_counter()
    for start in range(0, ROWS, 1000):
        rows = []
        for i in range(start, min(ROWS, start + 1000)):
            worker = WorkerProfile(external_id=f"bench-keys-{i}", name="劳动者", mobile="13800000000",
                                   current_division=home)  # fmt: skip
            worker.set_id_number(valid_id_number(i))
            rows.append(worker)
        WorkerProfile.objects.bulk_create(rows)
    print(
        f"\n{connection.vendor}: {ROWS} workers written under key 0 in {time.perf_counter() - started:.1f} s"
    )
    print(f"{'batch':>6} {'seconds':>8} {'rows/s':>8}  report")
    for n, batch_size in enumerate(BATCH_SIZES, start=1):
        settings.FIELD_ENCRYPTION_KEYS = [_key(n), *settings.FIELD_ENCRYPTION_KEYS]
        seconds, report = _rotate(batch_size)
        print(f"{batch_size:>6} {seconds:>8.2f} {ROWS / seconds:>8.0f}  {report}")
    seconds, report = _rotate(500)
    print(f"{'again':>6} {seconds:>8.2f} {ROWS / seconds:>8.0f}  {report}")
