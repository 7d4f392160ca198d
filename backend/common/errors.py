"""Domain errors raised by services; the API maps them to one error format."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the domain was broken. `code` is stable English; `message` is for people."""

    code = "invalid"
    status = 400

    def __init__(
        self,
        message: str = "",
        *,
        code: str | None = None,
        fields: dict[str, list[dict[str, str]]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message or "请求无效。"
        if code:
            self.code = code
        self.fields = fields or {}

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "fields": self.fields}


class ValidationFailed(DomainError):
    code = "validation_error"

    @classmethod
    def for_field(cls, field: str, code: str, message: str) -> ValidationFailed:
        return cls("输入有误,请检查标出的字段。", fields={field: [{"code": code, "message": message}]})


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403

    def __init__(self, message: str = "您没有执行此操作的权限。", **kwargs: Any) -> None:
        super().__init__(message, **kwargs)


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Conflict(DomainError):
    code = "conflict"
    status = 409
