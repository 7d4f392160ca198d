"""One error format for the whole API: {"code": ..., "message": ..., "fields": {...}}.

`code` is a stable English identifier for programs; `message` is for people (zh-hans by default,
English with `Accept-Language: en`: rendered here, in the request's language); `fields` maps each bad
field to a list of {"code", "message"}.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.defaults import bad_request as bad_request_page
from django.views.defaults import page_not_found
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from backend.audit import services as audit
from backend.common.errors import DomainError

_MESSAGES = {
    "not_authenticated": _("请先登录。"),
    "authentication_failed": _("登录信息无效,请重新登录。"),
    "permission_denied": _("您没有执行此操作的权限。"),
    "not_found": _("未找到该记录。"),
    "method_not_allowed": _("不支持该请求方法。"),
    "parse_error": _("请求内容格式错误。"),
    "unsupported_media_type": _("不支持的请求内容类型。"),
    "throttled": _("请求过于频繁,请稍后再试。"),
    "validation_error": _("输入有误,请检查标出的字段。"),
    "bad_request": _("请求无效。"),
    "request_too_large": _("请求内容过大。"),
}


def _field_errors(detail: Any, prefix: str = "") -> dict[str, list[dict[str, str]]]:
    """Flatten DRF's nested ErrorDetail structure into {"field.sub": [{code, message}]}."""
    out: dict[str, list[dict[str, str]]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "non_field_errors" if key == "non_field_errors" and not prefix else f"{prefix}{key}"
            out.update(_field_errors(value, f"{name}."))
            if isinstance(value, list) and all(isinstance(v, exceptions.ErrorDetail) for v in value):
                out[name] = [{"code": v.code or "invalid", "message": str(v)} for v in value]
                out.pop(f"{name}.", None)
    elif isinstance(detail, list):
        if all(isinstance(v, exceptions.ErrorDetail) for v in detail):
            key = prefix.rstrip(".") or "non_field_errors"
            out[key] = [{"code": v.code or "invalid", "message": str(v)} for v in detail]
        else:
            for index, item in enumerate(detail):
                if item:
                    out.update(_field_errors(item, f"{prefix}{index}."))
    return {k: v for k, v in out.items() if not k.endswith(".")}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    denied = isinstance(exc, exceptions.PermissionDenied | DjangoPermissionDenied)
    if denied or getattr(exc, "status", None) == 403:  # every refusal is an audit entry
        request = context.get("request")
        audit.record(action="permission_denied", request=request, detail={
            "path": getattr(request, "path", "")[:200], "method": getattr(request, "method", "")})  # fmt: skip
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body = {
            "code": "validation_error",
            "message": str(_MESSAGES["validation_error"]),
            "fields": _field_errors(exc.detail),
        }
        response.status_code = status.HTTP_400_BAD_REQUEST
    else:
        code = getattr(exc, "default_code", "error")
        detail = getattr(exc, "detail", None)
        message = str(_MESSAGES[code] if code in _MESSAGES else detail or _("请求失败。"))
        body = {"code": code, "message": message, "fields": {}}
    response.data = body
    return response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404: a URL under /api/ that no route matches (an id that is not a number, a typo)
    answers the API's error body, as every other API failure does; other URLs get the site's page."""
    if not request.path.startswith("/api/"):
        return page_not_found(request, exception)
    body = {"code": "not_found", "message": str(_MESSAGES["not_found"]), "fields": {}}
    return JsonResponse(body, status=status.HTTP_404_NOT_FOUND, json_dumps_params={"ensure_ascii": False})


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: what Django refuses before a view runs (a body over DATA_UPLOAD_MAX_MEMORY_SIZE,
    read by DRF's parsers through `request.body`) answers an API caller in the API's error format."""
    if not request.path.startswith("/api/"):
        return bad_request_page(request, exception)  # type: ignore[arg-type]
    code = "request_too_large" if isinstance(exception, RequestDataTooBig) else "bad_request"
    body = {"code": code, "message": str(_MESSAGES[code]), "fields": {}}
    return JsonResponse(body, status=status.HTTP_400_BAD_REQUEST, json_dumps_params={"ensure_ascii": False})
