"""Production: refuses to start without its secrets; every transport hardened."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import FIELD_ENCRYPTION_KEY, FIELD_ENCRYPTION_KEYS, FIELD_INDEX_KEY, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to at least 50 random characters in production.")
if not (FIELD_ENCRYPTION_KEYS or FIELD_ENCRYPTION_KEY):
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set in production (see README).")
if FIELD_ENCRYPTION_KEYS and len(FIELD_ENCRYPTION_KEYS[0]) < 32:
    raise ImproperlyConfigured(
        "The first of FIELD_ENCRYPTION_KEYS (it encrypts) needs at least 32 random characters."
    )
# Without FIELD_INDEX_KEY the hashes are keyed by the legacy FIELD_ENCRYPTION_KEY; removing that
# one after a rotation would silently change every hash, so one of the two must stay.
if not (FIELD_INDEX_KEY or FIELD_ENCRYPTION_KEY):
    raise ImproperlyConfigured(
        "FIELD_INDEX_KEY must be set in production (an existing deployment: the former FIELD_ENCRYPTION_KEY)."
    )

# Password-reset mail goes to a real relay (EMAIL_URL, e.g. smtp+tls://user:pass@smtp.example.cn:587),
# never the console (a reset link in the logs is a login).
vars().update(env.email_url("EMAIL_URL", default="smtp://localhost:25"))

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Staff and administrators must use a second factor (backend/accounts/second_factor.py).
SKILLBRIDGE_REQUIRE_2FA = env.bool("SKILLBRIDGE_REQUIRE_2FA", default=True)
