"""Development on a laptop: the embedded default (SQLite, eager Celery, FTS5 search)."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import FIELD_ENCRYPTION_KEY, FIELD_ENCRYPTION_KEYS, FIELD_INDEX_KEY, VAR_DIR, env
from .keyfile import local_field_keys

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-0123456789abcdefghij")

# Field keys of their own, generated once into var/field-keys.json (unless given in the
# environment), so changing SECRET_KEY no longer touches ID numbers. Keep the file with the
# database: without it the ID numbers read as their masked copies. The file's index key starts as
# the secret the hashes were made with until now, so they stay valid.
FIELD_KEYS_FILE = Path(env("FIELD_KEYS_FILE", default=str(VAR_DIR / "field-keys.json")))
if not (FIELD_ENCRYPTION_KEYS and FIELD_INDEX_KEY):
    _stored = local_field_keys(FIELD_KEYS_FILE, first_index_key=FIELD_ENCRYPTION_KEY or SECRET_KEY)
    FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or _stored.encryption_keys
    FIELD_INDEX_KEY = FIELD_INDEX_KEY or _stored.index_key
# SECRET_KEY stays last, decrypt-only, for rows encrypted before the file existed
# (`manage.py rotate_field_key` moves them to the new key).
FIELD_ENCRYPTION_KEYS = [*FIELD_ENCRYPTION_KEYS, SECRET_KEY]

# The demo logins work without an authenticator app; enrol from /account/security/ to try it.
SKILLBRIDGE_REQUIRE_2FA = env.bool("SKILLBRIDGE_REQUIRE_2FA", default=False)
