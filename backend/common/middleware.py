"""Refuse NUL characters and lone surrogates in the path and query string up front.

PostgreSQL text cannot hold NUL (0x00), and a lone surrogate (\\ud800) cannot be encoded to
UTF-8 by either database driver, so either reaching a filter would be a 500. Request bodies are
covered by DRF's CharField, which refuses both; query strings go through django-filter and our
own selectors, so they are checked here once for every view.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _

MESSAGE = _("请求参数中含有不允许的字符。")
_BAD = re.compile("[\x00\ud800-\udfff]")


def _bad(request: HttpRequest) -> bool:
    if _BAD.search(request.path):
        return True
    return any(_BAD.search(key) or any(_BAD.search(v) for v in values) for key, values in request.GET.lists())


class RejectBadCharactersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _bad(request):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"code": "invalid_characters", "message": str(MESSAGE), "fields": {}}, status=400
                )
            return HttpResponse(str(MESSAGE), status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
