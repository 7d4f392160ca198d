"""Fail when a log file holds an ID number (身份证号) or a mainland mobile in clear.

    .venv/bin/python tests/check_logs_for_pii.py LOG [LOG ...] [--no-demo]

Two nets, independent of the masking code they check (backend/common/logging.py):
- the shapes: an 18-character ID number with a valid birth date and check character, a 15-digit
  old one with a valid birth date, an 11-digit mobile 1[3-9]... standing on its own;
- the demo's actual numbers, found anywhere (also glued to letters, where the shapes stop
  looking): the demo data sets the test suite seeds are regenerated with the demo generator in a
  throwaway SQLite database, so the list never drifts from what the suite wrote.

Offending lines are printed masked, with file and line number; the exit status is 1 when any.
Run it on SKILLBRIDGE_LOG_CAPTURE's file after a suite run, and on a Celery worker's log.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from backend.common.validators import id_number_check_char, mask_id_number, mask_mobile  # noqa: E402

ID_18 = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")  # its check character rules out chance digit runs
# The old 15-digit number has no check digit: one glued to ASCII letters is part of something else,
# such as a 32-character hex request id that happens to hold 15 digits in a row (seen in CI).
ID_15 = re.compile(r"(?<![0-9A-Za-z])\d{15}(?![0-9A-Za-z])")
# Digits or ASCII letters next to it make it part of something else (a hex id, a longer number).
MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d(?:[ -]?\d{4}){2}(?![0-9A-Za-z])")
DIGIT_RUN = re.compile(r"[0-9Xx]{11,}")


@dataclass
class DemoNumbers:
    id_numbers: set[str] = field(default_factory=set)
    mobiles: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Finding:
    path: str
    line_number: int
    kind: str
    value: str
    line: str


def _valid_birth(year: int, month: int, day: int) -> bool:
    try:
        birth = dt.date(year, month, day)
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= birth <= dt.date.today()


def is_id_number_18(text: str) -> bool:
    number = text.upper()
    return _valid_birth(int(number[6:10]), int(number[10:12]), int(number[12:14])) and (
        id_number_check_char(number[:17]) == number[17]
    )


def is_id_number_15(text: str) -> bool:
    # 1984-1999 numbers: division code, YYMMDD (19YY), sequence; no check digit.
    return text[0] in "12345678" and _valid_birth(1900 + int(text[6:8]), int(text[8:10]), int(text[10:12]))


def _demo_hits(line: str, demo: DemoNumbers) -> Iterator[tuple[str, str]]:
    for run in DIGIT_RUN.findall(line):
        run = run.upper()
        for width, known, kind in (
            (18, demo.id_numbers, "demo ID number"),
            (11, demo.mobiles, "demo mobile"),
        ):
            for start in range(len(run) - width + 1):
                if run[start : start + width] in known:
                    yield kind, run[start : start + width]


def line_findings(line: str, demo: DemoNumbers) -> Iterator[tuple[str, str]]:
    for match in ID_18.finditer(line):
        if is_id_number_18(match.group()):
            yield "ID number", match.group()
    for match in ID_15.finditer(line):
        if is_id_number_15(match.group()):
            yield "old ID number", match.group()
    for match in MOBILE.finditer(line):
        yield "mobile", match.group()
    yield from _demo_hits(line, demo)


def mask_line(line: str, values: Iterable[str]) -> str:
    for value in sorted(set(values), key=len, reverse=True):
        digits = re.sub(r"[ -]", "", value)
        line = line.replace(value, mask_mobile(digits) if len(digits) == 11 else mask_id_number(value))
    return line


def scan(paths: Iterable[str], demo: DemoNumbers) -> tuple[int, list[Finding]]:
    lines, findings = 0, []
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as log:
            for number, line in enumerate(log, start=1):
                lines += 1
                found = list(line_findings(line, demo))
                if found:
                    masked = mask_line(line.rstrip("\n"), (value for _, value in found))
                    findings.extend(Finding(path, number, kind, value, masked) for kind, value in found)
    return lines, findings


# --- the demo's numbers ---------------------------------------------------------------------------
def suite_demo_sets() -> list[tuple[int, object, dt.date]]:
    """(seed, sizes, today) of every demo data set the test suite seeds."""
    from backend.demo.generator import DEFAULT_SEED, DemoSizes
    from tests.backend.demo.test_seed_demo import SEED, SIZES, TODAY

    return [(SEED, SIZES, TODAY), (SEED + 1, SIZES, TODAY), (DEFAULT_SEED, DemoSizes.for_scale(0.01), TODAY)]


def seeded_numbers(sets: Iterable[tuple[int, object, dt.date]]) -> DemoNumbers:
    """Seed each set in the current database, read its numbers, roll it back."""
    from django.db import transaction

    from backend.demo.services import demo_seed
    from backend.jobs.models import Employer
    from backend.workers.models import WorkerProfile
    from training.models import Provider

    numbers = DemoNumbers()
    for seed, sizes, today in sets:
        with transaction.atomic():
            demo_seed(seed=seed, sizes=sizes, today=today)  # type: ignore[arg-type]
            for profile in WorkerProfile.objects.only("mobile", "id_number_encrypted"):
                numbers.mobiles.add(profile.mobile)
                if profile.id_number_encrypted:
                    numbers.id_numbers.add(profile.reveal_id_number())
            for model in (Employer, Provider):
                phones = model.objects.values_list("contact_phone", flat=True)
                numbers.mobiles.update(p for p in phones if re.fullmatch(r"1[3-9]\d{9}", p or ""))
            transaction.set_rollback(True)
    return numbers


def regenerate_demo_numbers() -> DemoNumbers:
    """The suite's demo sets, seeded into a throwaway SQLite file (tables made without
    migrations, as the suite makes them), reference data loaded first."""
    workdir = tempfile.mkdtemp(prefix="pii-check-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="backend.settings.test",
        DATABASE_URL=f"sqlite:///{workdir}/demo.sqlite3",
        SEARCH_FTS5_PATH=f"{workdir}/search.sqlite3",
        LOG_LEVEL="WARNING",
    )
    for name in ("CELERY_BROKER_URL", "REDIS_URL", "TEST_DATABASE_NAME"):
        os.environ.pop(name, None)
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    settings.MIGRATION_MODULES = {app.label: None for app in django.apps.apps.get_app_configs()}
    call_command("migrate", run_syncdb=True, verbosity=0)
    call_command("load_divisions", verbosity=0, stdout=io.StringIO())
    call_command("load_taxonomy", verbosity=0, stdout=io.StringIO())
    return seeded_numbers(suite_demo_sets())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("logs", nargs="+", help="log files to scan")
    parser.add_argument("--no-demo", action="store_true", help="only the shapes, not the demo's numbers")
    args = parser.parse_args(argv)

    demo = DemoNumbers() if args.no_demo else regenerate_demo_numbers()
    lines, findings = scan(args.logs, demo)
    for finding in findings:
        print(f"{finding.path}:{finding.line_number}: {finding.kind}: {finding.line[:400]}")
    known = (
        f" and {len(demo.id_numbers)} demo ID numbers, {len(demo.mobiles)} demo mobiles"
        if not args.no_demo
        else ""
    )
    verdict = f"{len(findings)} personal data found" if findings else "no personal data found"
    print(f"check_logs_for_pii: {lines} lines scanned for ID-number and mobile shapes{known}: {verdict}")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
