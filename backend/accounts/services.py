"""Account use cases: a token login with lockout and second factor, issuing and revoking API
tokens, the security administrator's access in the Django admin."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.audit import services as audit
from backend.common.errors import DomainError, NotFound, PermissionDenied

from . import lockout, second_factor
from .models import ApiToken, User
from .policies import is_security_admin
from .tokens import token_ttl


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    default_message = _("用户名或密码不正确。")


def token_login(*, request: HttpRequest, username: str, password: str, otp: str = "") -> User:
    """The user behind a username, password and (when they need one) a second-factor code.

    A wrong password or a missing or wrong code is one failed attempt for the lockout; the fifth
    locks the username from this address (lockout.AccountLocked)."""
    if lockout.is_locked(request=request, username=username):
        raise lockout.AccountLocked()
    user = authenticate(request, username=username, password=password)
    if user is None:  # authenticate() has counted the failure
        if getattr(request, "axes_locked_out", False):
            raise lockout.AccountLocked()
        raise InvalidCredentials()
    step = second_factor.step_needed(user)
    if step is not None and second_factor.code_check(user=user, code=otp) is None:
        if lockout.failure_record(request=request, username=username):
            raise lockout.AccountLocked()
        field_message = second_factor.NOT_ENROLLED_MESSAGE if step == "enrol" else None
        error = second_factor.OtpInvalid if otp else second_factor.OtpRequired
        message = field_message or error.default_message
        raise error(message, fields={"otp": [{"code": error.code, "message": message}]})
    lockout.success_record(request=request, username=username)
    return user  # type: ignore[return-value]


# --- API tokens (backend/accounts/tokens.py) ---------------------------------------------------
class RevokeReason:
    """Why tokens were revoked, as recorded in the audit entry."""

    OWNER = "owner"
    SECURITY_ADMIN = "security_admin"  # through the API, or the Django admin's delete
    LIMIT = "limit"  # a new token beyond SKILLBRIDGE_TOKENS_PER_USER
    PASSWORD_RESET = "password_reset"


@transaction.atomic
def api_token_create(
    *, user: User, name: str = "", user_agent: str = "", request: Any = None
) -> tuple[ApiToken, str]:
    """A new token for one device, with the lifetime of the user's role: (row, key). The key is
    returned this once and stored only as a digest; the oldest live tokens beyond
    SKILLBRIDGE_TOKENS_PER_USER are revoked."""
    api_token, key = ApiToken.objects.create(
        user=user, expiry=token_ttl(user), name=name.strip()[:64], user_agent=user_agent[:200]
    )
    surplus = list(
        ApiToken.objects.filter(user=user, expiry__gt=timezone.now())
        .order_by("-created", "-pk")
        .values_list("pk", flat=True)[settings.SKILLBRIDGE_TOKENS_PER_USER :]
    )
    if surplus:
        api_tokens_revoke(
            tokens=ApiToken.objects.filter(pk__in=surplus),
            actor=user,
            reason=RevokeReason.LIMIT,
            request=request,
        )
    audit.record(
        action=audit.Event.LOGIN, actor=user, target=user, request=request,
        detail={"via": "api_token", "token": api_token.pk},
    )  # fmt: skip
    return api_token, key


def api_tokens_revoke(*, tokens: Any, actor: Any, reason: str, request: Any = None) -> int:
    """Delete `tokens` (a queryset), one audit entry per owner. The caller has checked that
    `actor` may (the API and pages below, the Django admin by its delete permission)."""
    by_owner: dict[int, list[int]] = {}
    for pk, user_id in tokens.values_list("pk", "user_id"):
        by_owner.setdefault(user_id, []).append(pk)
    count, _deleted = tokens.delete()
    owners = User.objects.in_bulk(list(by_owner))
    for user_id, pks in by_owner.items():
        audit.record(
            action=audit.Event.TOKEN_REVOKE, actor=actor, target=owners.get(user_id), request=request,
            detail={"reason": reason, "tokens": sorted(pks)},
        )  # fmt: skip
    return count


def _may_manage_tokens_of(actor: Any, owner_id: int) -> bool:
    return actor.is_authenticated and (actor.pk == owner_id or is_security_admin(actor))


@transaction.atomic
def api_token_revoke(*, actor: Any, token_id: int, request: Any = None) -> None:
    """Revoke one token: the owner's own, or anyone's by a security administrator. Another user's
    token is "not found" to everyone else, so ids of other people's tokens cannot be probed."""
    api_token = ApiToken.objects.filter(pk=token_id).first()
    if api_token is None or not _may_manage_tokens_of(actor, api_token.user_id):
        raise NotFound(_("未找到该令牌。"))
    reason = RevokeReason.OWNER if actor.pk == api_token.user_id else RevokeReason.SECURITY_ADMIN
    api_tokens_revoke(
        tokens=ApiToken.objects.filter(pk=api_token.pk), actor=actor, reason=reason, request=request
    )


