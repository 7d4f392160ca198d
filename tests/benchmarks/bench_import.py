"""Import throughput for postings files (csv, xlsx, jsonl) of 1k and 10k rows. Run on demand:

    .venv/bin/python -m pytest tests/benchmarks/bench_import.py -p no:cacheprovider -o python_files=bench_*.py -s

Prints rows/s for validating + creating, and for re-importing the same file (updating every row).
The test database is the one the suite uses (SQLite in memory unless DATABASE_URL is set).
"""

from __future__ import annotations

import time

import pytest

from backend.imports.services import SYSTEM, import_file
from backend.jobs.models import Posting
from tests.backend.imports.helpers import POSTING_HEADERS, posting_row, write_table
from tests.factories import EmployerFactory

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db]

SIZES = (1_000, 10_000)
FORMATS = ("csv", "xlsx", "jsonl")
# Vary the values a little, like a real file: skills, wages, meals.
SKILLS = ("电焊、二保焊", "氩弧焊", "电焊、气割、焊接防护", "", "二保焊|点焊")


def test_import_throughput(tmp_path):
    employers = [EmployerFactory(external_id=f"emp-bench-{i}") for i in range(20)]
    print()
    print(
        f"{'format':<6} {'rows':>6} {'file':>9} {'create s':>9} {'rows/s':>8} {'update s':>9} {'rows/s':>8}"
    )
    for size in SIZES:
        rows = [
            posting_row(
                i,
                employers[i % len(employers)].external_id,
                技能=SKILLS[i % len(SKILLS)],
                月薪下限=3000 + i % 2000,
                月薪上限=6000 + i % 3000,
                包吃="是" if i % 2 else "否",
            )
            for i in range(size)
        ]
        for fmt in FORMATS:
            path = write_table(tmp_path, fmt, POSTING_HEADERS, rows, name=f"bench-{size}")
            timings = []
            for _ in ("create", "update"):
                started = time.perf_counter()
                result = import_file(path_or_file=path, kind="postings", actor=SYSTEM, filename=path.name)
                timings.append(time.perf_counter() - started)
                assert result.ok, result.errors[:5]
            assert Posting.objects.filter(external_id__startswith="post-imp-").count() == size
            create, update = timings
            kib = path.stat().st_size / 1024
            print(
                f"{fmt:<6} {size:>6} {kib:>7.0f}Ki {create:>9.2f} {size / create:>8.0f} "
                f"{update:>9.2f} {size / update:>8.0f}"
            )
            Posting.objects.filter(external_id__startswith="post-imp-").delete()


if __name__ == "__main__":
    import sys

    sys.exit(pytest.main([__file__, "-p", "no:cacheprovider", "-o", "python_files=bench_*.py", "-s", "-q"]))
