"""Production settings refuse unsafe defaults, and `check --deploy` reports nothing."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
FIELD_VARIABLES = ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "FIELD_ENCRYPTION_KEYS", "FIELD_INDEX_KEY")
SECRET = "x7!kq2@p9zv#m4l0w8e3r6t1y5u9i2o7p4a8s3d6f1g5h9j2k7l4"
NEW_FIELD_KEY = "Qm9vdHN0cmFwLWZpZWxkLWtleS0wMTIzNDU2Nzg5YWJj"


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in FIELD_VARIABLES}
    environment.update(DJANGO_SETTINGS_MODULE="backend.settings.production", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_check_deploy_reports_nothing():
    result = _manage(
        "check", "--deploy", "--fail-level", "DEBUG",
        SECRET_KEY="x7!kq2@p9zv#m4l0w8e3r6t1y5u9i2o7p4a8s3d6f1g5h9j2k7l4", FIELD_ENCRYPTION_KEY="another-long-key-for-ids",
        ALLOWED_HOSTS="skillbridge.example.cn", DATABASE_URL="sqlite:////tmp/skillbridge-deploy-check.sqlite3",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_field_encryption_key():
    result = _manage("check", SECRET_KEY=SECRET)
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS must be set" in result.stderr


def test_production_refuses_a_key_list_without_an_index_key():
    """Removing the legacy key after a rotation must not silently re-key every ID-number hash."""
    result = _manage("check", SECRET_KEY=SECRET, FIELD_ENCRYPTION_KEYS=NEW_FIELD_KEY)
    assert result.returncode != 0
    assert "FIELD_INDEX_KEY must be set" in result.stderr


def test_production_refuses_a_short_encrypting_key():
    result = _manage("check", SECRET_KEY=SECRET, FIELD_ENCRYPTION_KEYS="short,old", FIELD_INDEX_KEY="x" * 40)
    assert result.returncode != 0
    assert "at least 32" in result.stderr


def test_production_starts_with_a_key_list_and_an_index_key():
    result = _manage(
        "check", SECRET_KEY=SECRET, FIELD_ENCRYPTION_KEYS=f"{NEW_FIELD_KEY},another-long-key-for-ids",
        FIELD_INDEX_KEY="another-long-key-for-ids", DATABASE_URL="sqlite:////tmp/skillbridge-deploy-check.sqlite3",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
