"""Encryption at rest for personal identifiers (ID numbers).

The cleartext is kept only as Fernet ciphertext; a keyed HMAC lets us find duplicates without
decrypting, and the masked form is stored for display.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet
from django.conf import settings


def _key_material() -> bytes:
    return (settings.FIELD_ENCRYPTION_KEY or settings.SECRET_KEY).encode()


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"skillbridge-fernet:" + _key_material()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def blind_index(value: str) -> str:
    """Deterministic keyed hash, for uniqueness checks and exact lookups."""
    return hmac.new(b"skillbridge-index:" + _key_material(), value.encode(), hashlib.sha256).hexdigest()
