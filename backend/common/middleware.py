"""Refuse NUL characters in query strings up front.

PostgreSQL text cannot hold NUL (0x00), so a `?q=%00` reaching a filter would be a 500 there
and a silent oddity on SQLite. Request bodies are covered by DRF's CharField, which already
refuses NUL; query strings go through django-filter and our own selectors, so they are
checked here once for every view.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _

MESSAGE = _("请求参数中含有不允许的字符。")


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in k or any("\x00" in v for v in vs) for k, vs in request.GET.lists()
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"code": "invalid_characters", "message": str(MESSAGE), "fields": {}}, status=400
                )
            return HttpResponse(str(MESSAGE), status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
