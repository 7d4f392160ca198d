"""Encryption at rest for personal identifiers (ID numbers).

The cleartext is kept only as Fernet ciphertext; a keyed HMAC lets us find duplicates without
decrypting, and the masked form is stored for display.

Keys are secrets (any string) listed newest first in FIELD_ENCRYPTION_KEYS, then the legacy single
FIELD_ENCRYPTION_KEY: the first encrypts, every one decrypts (MultiFernet), so a new key can be put
first while `manage.py rotate_field_key` re-encrypts the rows under it. Each secret becomes a Fernet
key by the same derivation as before the list existed, so data encrypted then still reads.
The HMAC has its own FIELD_INDEX_KEY (by default the legacy FIELD_ENCRYPTION_KEY, which made every
hash so far): rotating the encryption keys never changes a hash.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = ["InvalidToken", "blind_index", "decrypt", "encrypt", "is_under_newest_key", "rotate"]

_FERNET_SALT = b"skillbridge-fernet:"
_INDEX_SALT = b"skillbridge-index:"


def fernet_key(secret: str) -> bytes:
    """The Fernet key a configured secret stands for (unchanged since the single-key days)."""
    return base64.urlsafe_b64encode(hashlib.sha256(_FERNET_SALT + secret.encode()).digest())


def encryption_secrets() -> tuple[str, ...]:
    """The configured secrets, the one that encrypts first, each once."""
    listed = [*settings.FIELD_ENCRYPTION_KEYS, settings.FIELD_ENCRYPTION_KEY]
    secrets = tuple(dict.fromkeys(s for s in listed if s))
    if not secrets:
        raise ImproperlyConfigured("No field-encryption key: set FIELD_ENCRYPTION_KEYS (see README).")
    return secrets


def index_secret() -> str:
    secret = settings.FIELD_INDEX_KEY or settings.FIELD_ENCRYPTION_KEY
    if not secret:
        raise ImproperlyConfigured("No field index key: set FIELD_INDEX_KEY (see README).")
    return secret


@lru_cache(maxsize=8)
def _fernets(secrets: tuple[str, ...]) -> tuple[MultiFernet, Fernet]:
    keys = [Fernet(fernet_key(s)) for s in secrets]
    return MultiFernet(keys), keys[0]


def encrypt(value: str) -> str:
    multi, _newest = _fernets(encryption_secrets())
    return multi.encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    """The cleartext; InvalidToken when no configured key opens the token."""
    multi, _newest = _fernets(encryption_secrets())
    return multi.decrypt(token.encode()).decode()


def is_under_newest_key(token: str) -> bool:
    """Whether the key that encrypts now opens the token (rotation skips those rows)."""
    _multi, newest = _fernets(encryption_secrets())
    try:
        newest.decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def rotate(token: str) -> str:
    """The same cleartext encrypted under the newest key; InvalidToken when no key opens it."""
    multi, _newest = _fernets(encryption_secrets())
    return multi.rotate(token.encode()).decode()


def blind_index(value: str) -> str:
    """Deterministic keyed hash, for uniqueness checks and exact lookups."""
    return hmac.new(_INDEX_SALT + index_secret().encode(), value.encode(), hashlib.sha256).hexdigest()
