"""The audit log: one append-only table for auditlog's change entries and our explicit ones.

It is auditlog's swappable log entry model (AUDITLOG_LOGENTRY_MODEL) with four changes:
- the actor is a plain id (no foreign key constraint, nothing done on delete), so deleting a user
  never rewrites the log, and `actor_label`/`actor_role` keep who it was at the time;
- `event` names what happened with a fixed code, auditlog's create/update/delete included;
- an entry may have no target (a failed login), so `content_type` may be empty;
- every string stored passes `masking.scrub`, and no snapshot of the object is ever kept.
`cid` holds the request id, `additional_data` the small JSON detail of an explicit entry.
Database triggers refuse UPDATE and DELETE (triggers.py).
"""

from __future__ import annotations

from typing import Any

from auditlog.models import AbstractLogEntry
from django.conf import settings
from django.db import models

from backend.accounts.policies import role_of

from . import context
from .masking import mask_text, scrub


class Entry(AbstractLogEntry):
    class Event(models.TextChoices):
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"
        ACCESS = "access", "查看"
        ID_REVEAL = "id_reveal", "查看完整身份证号"
        EXPORT = "export", "导出数据"
        LOGIN = "login", "登录"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOCKOUT = "lockout", "账号锁定"
        PERMISSION_DENIED = "permission_denied", "无权访问"
        IMPORT = "import", "批量导入"
        MATCHING_RUN = "matching_run", "批量匹配"
        PURGE = "purge", "清理过期日志"
        TOKEN_REVOKE = "token_revoke", "吊销接口令牌"
        PASSWORD_RESET = "password_reset", "重置密码"

    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="对象类型",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name="操作人",
    )
    event = models.CharField("事件", max_length=32, choices=Event.choices, db_index=True)
    actor_label = models.CharField("操作人账号", max_length=150, blank=True)
    actor_role = models.CharField("操作人角色", max_length=32, blank=True)

    class Meta(AbstractLogEntry.Meta):
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-timestamp", "-id"]
        indexes = [models.Index(fields=["event", "timestamp"], name="audit_event_time")]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("audit entries are append-only")
        entry: Any = self  # auditlog ships no type hints for the fields it declares
        self._fill_from_context(entry)
        entry.object_repr = mask_text(entry.object_repr or "")
        entry.changes = scrub(self._own_fields_only(entry.changes))
        entry.changes_text = mask_text(entry.changes_text or "")
        entry.additional_data = scrub(entry.additional_data)
        entry.serialized_data = None  # a full snapshot would hold every personal field
        entry.actor_email = None
        super().save(*args, **kwargs)

    def _fill_from_context(self, entry: Any) -> None:
        if not self.event:
            self.event = _EVENT_OF_ACTION.get(entry.action, self.Event.ACCESS)
        if self.actor_id is None:
            self.actor = context.request_user()
        actor = self.actor if self.actor_id is not None else None
        if actor is not None:
            self.actor_label = self.actor_label or mask_text(actor.get_username())[:150]
            self.actor_role = self.actor_role or role_of(actor)
        if not entry.cid:
            entry.cid = context.request_id()
        if not entry.remote_addr:
            entry.remote_addr = context.remote_addr()
        if entry.object_pk is None:
            entry.object_pk = ""

    def _own_fields_only(self, changes: Any) -> Any:
        """auditlog lists reverse relations on create and delete ("matching.Suggestion.None"):
        keep the model's own fields (and m2m changes, which name a field of the model)."""
        model = self.content_type.model_class() if self.content_type is not None else None
        if not isinstance(changes, dict) or model is None:
            return changes
        own = {f.name for f in model._meta.get_fields() if f.concrete or f.many_to_many}
        return {name: value for name, value in changes.items() if name in own}

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("audit entries are append-only")


_EVENT_OF_ACTION = {
    Entry.Action.CREATE: Entry.Event.CREATE,
    Entry.Action.UPDATE: Entry.Event.UPDATE,
    Entry.Action.DELETE: Entry.Event.DELETE,
    Entry.Action.ACCESS: Entry.Event.ACCESS,
}
