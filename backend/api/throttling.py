"""Throttles beyond DRF's anonymous and per-user ones, all counting by the same client address as
the login lockout (lockout.client_ip: X-Forwarded-For only as far as SKILLBRIDGE_TRUSTED_PROXIES
says our own proxies wrote it), and a scope that counts only writes (an import list refreshed all
day is fine; thirty uploads an hour are the limit)."""

from __future__ import annotations

from typing import Any

from rest_framework import throttling
from rest_framework.request import Request

from backend.accounts.lockout import client_ip


class ClientAddressMixin:
    def get_ident(self, request: Request) -> str:
        return client_ip(request._request) or ""


class AnonRateThrottle(ClientAddressMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(ClientAddressMixin, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(ClientAddressMixin, throttling.ScopedRateThrottle):
    pass


class WriteScopedRateThrottle(ScopedRateThrottle):
    def allow_request(self, request: Request, view: Any) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)
