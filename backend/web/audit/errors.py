"""handler403 (backend/urls.py): Django's 403 page, after writing a permission_denied entry."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.defaults import permission_denied as django_permission_denied

from backend.audit import services


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    services.record(
        action=services.Event.PERMISSION_DENIED,
        detail={"path": request.path[:200], "method": request.method or ""},
        request=request,
    )
    return django_permission_denied(request, exception)
