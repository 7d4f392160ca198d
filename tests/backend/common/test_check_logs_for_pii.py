"""tests/check_logs_for_pii.py finds clear ID numbers and mobiles (and the demo's own numbers
anywhere), leaves masked values and look-alikes alone, and never prints what it found."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from backend.common.validators import validate_id_number, validate_mobile
from tests.backend.demo.test_seed_demo import SEED, SIZES, TODAY
from tests.check_logs_for_pii import DemoNumbers, scan, seeded_numbers
from tests.factories import valid_id_number

SCRIPT = Path(__file__).resolve().parents[2] / "check_logs_for_pii.py"
ID_NUMBER = valid_id_number(3)
WRONG_CHECK = ID_NUMBER[:17] + ("0" if ID_NUMBER[17] != "0" else "1")  # an 18-digit id of something else
CLEAN = [
    {"message": "登记 4418**********1234 手机 139****5678"},
    {"message": "GET /api/v1/workers/ 200 3.2ms", "request_id": "a13912345678b" + "0" * 19},
    {"message": "order 1391234567890123456789 took 139123.45678 ms"},
    {"message": f"order number {WRONG_CHECK}"},
    # a request id whose hex happens to hold 15 digits with a valid birth date (seen in CI)
    {"message": "GET /api/v1/search/suggest/ 200 0.7ms", "request_id": "e33dbda441881900101123c3e01c129f"},
]


def _write(path: Path, records: list[dict]) -> str:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return str(path)


def test_clean_lines_pass(tmp_path):
    lines, findings = scan([_write(tmp_path / "clean.log", CLEAN)], DemoNumbers())

    assert lines == len(CLEAN)
    assert findings == []


def test_clear_numbers_are_found_and_shown_masked(tmp_path):
    dirty = [
        {"message": f"registered {ID_NUMBER}"},
        {"message": "call 139-1234-5678"},
        {"x": "旧 441881900101123"},
    ]

    _, findings = scan([_write(tmp_path / "dirty.log", CLEAN + dirty)], DemoNumbers())

    assert [(f.line_number, f.kind) for f in findings] == [
        (6, "ID number"),
        (7, "mobile"),
        (8, "old ID number"),
    ]
    assert all(f.value not in f.line for f in findings)


def test_a_demo_number_is_found_even_glued_to_letters(tmp_path):
    demo = DemoNumbers(id_numbers={ID_NUMBER}, mobiles={"13912345678"})
    glued = [{"message": f"user_w13912345678x id{ID_NUMBER}z"}]

    _, plain = scan([_write(tmp_path / "glued.log", glued)], DemoNumbers())
    _, with_demo = scan([str(tmp_path / "glued.log")], demo)

    assert [f.kind for f in plain] == ["ID number"]  # the shapes stop at the letters for mobiles
    assert sorted(f.kind for f in with_demo) == ["ID number", "demo ID number", "demo mobile"]


def test_the_script_exits_non_zero_without_printing_the_number(tmp_path):
    dirty = _write(tmp_path / "dirty.log", [{"message": f"mobile 13912345678 id {ID_NUMBER}"}])
    clean = _write(tmp_path / "clean.log", CLEAN)

    bad = subprocess.run([sys.executable, SCRIPT, "--no-demo", dirty], capture_output=True, text=True)
    good = subprocess.run([sys.executable, SCRIPT, "--no-demo", clean], capture_output=True, text=True)

    assert bad.returncode == 1
    assert "dirty.log:1: mobile:" in bad.stdout
    assert "13912345678" not in bad.stdout
    assert ID_NUMBER not in bad.stdout
    assert good.returncode == 0, good.stdout + good.stderr
    assert "no personal data found" in good.stdout


@pytest.mark.django_db
def test_the_demo_numbers_are_regenerated_with_the_demo_generator():
    numbers = seeded_numbers([(SEED, SIZES, TODAY)])

    assert len(numbers.id_numbers) == SIZES.workers
    assert len(numbers.mobiles) >= SIZES.workers * 0.9  # a few may repeat
    for number in numbers.id_numbers:
        validate_id_number(number)
    for mobile in numbers.mobiles:
        validate_mobile(mobile)
