"""The field keys of a development machine: generated once into a file under var/, then read.

`local` used to derive the field-encryption key from SECRET_KEY, so changing SECRET_KEY made every
ID number unreadable. The file holds a random encryption key and the index key; it is created with
mode 0600, and atomically (two processes starting at once both read the same keys).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FieldKeys:
    encryption_keys: list[str]  # newest first
    index_key: str


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def local_field_keys(path: Path, *, first_index_key: str) -> FieldKeys:
    """The keys in `path`, creating it when missing. `first_index_key` becomes the index key of a
    new file (the secret that made the hashes already in the database, so they stay valid)."""
    if not path.exists():
        _create(path, {"encryption_keys": [new_secret()], "index_key": first_index_key or new_secret()})
    data = json.loads(path.read_text(encoding="utf-8"))
    return FieldKeys(encryption_keys=list(data["encryption_keys"]), index_key=data["index_key"])


def _create(path: Path, data: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".field-keys-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=2)
            out.write("\n")
        os.chmod(temporary, 0o600)
        with contextlib.suppress(FileExistsError):  # another process made it first: theirs wins
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
