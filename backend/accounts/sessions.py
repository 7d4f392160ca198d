"""How long a login lasts, by role.

Staff and administrators (every role but worker) see other people's data: their session ends
8 hours after the login (one working day) and after 30 minutes without a request. Workers keep
the ordinary long session (SESSION_COOKIE_AGE, 14 days): they use their own phone, often inside
the WeChat browser, see only their own data, and an SMS code costs them and us each time.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import User
from .policies import role_of

LOGIN_AT = "sb_login_at"
SEEN_AT = "sb_seen_at"
# The idle clock is written at most this often, so a page with several requests costs one write.
_SEEN_RESOLUTION = dt.timedelta(seconds=60)

EXPIRED_MESSAGE = _("为保护数据安全，您已较长时间未操作或登录已超过8小时，请重新登录。")


class Expiry(enum.Enum):
    IDLE = "idle"
    ABSOLUTE = "absolute"


def has_short_session(user: Any) -> bool:
    return user.is_authenticated and role_of(user) != User.Role.WORKER


def session_expiry(
    *, short: bool, login_at: dt.datetime, seen_at: dt.datetime, now: dt.datetime
) -> Expiry | None:
    """Why a session has ended at `now`, or None while it is still good."""
    if not short:
        return None
    if now - login_at >= settings.SKILLBRIDGE_STAFF_SESSION_MAX_AGE:
        return Expiry.ABSOLUTE
    if now - seen_at >= settings.SKILLBRIDGE_STAFF_SESSION_IDLE:
        return Expiry.IDLE
    return None


def _read(session: Any, key: str) -> dt.datetime | None:
    value = session.get(key)
    try:
        return dt.datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def login_stamp(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """user_logged_in receiver: the absolute clock starts at each password login."""
    session = getattr(request, "session", None)
    if session is not None:
        now = timezone.now().isoformat()
        session[LOGIN_AT] = now
        session[SEEN_AT] = now
        if has_short_session(user):
            session.set_expiry(int(settings.SKILLBRIDGE_STAFF_SESSION_IDLE.total_seconds()))


class SessionExpiryMiddleware:
    """Ends a staff session that is too old or idle: web pages go to the login page with a
    message, the API answers 401. Goes after AuthenticationMiddleware and MessageMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_short_session(request.user):
            now = timezone.now()
            session = request.session
            login_at = _read(session, LOGIN_AT)
            seen_at = _read(session, SEEN_AT)
            if login_at is None or seen_at is None:  # a session from before this rule, or force_login
                login_at = login_at or now
                seen_at = seen_at or now
                session[LOGIN_AT] = login_at.isoformat()
            if session_expiry(short=True, login_at=login_at, seen_at=seen_at, now=now) is not None:
                return self._expired(request)
            if now - seen_at >= _SEEN_RESOLUTION or SEEN_AT not in session:
                session[SEEN_AT] = now.isoformat()
                # The cookie dies with the idle limit too, so a closed browser keeps nothing.
                session.set_expiry(int(settings.SKILLBRIDGE_STAFF_SESSION_IDLE.total_seconds()))
        return self.get_response(request)

    @staticmethod
    def _expired(request: HttpRequest) -> HttpResponse:
        logout(request)
        message = str(EXPIRED_MESSAGE)
        if request.path.startswith("/api/"):
            return JsonResponse({"code": "session_expired", "message": message, "fields": {}}, status=401)
        messages.warning(request, message)
        return redirect_to_login(request.get_full_path())
