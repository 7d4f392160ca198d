"""Development on a laptop: the embedded default (SQLite, eager Celery, FTS5 search)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-0123456789abcdefghij")

# The demo logins work without an authenticator app; enrol from /account/security/ to try it.
SKILLBRIDGE_REQUIRE_2FA = env.bool("SKILLBRIDGE_REQUIRE_2FA", default=False)
