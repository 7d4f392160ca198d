"""Domain errors raised by services; the API maps them to one error format.

Messages are translatable (`gettext_lazy`, the Chinese text is the msgid; the English is in
backend/locale). An error keeps the lazy text it was raised with and renders it when it is read,
so a page or an API response shows it in the language active there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# A message as raised: plain text, or a lazy translation rendered when read.
if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as Message
else:
    Message = str | Promise
FieldProblems: TypeAlias = "Mapping[str, Sequence[Mapping[str, Message]]]"


class DomainError(Exception):
    """A rule of the domain was broken. `code` is stable English; `message` is for people."""

    code = "invalid"
    status = 400
    default_message: Message = _("请求无效。")

    def __init__(
        self,
        message: Message = "",
        *,
        code: str | None = None,
        fields: FieldProblems | None = None,
    ) -> None:
        self._message = message or self.default_message
        super().__init__(self._message)
        if code:
            self.code = code
        self._fields = fields or {}

    @property
    def message(self) -> str:
        """The message in the active language."""
        return str(self._message)

    @property
    def fields(self) -> dict[str, list[dict[str, str]]]:
        """{field: [{code, message}]} with each message in the active language."""
        return {
            name: [{key: str(value) for key, value in problem.items()} for problem in problems]
            for name, problems in self._fields.items()
        }

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "fields": self.fields}


class ValidationFailed(DomainError):
    code = "validation_error"
    default_message = _("输入有误,请检查标出的字段。")

    @classmethod
    def for_field(cls, field: str, code: str, message: Message) -> ValidationFailed:
        return cls(fields={field: [{"code": code, "message": message}]})


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
    default_message = _("您没有执行此操作的权限。")


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Conflict(DomainError):
    code = "conflict"
    status = 409
