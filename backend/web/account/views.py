"""/account/security/ and the second-factor pages: enrol (QR code), verify, recovery codes.

Thin views over backend/accounts/second_factor.py; SecondFactorMiddleware sends a user who
still needs a code here and lets these pages (and login/logout) through.
"""

from __future__ import annotations

from typing import Any

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_static.models import StaticDevice

from backend.accounts import lockout
from backend.accounts import second_factor as sf
from backend.accounts.policies import may_enrol_second_factor, second_factor_required

from .forms import TotpCodeForm, VerifyForm

NEW_CODES_SESSION_KEY = "sb_new_recovery_codes"


def _next(request: HttpRequest) -> str:
    """Where to go afterwards: the `next` this page was given, if it stays on this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, next_url: str) -> HttpResponse:
    return redirect_to_login(next_url, login_url=reverse(name))


def _staff_only(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not may_enrol_second_factor(request.user):
        raise PermissionDenied(_("两步验证只用于工作人员和管理员账号。"))
    return None


@require_http_methods(["GET"])
def security(request: HttpRequest) -> HttpResponse:
    if (refused := _staff_only(request)) is not None:
        return refused
    user = request.user
    context = {
        "enrolled": sf.is_enrolled(user),
        "required": second_factor_required(user),
        "codes_left": sf.recovery_codes_left(user),
    }
    return render(request, "web/account/security.html", context)


@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    if (refused := _staff_only(request)) is not None:
        return refused
    user = request.user
    next_url = _next(request)
    if sf.is_enrolled(user) and not user.is_verified():  # type: ignore[union-attr,attr-defined]
        # A password alone never replaces an enrolled app.
        return _with_next("account-2fa-verify", request.get_full_path())
    device = sf.totp_enrolment_start(user=user)
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = sf.totp_enrolment_confirm(user=user, device=device, code=form.cleaned_data["code"])
        except sf.OtpInvalid as error:
            form.add_error("code", error.message)
        else:
            django_otp.login(request, device)
            request.session[NEW_CODES_SESSION_KEY] = codes
            messages.success(request, _("两步验证已开启。"))
            return _with_next("account-2fa-recovery", next_url)
    context: dict[str, Any] = {
        "form": form,
        "qr_svg": mark_safe(sf.provisioning_qr_svg(device)),  # segno's own markup, no user text
        "manual_key": sf.manual_key(device),
        "required": second_factor_required(user),
        "next": next_url,
    }
    return render(request, "web/account/enrol.html", context)


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = request.user
    next_url = _next(request)
    step = None if user.is_verified() else sf.step_needed(user)  # type: ignore[union-attr,attr-defined]
    if step == "enrol":
        return _with_next("account-2fa-enrol", next_url)
    if step is None:
        return redirect(next_url)
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = sf.code_check(user=user, code=form.cleaned_data["value"])
        if device is not None:
            django_otp.login(request, device)
            if isinstance(device, StaticDevice):
                left = sf.recovery_codes_left(user)
                messages.warning(request, _("已用掉一个恢复码，还剩 %(left)d 个。") % {"left": left})
            return redirect(next_url)
        username = user.get_username()
        if lockout.failure_record(request=request, username=username):
            logout(request)
            return lockout.lockout_response(request, None, {"username": username})
        field = "code" if form.cleaned_data.get("code") else "recovery_code"
        form.add_error(field, str(sf.OtpInvalid.default_message))
    return render(request, "web/account/verify.html", {"form": form, "next": next_url})


@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    if (refused := _staff_only(request)) is not None:
        return refused
    user = request.user
    next_url = _next(request)
    if request.method == "POST":
        if not user.is_verified():  # type: ignore[union-attr,attr-defined]
            return _with_next("account-2fa-verify", request.get_full_path())
        request.session[NEW_CODES_SESSION_KEY] = sf.recovery_codes_regenerate(user=user)
        messages.success(request, _("已生成新的恢复码，旧的恢复码已作废。"))
        return _with_next("account-2fa-recovery", next_url)
    # New codes are shown once: they leave the session as this page is drawn.
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    context = {
        "codes": codes,
        "codes_left": sf.recovery_codes_left(user),
        "enrolled": sf.is_enrolled(user),
        "next": next_url,
    }
    return render(request, "web/account/recovery_codes.html", context)
