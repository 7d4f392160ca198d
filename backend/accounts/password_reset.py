"""Password reset for username/password accounts: by email, with Django's signed one-time link.

Every role but worker may reset by email (staff, provider and employer staff, the administrators:
they have a work email). Workers sign in on their own phone: their reset is by SMS code, which
comes with the SMS issue and plugs in here as another way to *prove* who the person is. Whatever
proved it, the new password goes through SetPasswordForm (the rules of
password_validation.RolePasswordValidator) and then `password_reset_completed`, which ends every
other way in: the sessions (Django's session hash changes with the password), the API tokens,
and the lockout count, with an audit entry.

The request form never tells whether an account exists: the same page follows any address, and a
mail goes only to an active account of a role allowed here. Sends are limited per client address
(`password_reset`: a refusal says so, as it reveals nothing about accounts) and per email address
(`password_reset_email`: over it, the same page and no mail).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest
from rest_framework.throttling import SimpleRateThrottle

from backend.audit import services as audit

from . import lockout
from .models import User
from .policies import role_of
from .services import RevokeReason, api_tokens_revoke_all

EMAIL_RESET_ROLES = frozenset(User.Role.values) - {User.Role.WORKER}


class ResetLimit(SimpleRateThrottle):
    """DRF's sliding-window count in the shared cache, for one scope and one identity."""

    def __init__(self, *, scope: str, ident: str) -> None:
        self.scope = scope
        self.ident = ident
        super().__init__()

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.ident}


def _email_ident(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def reset_address_allowed(*, request: HttpRequest) -> bool:
    """Counts one request from the client's address; False once over `password_reset`."""
    limit = ResetLimit(scope="password_reset", ident=lockout.client_ip(request) or "")
    return limit.allow_request(request, None)  # type: ignore[arg-type]  # only get_cache_key reads them


def reset_email_allowed(*, request: HttpRequest, email: str) -> bool:
    """Counts one request for this email address; False once over `password_reset_email`."""
    limit = ResetLimit(scope="password_reset_email", ident=_email_ident(email))
    return limit.allow_request(request, None)  # type: ignore[arg-type]


class EmailPasswordResetForm(PasswordResetForm):
    """Django's form, for the roles above only, with an audit entry per mail sent."""

    def get_users(self, email: str) -> Iterator[Any]:
        return (user for user in super().get_users(email) if role_of(user) in EMAIL_RESET_ROLES)

    def save(self, **kwargs: Any) -> None:  # type: ignore[override]
        super().save(**kwargs)
        request = kwargs.get("request")
        for user in self.get_users(self.cleaned_data["email"]):
            audit.record(
                action=audit.Event.PASSWORD_RESET, actor=user, target=user, request=request,
                detail={"step": "link_sent", "channel": "email"},
            )  # fmt: skip


def password_reset_completed(*, user: User, request: HttpRequest | None, channel: str = "email") -> None:
    """After a reset set the new password: revoke every API token, forget the lockout count of
    the username, and audit. (Sessions end by themselves: their hash was of the old password.)"""
    revoked = api_tokens_revoke_all(
        actor=user, user=user, reason=RevokeReason.PASSWORD_RESET, request=request
    )
    if getattr(settings, "AXES_ENABLED", True):
        AxesProxyHandler.reset_attempts(username=user.get_username())
    audit.record(
        action=audit.Event.PASSWORD_RESET, actor=user, target=user, request=request,
        detail={"step": "completed", "channel": channel, "tokens_revoked": revoked},
    )  # fmt: skip
