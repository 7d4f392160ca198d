"""API tokens: django-rest-knox's hashed tokens (model accounts.ApiToken), with a lifetime by role
and errors that tell a client whether to log in again.

A token is sent as `Authorization: Token <key>`. Only its SHA-512 digest is stored, so a key is
found by its digest (one indexed lookup) and is never shown again after the token endpoint
answered it. An expired token is refused with `token_expired` until the daily purge removes it;
a revoked one (its row deleted) or a made-up one with `token_invalid`.
"""

from __future__ import annotations

import binascii
import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from rest_framework import exceptions

from .models import ApiToken, User
from .policies import role_of

# last_used_at is written at most this often per token, so a busy client costs one write a minute.
LAST_USED_RESOLUTION = dt.timedelta(seconds=60)


class TokenExpired(exceptions.AuthenticationFailed):
    default_code = "token_expired"
    default_detail = _("接口令牌已过期，请重新登录获取新令牌。")


class TokenInvalid(exceptions.AuthenticationFailed):
    default_code = "token_invalid"
    default_detail = _("接口令牌无效或已被吊销，请重新登录获取新令牌。")


def token_ttl(user: Any) -> dt.timedelta:
    """How long a new token of `user` lasts: workers as long as their session (their own phone,
    their own data); every other role sees other people's data and gets one working day."""
    if role_of(user) == User.Role.WORKER:
        return settings.SKILLBRIDGE_TOKEN_TTL_WORKER
    return settings.SKILLBRIDGE_TOKEN_TTL_STAFF


class ApiTokenAuthentication(TokenAuthentication):
    """knox's header parsing and user check; the key looked up by digest, with our error codes."""

    def authenticate_credentials(self, token: bytes) -> tuple[User, ApiToken]:
        try:
            digest = hash_token(token.decode())
        except (UnicodeDecodeError, TypeError, binascii.Error):
            raise TokenInvalid() from None
        api_token = ApiToken.objects.select_related("user").filter(digest=digest).first()
        if api_token is None:
            raise TokenInvalid()
        now = timezone.now()
        if api_token.expiry is not None and api_token.expiry <= now:
            raise TokenExpired()
        user, api_token = self.validate_user(api_token)
        if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
            api_token.last_used_at = now
        return user, api_token