@transaction.atomic
def api_tokens_revoke_all(*, actor: Any, user: User, reason: str = "", request: Any = None) -> int:
    """Revoke every token of `user` (the owner, or a security administrator); returns how many.
    A reason is given by code that runs on the user's behalf (a password reset)."""
    if not reason:
        if not _may_manage_tokens_of(actor, user.pk):
            raise PermissionDenied(_("只有本人或安全管理员可以吊销令牌。"))
        reason = RevokeReason.OWNER if actor.pk == user.pk else RevokeReason.SECURITY_ADMIN
    tokens = ApiToken.objects.filter(user=user)
    return (
        api_tokens_revoke(tokens=tokens, actor=actor, reason=reason, request=request)
        if tokens.exists()
        else 0
    )


def api_tokens_purge_expired(*, now: Any = None) -> int:
    """Delete tokens that expired (they answer `token_expired` until then); the daily beat job."""
    count, _deleted = ApiToken.objects.filter(expiry__lte=now or timezone.now()).delete()
    return count


# --- The security administrator (安全管理员) in the Django admin --------------------------------
SECURITY_ADMIN_GROUP = "安全管理员"
# Exactly what managing accounts, roles, lockouts and second factors takes: users (no delete:
# an account is switched off, its history stays), groups, axes' records (deleting an
# AccessAttempt unlocks), OTP devices (deleting one resets a lost phone). No worker data.
SECURITY_ADMIN_PERMISSIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("accounts", "user"): ("view", "add", "change"),
    ("auth", "group"): ("view", "add", "change", "delete"),
    ("axes", "accessattempt"): ("view", "delete"),
    ("axes", "accesslog"): ("view",),
    ("axes", "accessfailurelog"): ("view",),
    ("otp_totp", "totpdevice"): ("view", "delete"),
    ("otp_static", "staticdevice"): ("view", "delete"),
    ("accounts", "apitoken"): ("view", "delete"),  # deleting revokes (audited in the admin)
}


def security_admin_group_sync() -> Group:
    """The 安全管理员 group with exactly SECURITY_ADMIN_PERMISSIONS (run after every migrate)."""
    query = Q(pk__in=[])
    for (app_label, model), actions in SECURITY_ADMIN_PERMISSIONS.items():
        query |= Q(
            content_type__app_label=app_label,
            content_type__model=model,
            codename__in=[f"{action}_{model}" for action in actions],
        )
    group, _created = Group.objects.get_or_create(name=SECURITY_ADMIN_GROUP)
    group.permissions.set(Permission.objects.filter(query))
    return group


@transaction.atomic
def user_role_access_sync(*, user: User) -> None:
    """Give a security administrator the admin site and the group; take the group from anyone
    whose role has changed away from it."""
    if user.role == User.Role.SECURITY_ADMIN:
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        user.groups.add(security_admin_group_sync())
    else:
        user.groups.remove(*Group.objects.filter(name=SECURITY_ADMIN_GROUP))
