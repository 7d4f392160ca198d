"""auditlog's middleware, with the request kept for the entries written while it runs."""

from __future__ import annotations

from typing import Any

from auditlog.middleware import AuditlogMiddleware
from django.http import HttpRequest, HttpResponse

from . import context


class AuditMiddleware(AuditlogMiddleware):
    """Entries written during the request get its user, address and request id (see context.py).

    Two changes to auditlog's: the actor is left to the entry (read when it is written, after DRF
    has authenticated a token), and the address is the client's as the lockout counts it (context.remote_addr), never
    what the client wrote into X-Forwarded-For.
    """

    @staticmethod
    def _get_actor(request: HttpRequest) -> None:
        return None

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        return context.remote_addr(request)

    @staticmethod
    def _get_remote_port(request: HttpRequest) -> None:
        return None

    def __call__(self, request: HttpRequest) -> Any:
        token = context.current_request.set(request)
        try:
            response: HttpResponse = super().__call__(request)
        finally:
            context.current_request.reset(token)
        return response
