"""`local` keeps its field keys in a file of their own; they no longer follow SECRET_KEY."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from backend.settings.keyfile import local_field_keys

ROOT = Path(__file__).resolve().parents[3]
FIELD_VARIABLES = ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "FIELD_ENCRYPTION_KEYS", "FIELD_INDEX_KEY")

PROBE = """
import sys, django
django.setup()
from django.conf import settings
from backend.common import crypto
token = sys.argv[1]
print(settings.FIELD_ENCRYPTION_KEYS[0], crypto.blind_index("11010519491231002X"),
      crypto.decrypt(token) if token else crypto.encrypt("11010519491231002X"))
"""


def _local(keys_file: Path, secret_key: str, token: str = "") -> list[str]:
    environment = {k: v for k, v in os.environ.items() if k not in FIELD_VARIABLES}
    environment.update(
        DJANGO_SETTINGS_MODULE="backend.settings.local", FIELD_KEYS_FILE=str(keys_file), SECRET_KEY=secret_key
    )
    result = subprocess.run(
        [sys.executable, "-c", PROBE, token],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_local_field_keys_are_generated_once_into_a_private_file(tmp_path):
    path = tmp_path / "var" / "field-keys.json"
    first = local_field_keys(path, first_index_key="the-secret-that-made-the-hashes")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert first.index_key == "the-secret-that-made-the-hashes"
    assert len(first.encryption_keys) == 1
    assert len(first.encryption_keys[0]) >= 32
    assert local_field_keys(path, first_index_key="another") == first
    assert json.loads(path.read_text())["encryption_keys"] == first.encryption_keys
    assert [p.name for p in path.parent.iterdir()] == ["field-keys.json"]  # no temporary file left


def test_changing_the_secret_key_in_local_no_longer_changes_the_field_key(tmp_path):
    keys_file = tmp_path / "field-keys.json"
    key, index, token = _local(keys_file, "first-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
    again_key, again_index, number = _local(
        keys_file, "a-changed-secret-key-0123456789abcdefghijklmnopqrstu", token
    )
    assert again_key == key != "first-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"
    assert number == "11010519491231002X"  # encrypted before the change, read after it
    assert again_index == index  # and the index key stayed with the file
