"""One id per request, on every log line it causes, in the response and in the tasks it enqueues.

`RequestIdMiddleware` (first in MIDDLEWARE) takes the caller's X-Request-ID when it is a sane token,
else makes one, keeps it in a contextvar for the log filter (backend.common.logging) and writes one
access line per request. Celery carries the id in a task header (signals connected in
backend/celery.py), so a worker's lines for that task share it.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty

HEADER = "X-Request-ID"
TASK_HEADER = "request_id"
_SANE = re.compile(r"[A-Za-z0-9._-]{1,64}")

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
access_logger = logging.getLogger("backend.access")


def current_request_id() -> str | None:
    return request_id_var.get()


def sane_request_id(value: str | None) -> str | None:
    """The caller's id if it is a short plain token; anything else could forge or break log lines."""
    return value if value and _SANE.fullmatch(value) else None


def new_request_id() -> str:
    return uuid.uuid4().hex


def _actor(request: HttpRequest) -> tuple[int | None, str | None]:
    """The user's id and role, only when the request already looked the user up: resolving the
    lazy user here would cost a session and a user query on pages that never needed them."""
    user = request.__dict__.get("user")
    if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):
        return None, None
    from backend.accounts.policies import role_of

    return (user.pk if user.is_authenticated else None), role_of(user)


def _is_health_probe(path: str) -> bool:
    return path == "/healthz" or path.startswith("/healthz/")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = sane_request_id(request.headers.get(HEADER)) or new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            self._log(request, response, started)
            return response
        finally:
            request_id_var.reset(token)

    @staticmethod
    def _log(request: HttpRequest, response: HttpResponse, started: float) -> None:
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        user_id, role = _actor(request)
        # A load balancer probes every few seconds: its lines only at DEBUG.
        level = logging.DEBUG if _is_health_probe(request.path) else logging.INFO
        access_logger.log(
            level,
            "%s %s %s %sms",
            request.method,
            request.path,  # never the query string: search terms and filters can be personal
            response.status_code,
            duration_ms,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": user_id,
                "role": role,
            },
        )


# --- Celery: the id travels in a task header (receivers connected in backend/celery.py) -----------
_task_tokens: dict[str, contextvars.Token[str | None]] = {}


def add_to_task_headers(headers: dict[str, Any] | None = None, **_: Any) -> None:
    """before_task_publish: stamp the current request's id on the outgoing message."""
    request_id = current_request_id()
    if request_id and headers is not None:
        headers.setdefault(TASK_HEADER, request_id)


def adopt_from_task(task_id: str | None = None, task: Any = None, **_: Any) -> None:
    """task_prerun: a worker runs the task under the id it was sent with. An eager task (no
    message, no header) keeps the id of the request it runs in."""
    request_id = sane_request_id(getattr(getattr(task, "request", None), TASK_HEADER, None))
    if request_id and task_id:
        _task_tokens[task_id] = request_id_var.set(request_id)


def release_after_task(task_id: str | None = None, **_: Any) -> None:
    """task_postrun: the next task on this worker process starts without an id."""
    token = _task_tokens.pop(task_id, None) if task_id else None
    if token is not None:
        try:
            request_id_var.reset(token)
        except ValueError:  # set in another context (a thread pool): clear instead
            request_id_var.set(None)
