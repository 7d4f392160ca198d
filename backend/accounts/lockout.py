"""Login lockout: every way of proving who you are counts its failures here (django-axes).

The web login, the admin login and the API token endpoint all go through `authenticate()` with
the request, which axes watches; a wrong second-factor code is one more failure
(`failure_record`). The SMS login (issue 12) is meant to call the same four functions.
Records live in the database (axes' AccessAttempt), so a security administrator can see and
delete them from the Django admin to unlock an account.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from backend.common.errors import DomainError

_USERNAME_FIELD = "username"  # AXES_USERNAME_FORM_FIELD: the user model's USERNAME_FIELD
LOCKED_MESSAGE = _("账号因多次登录失败已暂时锁定，请30分钟后再试或联系安全管理员解锁。")


class AccountLocked(DomainError):
    code = "account_locked"
    status = 429
    default_message = LOCKED_MESSAGE


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out username before any password is checked.

    authenticate() without a request (the test client's login(), scripts, the demo's checks) has
    no address to count by; it goes on to the model backend. Every HTTP login path passes one.
    """

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or the address the last trusted proxy saw.

    With SKILLBRIDGE_TRUSTED_PROXIES = n, the n-th address from the right of X-Forwarded-For is the
    one our own proxies appended; anything left of it was written by the client and is not trusted.
    """
    proxies = settings.SKILLBRIDGE_TRUSTED_PROXIES
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def _credentials(username: str) -> dict[str, str]:
    return {_USERNAME_FIELD: username}


def is_locked(*, request: HttpRequest, username: str) -> bool:
    return bool(getattr(settings, "AXES_ENABLED", True)) and not AxesProxyHandler.is_allowed(
        request, _credentials(username)
    )


def failure_record(*, request: HttpRequest, username: str) -> bool:
    """Count one failed proof (wrong password or code) for `username`; True if it is now locked."""
    user_login_failed.send(sender=__name__, credentials=_credentials(username), request=request)
    return bool(getattr(request, "axes_locked_out", False))


def success_record(*, request: HttpRequest, username: str) -> None:
    """Forget the failures of `username` from this address (a login without a session: the token
    endpoint; Django's login() does this through axes' user_logged_in receiver)."""
    if getattr(settings, "AXES_ENABLED", True) and settings.AXES_RESET_ON_SUCCESS:
        AxesProxyHandler.reset_attempts(ip_address=get_client_ip_address(request), username=username)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """What a locked-out login answers (AXES_LOCKOUT_CALLABLE): the API's error format, or the
    login page with the message, both with 429."""
    error = AccountLocked()
    if request.path.startswith("/api/"):
        return JsonResponse(error.as_dict(), status=error.status)
    from django.contrib.auth.forms import AuthenticationForm

    username = (credentials or {}).get(_USERNAME_FIELD) or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    context = {"form": form, "locked_message": error.message, "next": request.POST.get("next", "")}
    return render(request, "web/login.html", context, status=error.status)
