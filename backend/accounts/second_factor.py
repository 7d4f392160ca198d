"""The second factor: a TOTP authenticator app (django-otp's otp_totp) and 10 one-time recovery
codes (otp_static), for the roles in policies.SECOND_FACTOR_*_ROLES.

Codes are always checked by django-otp (its devices keep the last time step used and throttle
wrong guesses); nothing here computes a TOTP. A session is "verified" once django_otp.login()
has recorded the device that accepted a code; SecondFactorMiddleware keeps everyone who needs a
code and is not verified on the second-factor pages.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import django_otp
import segno
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from backend.common.errors import DomainError

from .policies import may_enrol_second_factor, second_factor_required

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"


class OtpRequired(DomainError):
    code = "otp_required"
    default_message = _("请输入身份验证器App中的6位动态验证码。")


class OtpInvalid(DomainError):
    code = "otp_invalid"
    default_message = _("动态验证码不正确或已过期，请重新输入。")


NOT_ENROLLED_MESSAGE = _("请先在网页上登录并设置两步验证，再使用接口。")


# --- reads -----------------------------------------------------------------------------------
def is_enrolled(user: Any) -> bool:
    """A confirmed authenticator app (recovery codes alone do not count: they come with one)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def step_needed(user: Any) -> str | None:
    """What a signed-in, not yet verified user must do first: "verify", "enrol" or nothing."""
    if not user.is_authenticated:
        return None
    if may_enrol_second_factor(user) and is_enrolled(user):
        return "verify"
    if second_factor_required(user):
        return "enrol"
    return None


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def provisioning_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code (segno), for the authenticator app to scan."""
    qr = segno.make(device.config_url, error="m")
    return qr.svg_inline(scale=5, border=2, title=str(_("身份验证器二维码")))


def manual_key(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


# --- writes ----------------------------------------------------------------------------------
def totp_enrolment_start(*, user: Any) -> TOTPDevice:
    """The unconfirmed device whose QR code the enrol page shows (the same one on each reload)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_enrolment_confirm(*, user: Any, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the new app with one code; it replaces any earlier app. Returns fresh recovery codes."""
    if device.user_id != user.pk or device.confirmed or not device.verify_token(_normalise(code)):
        raise OtpInvalid()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    return recovery_codes_regenerate(user=user)


@transaction.atomic
def recovery_codes_regenerate(*, user: Any) -> list[str]:
    """New recovery codes; the earlier ones stop working."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    device.throttle_reset()
    return codes


def code_check(*, user: Any, code: str) -> Device | None:
    """The device that accepts `code` (6 digits: the app; otherwise a recovery code, used up)."""
    code = _normalise(code or "")
    if not code:
        return None
    model: type[TOTPDevice | StaticDevice] = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    for device in model.objects.filter(user=user, confirmed=True):
        verified = django_otp.verify_token(user, device.persistent_id, code)
        if verified is not None:
            return verified
    return None


# --- enforcement -----------------------------------------------------------------------------
def _exempt_prefixes() -> tuple[str, ...]:
    return (
        reverse("login"),
        reverse("logout"),
        reverse("account-2fa-verify"),
        reverse("account-2fa-enrol"),
        reverse("account-2fa-recovery"),
        reverse("admin:logout"),
        reverse("set_language"),
        "/static/",
        "/healthz",
    )


class SecondFactorMiddleware:
    """Until the session is verified, a user who needs a code reaches only the second-factor
    pages: web pages redirect there, the API (session login) answers 403 `otp_required`.
    Goes after django_otp's OTPMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        verified = user.is_authenticated and user.is_verified()  # type: ignore[union-attr,attr-defined]
        if user.is_authenticated and not verified and not request.path.startswith(_exempt_prefixes()):
            step = step_needed(user)
            if step is not None:
                return self._ask(request, step)
        return self.get_response(request)

    @staticmethod
    def _ask(request: HttpRequest, step: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            message = OtpRequired.default_message if step == "verify" else NOT_ENROLLED_MESSAGE
            return JsonResponse({"code": "otp_required", "message": str(message), "fields": {}}, status=403)
        return redirect_to_login(request.get_full_path(), login_url=reverse(f"account-2fa-{step}"))
