"""The request an entry is written in, for its actor, address and request id.

The middleware keeps the request here for the length of the request. The actor is read when the
entry is written, not when the request arrives: DRF authenticates a token inside the view, after
every middleware has run. Celery workers and management commands have no request: no actor.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest

current_request: ContextVar[HttpRequest | None] = ContextVar("audit_current_request", default=None)

_REQUEST_ID = re.compile(r"[^A-Za-z0-9._:-]")


def request_user(request: Any = None) -> Any:
    """The authenticated user of the request (or of the current one), else None."""
    request = request if request is not None else current_request.get()
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated and getattr(user, "pk", None) else None


def request_id(request: Any = None) -> str | None:
    """The request id the operations middleware gives a request (else the X-Request-ID header,
    else the id a task was enqueued with), read defensively: a header is client input."""
    request = request if request is not None else current_request.get()
    value = ""
    if request is not None:
        value = getattr(request, "request_id", None) or request.META.get("HTTP_X_REQUEST_ID") or ""
    if not value:  # a Celery task carries the id of the request that enqueued it
        try:
            from backend.common.request_id import current_request_id
        except ImportError:
            return None
        value = current_request_id() or ""
    return _REQUEST_ID.sub("", str(value))[:64] or None


def remote_addr(request: Any = None) -> str | None:
    """The client's address as the lockout and the throttles count it: REMOTE_ADDR, or behind
    SKILLBRIDGE_TRUSTED_PROXIES proxies the address the last of ours saw (never what the client
    wrote into X-Forwarded-For)."""
    from backend.accounts.lockout import client_ip

    request = request if request is not None else current_request.get()
    if request is None:
        return None
    return client_ip(getattr(request, "_request", request)) or None
