"""OpenAPI hooks: the schema names every status an operation can answer, not only its success.

drf-spectacular documents the success response of each view; the failures come from shared
plumbing (backend/api/errors.py's one error body, authentication, permissions, filters,
pagination, throttles), so they are added here once for every operation:

- 400 when the operation takes input (query parameters or a body; services raise
  ValidationFailed on writes, so every write), 401 and 403 everywhere (a bad token is refused
  even on public reads; CSRF and the policies refuse writes), 404 with a path id or a page
  number (a page past the last is a 404), 406 everywhere (content negotiation), 409 where a
  service raises Conflict, 415 with a body, 422 where an `Idempotency-Key` is taken (the key
  was used for another request), 429 everywhere (throttles are global).

The create operations that take an `Idempotency-Key` (backend/api/idempotency.py) document the
header, and their success answers the `Idempotent-Replayed` header of a replay.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from backend.api.idempotency import HEADER as IDEMPOTENCY_HEADER
from backend.api.idempotency import REPLAYED_HEADER, is_idempotent
from backend.api.views import ServiceViewSet


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """`Authorization: Token <key>` (knox's hashed tokens), under the scheme name DRF's token had."""

    target_class = "backend.accounts.tokens.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")


ERROR_REF = {"$ref": "#/components/schemas/Error"}

ERROR_COMPONENTS: dict[str, dict[str, Any]] = {
    "FieldError": {
        "type": "object",
        "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        "required": ["code", "message"],
        "additionalProperties": False,
    },
    "Error": {
        "type": "object",
        "description": "所有错误的统一格式:code 为稳定的英文代码,message 供人阅读,fields 列出各字段的问题。",
        "properties": {
            "code": {"type": "string", "example": "validation_error"},
            "message": {"type": "string"},
            "fields": {
                "type": "object",
                "description": "字段名(嵌套字段以点号连接)到问题列表",
                "additionalProperties": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/FieldError"},
                },
            },
        },
        "required": ["code", "message", "fields"],
        "additionalProperties": False,
    },
}

DESCRIPTIONS = {
    400: "输入有误(code: validation_error 及各业务代码),fields 标出各字段的问题",
    401: "未登录或登录信息无效(not_authenticated / authentication_failed / token_expired / token_invalid)",
    403: "没有执行此操作的权限(permission_denied)",
    404: "记录不存在或对当前用户不可见,或页码超出范围(not_found)",
    406: "无法按 Accept 请求头返回内容(not_acceptable)",
    409: "与当前状态冲突,如重复报名、名额已满、批量匹配进行中(各业务代码)",
    415: "不支持的请求内容类型(unsupported_media_type)",
    422: "幂等键已用于另一个不同的请求(idempotency_key_reused)",
    429: "请求过于频繁(throttled),Retry-After 给出等待秒数",
}

HEADERS = {
    401: {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "认证方式,如 Token"}},
    429: {"Retry-After": {"schema": {"type": "integer"}, "description": "建议等待的秒数"}},
}

# Operations whose services raise Conflict (backend.common.errors.Conflict -> 409), by operationId;
# test_schema checks each still names an operation.
CONFLICTS = frozenset({
    "v1_applications_create",  # jobs.services.application_create: not open, no consent, applied
    "v1_enrolments_create",  # training.services.enrolment_apply: not open, full, enrolled
    "v1_workers_create",  # workers.services.worker_register: profile exists, ID number taken
    "v1_workers_update",  # workers.services.worker_update: ID number taken
    "v1_workers_partial_update",
    "v1_suggestions_review_create",  # matching.services.review: not pending, referral refused
    "v1_suggestions_bulk_review_create",  # all or nothing: any refusal is one 409
    "v1_matching_runs_create",  # matching.services.runs: a run is in progress there
    "v1_matching_runs_cancel_create",  # run finished
    "v1_matching_runs_resume_create",  # run not resumable
})  # fmt: skip

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "幂等键(1 至 255 个可打印 ASCII 字符,每个用户保留 24 小时):重试时带上同一个键和相同的请求内容,"
        "将返回第一次的结果(响应头 Idempotent-Replayed: true)而不会重复创建;同一个键用于不同的请求内容返回 422。"
    ),
)
REPLAYED_RESPONSE_HEADER = {
    REPLAYED_HEADER: {
        "schema": {"type": "string", "enum": ["true"]},
        "description": "此响应是同一幂等键第一次请求的结果的重放",
    }
}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's, plus the Idempotency-Key header on the handlers that honour it."""

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        action = getattr(self.view, "action", None)
        if is_idempotent(getattr(self.view, action or self.method.lower(), None)):
            parameters.append(IDEMPOTENCY_PARAMETER)
        return parameters


def takes_idempotency_key(operation: dict[str, Any]) -> bool:
    return any(
        p.get("in") == "header" and p.get("name") == IDEMPOTENCY_HEADER
        for p in operation.get("parameters", [])
    )


WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})
HTTP_METHODS = frozenset({"get", "head", "options", *WRITE_METHODS})


def _answers_only_405(callback: Any, method: str) -> bool:
    """A ServiceViewSet route whose use case is not offered (no create/update service): the router
    maps it, but the view refuses every call with 405, so it is no operation of the API."""
    view_class = getattr(callback, "cls", None)
    actions = getattr(callback, "actions", None) or {}
    if view_class is None or not issubclass(view_class, ServiceViewSet):
        return False
    action = actions.get(method.lower())
    if action == "create":
        return view_class.create is ServiceViewSet.create and view_class.create_service is None
    if action in ("update", "partial_update"):
        inherited = getattr(view_class, action) is getattr(ServiceViewSet, action)
        return inherited and view_class.update is ServiceViewSet.update and view_class.update_service is None
    return False


def drop_unoffered_writes(endpoints: list[tuple[str, str, str, Any]]) -> list[tuple[str, str, str, Any]]:
    """PREPROCESSING_HOOKS: leave out the routes that can only answer 405."""
    return [endpoint for endpoint in endpoints if not _answers_only_405(endpoint[3], endpoint[2])]


def error_statuses(method: str, operation: dict[str, Any]) -> list[int]:
    """The failure statuses an operation can answer (see the module docstring for why each)."""
    parameters = operation.get("parameters", [])
    takes_query = any(p.get("in") == "query" for p in parameters)
    has_path_id = any(p.get("in") == "path" for p in parameters)
    paginated = any(p.get("in") == "query" and p.get("name") == "page" for p in parameters)
    has_body = "requestBody" in operation
    statuses = [401, 403, 406, 429]
    if takes_query or has_body or method in WRITE_METHODS:
        statuses.append(400)
    if has_path_id or paginated:
        statuses.append(404)
    if operation.get("operationId") in CONFLICTS:
        statuses.append(409)
    if has_body:
        statuses.append(415)
    if takes_idempotency_key(operation):
        statuses.append(422)
    return sorted(statuses)


def _error_response(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": DESCRIPTIONS[status],
        "content": {"application/json": {"schema": ERROR_REF}},
    }
    if status in HEADERS:
        response["headers"] = HEADERS[status]
    return response


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """POSTPROCESSING_HOOKS: the shared Error component and each operation's failure statuses.
    A status a view documents itself (extend_schema) is kept as it is."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(ERROR_COMPONENTS)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            if takes_idempotency_key(operation):
                for code, response in responses.items():
                    if code.startswith("2"):
                        response.setdefault("headers", {}).update(REPLAYED_RESPONSE_HEADER)
            for status in error_statuses(method, operation):
                responses.setdefault(str(status), _error_response(status))
    return result
