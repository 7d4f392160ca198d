"""Account use cases: a token login with lockout and second factor, the security administrator's
access in the Django admin."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from backend.common.errors import DomainError

from . import lockout, second_factor
from .models import User


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
